"""Ingest: load every input file of the bundle as text into raw.<table>.

Raw tables keep each value exactly as written (VARCHAR), plus `_file` and
`_line` so that every row can be traced to its source line. Typing happens in
the staged SQL layer, after validation. Private columns (the insured's BSN) are
checked for presence and never loaded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .bundle import InputFile
from .errors import BadInputError, BadInputErrors

CSV_OPTIONS = "delim=',', quote='\"', escape='\"', header=true, all_varchar=true, encoding='utf-8', strict_mode=true"


@dataclass
class FileReport:
    """What happened to one input file; written into manifest.json."""

    table: str
    path: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    notes: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _source(path: Path) -> str:
    quoted = str(path).replace("'", "''")
    if path.suffix.lower() == ".parquet":
        return f"read_parquet('{quoted}')"
    return f"read_csv('{quoted}', {CSV_OPTIONS})"


def _header(con: duckdb.DuckDBPyConnection, path: Path, rel: str) -> list[str]:
    try:
        return [d[0] for d in con.execute(f"select * from {_source(path)} limit 0").description]
    except duckdb.Error as exc:
        raise BadInputError(rel, f"cannot be read as {'Parquet' if path.suffix == '.parquet' else 'UTF-8 CSV with a header row'}: {str(exc).splitlines()[0]}",
                            hint="Export the file as UTF-8 CSV, comma-separated, with a header row") from exc


def create_raw_table(con: duckdb.DuckDBPyConnection, spec: InputFile) -> None:
    cols = ", ".join(f'"{c}" varchar' for c in spec.loaded_columns)
    con.execute(f"create or replace table raw.{spec.table} ({cols}, _file varchar, _line bigint)")


def load_file(con: duckdb.DuckDBPyConnection, spec: InputFile, path: Path, input_dir: Path) -> FileReport:
    rel = path.relative_to(input_dir).as_posix()
    header = _header(con, path, rel)
    missing = [c for c in spec.columns if c not in header]
    if missing:
        raise BadInputError(rel, f"missing column(s) {', '.join(missing)}", column=missing[0],
                            examples=header, hint=f"The file has the columns shown; the contract requires {', '.join(spec.columns)}")
    select = ", ".join(f'cast("{c}" as varchar) as "{c}"' for c in spec.loaded_columns)
    rel_sql = rel.replace("'", "''")
    try:
        # Line 1 is the CSV header, so data row n sits on line n + 1; Parquet rows count from 1.
        first_line = 2 if path.suffix.lower() != ".parquet" else 1
        con.execute(f"""
            insert into raw.{spec.table}
            select {select}, '{rel_sql}' as _file, row_number() over () + {first_line - 1} as _line
            from {_source(path)}
        """)
    except duckdb.Error as exc:
        raise BadInputError(rel, f"cannot be read: {str(exc).splitlines()[0]}",
                            hint="Check the encoding (UTF-8), the delimiter (comma) and the quoting") from exc
    rows = con.execute(f"select count(*) from raw.{spec.table} where _file = ?", [rel]).fetchall()[0][0]
    return FileReport(spec.table, rel, sha256_of(path), rows_read=rows, rows_loaded=rows)


def ingest_bundle(con: duckdb.DuckDBPyConnection, specs: list[InputFile], input_dir: Path) -> list[FileReport]:
    """Load every file of the bundle; raise one error listing every file that cannot be loaded."""
    if not input_dir.is_dir():
        raise BadInputError(str(input_dir), "the input directory does not exist")
    con.execute("create schema if not exists raw")
    reports, errors = [], []
    for spec in specs:
        create_raw_table(con, spec)
        paths = spec.find(input_dir)
        if not paths and spec.required:
            errors.append(BadInputError(spec.path, f"required file is missing ({spec.description})",
                                        hint=f"Put it at {input_dir / spec.path}"))
        for path in paths:
            try:
                reports.append(load_file(con, spec, path, input_dir))
            except BadInputError as exc:
                errors.append(exc)
    if errors:
        raise errors[0] if len(errors) == 1 else BadInputErrors(errors)
    return reports
