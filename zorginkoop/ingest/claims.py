"""`zorginkoop claims load`: prior-year claims (PM304 files and normalized extracts) to Parquet.

The same code path as the annual run's ingest: each file is loaded by ingest.load_file,
checked row by row against every expectation of the claims suite (zorginkoop.validation.rowchecks, the
suite compiled to SQL), and typed by sql/<domain>/staged/claims.sql. It does not start Great
Expectations itself: its context costs seconds, it would judge the same rows by the same
expectations again, and claims load writes no Data Docs (the annual run does).
Unlike the run, it applies no quarantine tolerance: it reports what it kept out. Writes
claims.parquet (one row per claim line, patients as pseudonyms only),
reconciliation.parquet (paramedie: per PM304 message, counts and totals read and declared) and
quarantine.parquet (every line kept out, with its reason).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from zorginkoop.ingest.bundle import input_files
from zorginkoop.engine import memory_tables
from zorginkoop.engine.database import connect, load_seeds
from zorginkoop.domains import Domain
from zorginkoop.errors import BadInputError
from zorginkoop.ingest.loader import FileReport, load_files, prepare
from zorginkoop.engine.models import run_model
from zorginkoop.engine.outputs import output_writer, write_queries
from zorginkoop.validation.rowchecks import TableChecks


def claim_files(paths: list[Path], extensions: tuple[str, ...]) -> list[tuple[Path, str]]:
    """Files to load with the name they get in outputs: a directory contributes every claim file in it."""
    found = []
    for path in paths:
        if path.is_dir():
            found += [(p, p.relative_to(path.parent).as_posix()) for p in sorted(path.iterdir())
                      if p.is_file() and p.suffix.lstrip(".").lower() in extensions]
        elif path.is_file():
            found.append((path, path.name))
        else:
            raise BadInputError(str(path), "no such file or directory")
    if not found:
        raise BadInputError(", ".join(map(str, paths)), f"no claim files found (looked for *.{', *.'.join(extensions)})")
    return found


def load_claims(paths: list[Path], output: Path, domain: Domain) -> tuple[list[FileReport], dict[str, int]]:
    # Read as the run reads them: kept in memory where the suite says so (InputFile.in_memory),
    # claims.parquet written from there; the lines are let go when the load ends (released).
    spec = next(s for s in input_files(domain) if s.table == "claims")
    # An in-memory database (nothing of it is kept), spilling into a temporary directory.
    with (output_writer(output) as staging, tempfile.TemporaryDirectory() as tmp,
          connect(":memory:", temp_directory=Path(tmp)) as con, memory_tables.released(con)):
        prepare(con, [spec])
        load_seeds(con, domain.name)
        results = load_files(con, [(spec, path, rel) for path, rel in claim_files(paths, spec.extensions)])
        reports = [r for r in results if isinstance(r, FileReport)]
        errors = [r for r in results if isinstance(r, BadInputError)]
        with TableChecks(con, [spec]) as checks:
            checks.refuse(errors=errors)  # the files that could not be read, and those in another convention
            checked = {r.file: r for r in checks.results()}
        for report in reports:
            if report.path in checked:
                report.rows_deduplicated = checked[report.path].rows_deduplicated
                report.rows_quarantined += checked[report.path].rows_quarantined
                report.rows_loaded = report.rows_read - report.rows_deduplicated - report.rows_quarantined
        run_model(con, domain.model_path("staged", "claims"))
        exports = {"claims": domain.claims_export,
                   "quarantine": 'select * from raw.quarantine order by file, line, "column", value, reason'}
        if "pm304" in spec.formats:  # per PM304 message: counts and totals against the sluitrecord
            exports["reconciliation"] = "select * from raw.pm304_reconciliation order by file, message"
        written = write_queries(con, {staging / f"{name}.parquet": sql for name, sql in exports.items()})
        counts = {target.name: rows for target, rows in written.items()}
    return reports, counts
