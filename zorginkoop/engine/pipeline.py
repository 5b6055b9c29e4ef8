"""The stages of a selection run as plain functions: ingest, validate, select, export.

The Prefect flow (flows/annual_selection.py) calls these as tasks; tests call them
directly. Each stage opens the run's DuckDB file itself, so stages can run in
separate task runs and the database is a real file a person can open afterwards (the flow
holds it open meanwhile, engine.database.HeldDatabase, so the stages share one instance).
"""

from __future__ import annotations

import json
import logging
import subprocess
from dataclasses import asdict
from pathlib import Path

from zorginkoop import __version__
from zorginkoop.ingest.bundle import input_files
from zorginkoop.engine.database import connect, load_seeds
from zorginkoop.ingest.loader import FileReport, ingest_bundle
from zorginkoop.engine.models import ModelRun, run
from zorginkoop.engine.outputs import DATA_DOCS_DIR, DATABASE_NAME, MANIFEST_NAME, write_queries  # noqa: F401 (callers read pipeline.DATABASE_NAME)
from zorginkoop.engine.policy import Policy, load_into_duckdb
from zorginkoop.errors import BadInputError, raise_all
from zorginkoop.validation.rowchecks import TableChecks, quarantine_summary
from zorginkoop.validation.validate import SuiteResult, prepare_worker, validate_bundle

log = logging.getLogger(__name__)



def ingest(db_path: Path, policy: Policy, input_dir: Path) -> list[FileReport]:
    """Load the policy, the code lists and every input file (as text) into DuckDB."""
    with connect(db_path) as con:
        return ingest_into(con, policy, input_dir)


def ingest_into(con, policy: Policy, input_dir: Path) -> list[FileReport]:
    """ingest on an open connection (the profile's in-memory database, say)."""
    load_into_duckdb(policy, con)
    load_seeds(con, policy.domain.name)
    return ingest_bundle(con, input_files(policy.domain), input_dir)


def validate(db_path: Path, policy: Policy, reports: list[FileReport], docs_dir: Path | None = None,
             run_expectations: bool = True) -> tuple[list[FileReport], list[SuiteResult]]:
    """Check every row, quarantine what fails, then run every suite on the rows that pass.

    Stops the run (BadInputError) when a file is written in another convention (DD-MM-YYYY,
    decimal comma), when a file's quarantine exceeds the policy's quarantine_tolerance, or
    when an expectation fails on the validated rows. Returns the reports with their counts.
    """
    specs = input_files(policy.domain)
    tolerances = {spec.table: policy.parameters.quarantine_tolerance if spec.quarantine_tolerance is None
                  else spec.quarantine_tolerance for spec in specs}
    with connect(db_path) as con:
        with TableChecks(con, specs) as checks:
            checks.refuse([spec for spec in specs if spec.may_refuse_bundle])
            checked = {r.file: r for r in checks.results()}
        errors = []
        for report in reports:
            result = checked.get(report.path)
            if result:
                report.rows_deduplicated = result.rows_deduplicated
                report.rows_quarantined += result.rows_quarantined
                report.rows_loaded = report.rows_read - report.rows_deduplicated - report.rows_quarantined
            tolerance = tolerances[report.table]
            if report.rows_quarantined > tolerance * report.rows_read:
                errors.append(BadInputError(
                    report.path, f"{report.rows_quarantined} of {report.rows_read} rows "
                                 f"({report.rows_quarantined / max(report.rows_read, 1):.1%}) fail their checks; "
                                 f"the policy tolerates {tolerance:.1%}",
                    examples=quarantine_summary(con, report.path), examples_formatted=True,
                    hint="Correct the source file, or raise quarantine_tolerance in the policy file if these rows may be left out"))
        raise_all(errors)
        suites = validate_bundle(con, specs, docs_dir) if run_expectations else []
    return reports, suites


def expectations(db_path: Path, policy: Policy) -> list[SuiteResult]:
    """Every Great Expectations suite of the bundle on the validated rows (data_docs() then builds
    their Data Docs); raises BadInputError when an expectation fails. The same as
    validate(run_expectations=True) does last, but GE runs in the worker process
    (validate.prepare_worker): the flow runs this beside the selection, and GE's Python in this
    process would hold the GIL the selection needs."""
    with connect(db_path) as con:
        return validate_bundle(con, input_files(policy.domain), None, in_worker=True)


