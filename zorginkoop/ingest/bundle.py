"""The input bundle of a domain, read from its Great Expectations suites.

Each suite in expectations/common/ and expectations/<domain>/ describes one input file: its path in the
bundle, whether it is required, its columns and key (suite `meta`), and the
expectations every row must meet. One source of truth for ingest and validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zorginkoop.domains import Domain
from zorginkoop.validation.suites import SuiteError, load_suite


@dataclass(frozen=True)
class InputFile:
    table: str                 # raw.<table> in DuckDB
    path: str                  # path in the bundle; "dir/*" means every matching file in dir
    required: bool
    formats: tuple[str, ...]   # csv and/or parquet
    columns: tuple[str, ...]
    private_columns: tuple[str, ...]  # validated for presence, never loaded
    pseudonymize: dict[str, str]      # private column -> column holding its keyed pseudonym
    key: tuple[str, ...]
    description: str
    suite_path: Path
    # Share of the file's rows that may fail their checks before the run refuses the file; None:
    # the policy's quarantine_tolerance. A file of hand-made decisions (reviews) never stops the run.
    quarantine_tolerance: float | None = None
    # Whether a quarantined row sends the units it names to review (INVOER_VOLLEDIG). Not for
    # reviews and acceptances: they are about the decision, not the data it is made on.
    sends_units_to_review: bool = True
    domain: str = ""                  # whose seeds fill the suite's seed references
    # Columns that (nearly) tell one row from another, a claim line's id and patient say: exact
    # duplicates are looked for among the rows that share them (rowchecks.check_rows hashes these,
    # not every column). Not a key: rows that share them and differ elsewhere are both loaded.
    row_id: tuple[str, ...] = ()
    # Kept in memory for the run, not stored in its database file (engine.memory_tables): the claim
    # lines, whose storing was half the work of loading them. raw.<table> is then a view.
    in_memory: bool = False

    @property
    def may_refuse_bundle(self) -> bool:
        """Whether a problem in this file can stop the run. Not for a file whose rows may all be
        quarantined (reviews): a DD-MM-YYYY date typed by a reviewer is one bad row, not a bad export."""
        return self.quarantine_tolerance is None or self.quarantine_tolerance < 1

    @property
    def distinct_columns(self) -> tuple[str, ...]:
        """Columns whose values (nearly) all differ: a one-column key, and a claim line's own id
        (the first column of row_id)."""
        return tuple(dict.fromkeys((*(self.key if len(self.key) == 1 else ()), *self.row_id[:1])))

    @property
    def memory_schema(self):
        """The Arrow schema of the table kept in memory (in_memory)."""
        from zorginkoop.engine.memory_tables import schema

        return schema(self.loaded_columns, self.distinct_columns)

    @property
    def loaded_columns(self) -> tuple[str, ...]:
        kept = tuple(c for c in self.columns if c not in self.private_columns)
        return kept + tuple(self.pseudonymize.values())

    @property
    def extensions(self) -> tuple[str, ...]:
        from zorginkoop.ingest.pm304 import EXTENSIONS

        return tuple(e for f in self.formats for e in (EXTENSIONS if f == "pm304" else (f,)))

    @property
    def is_directory(self) -> bool:
        return self.path.endswith("/*")

    def find(self, input_dir: Path) -> list[Path]:
        """The files of this input that exist in the bundle, sorted for reproducibility."""
        if self.is_directory:
            folder = input_dir / self.path[:-2]
            if not folder.is_dir():
                return []
            return sorted(p for p in folder.iterdir()
                          if p.is_file() and p.suffix.lstrip(".").lower() in self.extensions)
        candidate = input_dir / self.path
        return [candidate] if candidate.is_file() else []

    def suite_json(self) -> dict:
        """The suite as this domain reads it (seed references filled in); an unsupported
        expectation type raises suites.SuiteError naming the suite and the type."""
        return load_suite(self.suite_path, self.domain)


def input_files(domain: Domain) -> list[InputFile]:
    files = []
    for suite_path in domain.suite_paths():
        meta = load_suite(suite_path, domain.name)["meta"]
        spec = InputFile(
            table=meta["table"], path=meta["path"], required=bool(meta["required"]),
            formats=tuple(meta.get("formats", ["csv"])), columns=tuple(meta["columns"]),
            private_columns=tuple(meta.get("private_columns", [])), pseudonymize=dict(meta.get("pseudonymize", {})),
            key=tuple(meta.get("key", [])),
            description=meta.get("description", ""), suite_path=suite_path,
            quarantine_tolerance=meta.get("quarantine_tolerance"),
            sends_units_to_review=bool(meta.get("sends_units_to_review", True)), domain=domain.name,
            row_id=tuple(meta.get("row_id", [])), in_memory=bool(meta.get("in_memory", False)),
        )
        unknown = [c for c in (*spec.key, *spec.row_id) if c not in spec.loaded_columns]
        if unknown:
            raise SuiteError(f"suite {suite_path}: meta.key or meta.row_id names {', '.join(unknown)}, "
                             f"not a loaded column ({', '.join(spec.loaded_columns)})")
        files.append(spec)
    return files