def data_docs(docs_dir: Path) -> Path:
    """Data Docs of the suites expectations() ran last, built in the worker process into docs_dir:
    the flow builds them beside the report, after the selection (GE's Python, a core's second)."""
    prepare_worker().build_docs(docs_dir)
    return docs_dir / "index.html"


def select(db_path: Path, policy: Policy, reload_policy: bool = False) -> dict[str, int]:
    """Apply the policy: every model up to the decisions, each after what it reads. Returns outcome counts."""
    with connect(db_path) as con:
        if reload_policy:
            load_into_duckdb(policy, con)
        run(con, policy.domain, exclude="layer:exports")
        rows = con.execute("select outcome, count(*) from decisions.unit_outcomes group by 1 order by 1").fetchall()
    return dict(rows)


def export(db_path: Path, policy: Policy, out_dir: Path) -> dict[str, int]:
    """Build the export models and write each as <name>.parquet, sorted, into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with connect(db_path) as con:
        names = sorted(r.model.split(".", 1)[1] for r in run(con, policy.domain, select="layer:exports"))
        written = write_queries(con, {out_dir / f"{name}.parquet": f"select * from exports.{name}" for name in names})
    return {target.name: rows for target, rows in written.items()}


JUDGED_ROWS = ("decisions.review_rows", "decisions.acceptance_rows")


def judged_quarantine(con) -> dict[str, int]:
    """Rows of reviews and acceptances that loaded cleanly but that the selection cannot take (an
    unknown unit, a unit not under review, no offer, too late): file -> rows quarantined."""
    present = {f"{s}.{t}" for s, t in con.execute("select schema_name, table_name from duckdb_tables()").fetchall()}
    counts: dict[str, int] = {}
    for table in (t for t in JUDGED_ROWS if t in present):
        for file, rows in con.execute(f"select _file, count(distinct _line) from {table} "
                                      "where quarantine_reason is not null group by _file").fetchall():
            counts[file] = counts.get(file, 0) + rows
    return counts


def account_for_judged_rows(db_path: Path, reports: list[FileReport]) -> list[FileReport]:
    """Move the rows the selection quarantined from loaded to quarantined, so that per file
    rows_read = rows_loaded + rows_deduplicated + rows_quarantined still holds in the manifest."""
    with connect(db_path) as con:  # not read_only: the run may hold the file open (HeldDatabase)
        judged = judged_quarantine(con)
    for report in reports:
        moved = judged.get(report.path, 0)
        report.rows_loaded -= moved
        report.rows_quarantined += moved
    return reports


def code_version() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).parent, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{__version__}+{commit}" if commit else __version__


def write_manifest(out_dir: Path, policy: Policy, input_dir: Path, reports: list[FileReport],
                   suites: list[SuiteResult], outputs: dict[str, int], timings: dict[str, float],
                   model_timings: list[ModelRun] | None = None, data_docs_pending: bool = False) -> Path:
    """manifest.json: what went in (with sha256 and row counts that add up), what came out, how long
    (per stage, and per SQL model: seconds and rows, rows null for a view). data_docs_pending: Data
    Docs are being built into the run directory (the flow writes the manifest again when they are)."""
    manifest = {
        "policy": {"name": policy.name, "domain": policy.domain.name, "path": str(policy.path), "sha256": policy.sha256},
        "code_version": code_version(),
        "input_dir": str(input_dir),
        "inputs": [asdict(r) for r in sorted(reports, key=lambda r: r.path)],
        "validation": [asdict(s) for s in suites],
        "data_docs": f"{DATA_DOCS_DIR}/index.html"
        if data_docs_pending or (out_dir / DATA_DOCS_DIR / "index.html").is_file() else None,
        "row_counts": "rows_read = rows_loaded + rows_deduplicated + rows_quarantined, per input file",
        "outputs": {name: {"rows": rows} for name, rows in sorted(outputs.items())},
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        "model_timings": [asdict(r) for r in model_timings or []],
    }
    path = out_dir / MANIFEST_NAME
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return path
