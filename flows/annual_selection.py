"""The yearly selection run as a Prefect flow: ingest -> validate -> select -> export -> report.

Great Expectations' suites run as their own task beside select and export (they read the
validated rows, the selection writes other schemas); the run waits for them before the
manifest, and a failed suite stops it before anything is published. Their Data Docs are built
beside the report (data_docs), as is the run database's one checkpoint: the flow holds the
database open from ingest to the report (engine.database.HeldDatabase).

Each task opens the run's DuckDB file itself (connections and DataFrames do not
travel between tasks). Everything is written to a staging directory beside the
output (zorginkoop.engine.outputs) and moved into place only when the whole run succeeded.
"""

from __future__ import annotations

import logging
import os
import time
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from zorginkoop.engine import outputs, pipeline
from zorginkoop import paths, progress
from zorginkoop.ingest.loader import FileReport
from zorginkoop.engine.database import HeldDatabase
from zorginkoop.engine.models import ModelRun, recording
from zorginkoop.engine.policy import load_policy
from zorginkoop.reporting.summary import markdown_table, outcome_counts
from zorginkoop.reporting.report import write_report
from zorginkoop.validation.validate import SuiteResult
from zorginkoop.reporting.workbook import write_workbook


@task(name="ingest", cache_policy=NO_CACHE)
def ingest(db_path: Path, policy_name: str, input_dir: Path) -> list[dict]:
    reports = pipeline.ingest(db_path, load_policy(policy_name), input_dir)
    get_run_logger().info("loaded %d file(s), %d rows", len(reports), sum(r.rows_loaded for r in reports))
    return [asdict(r) for r in reports]


@task(name="validate", cache_policy=NO_CACHE)
def validate(db_path: Path, policy_name: str, reports: list[dict]) -> list[dict]:
    """Every row checked: duplicates dropped, bad values quarantined, the tolerance applied."""
    checked, _ = pipeline.validate(db_path, load_policy(policy_name), [FileReport(**r) for r in reports],
                                   run_expectations=False)
    logger = get_run_logger()
    for r in checked:
        if r.rows_quarantined or r.rows_deduplicated:
            logger.warning("%s: %d row(s) quarantined, %d duplicate(s) dropped", r.path, r.rows_quarantined, r.rows_deduplicated)
    return [asdict(r) for r in checked]


@task(name="expectations", cache_policy=NO_CACHE)
def expectations(db_path: Path, policy_name: str) -> list[dict]:
    """Every Great Expectations suite on the validated rows (Data Docs follow in data_docs)."""
    results = pipeline.expectations(db_path, load_policy(policy_name))
    get_run_logger().info("%d suite(s) passed, %d expectations", len(results), sum(r.evaluated for r in results))
    return [asdict(r) for r in results]


@task(name="data_docs", cache_policy=NO_CACHE)
def data_docs(docs_dir: Path) -> str:
    """Great Expectations Data Docs of the suites the expectations task ran."""
    return str(pipeline.data_docs(docs_dir))


@contextmanager
def model_log():
    """Each SQL model's seconds and rows: the runner logs them under `zorginkoop` (sent to this run's
    Prefect log too, as PREFECT_LOGGING_EXTRA_LOGGERS would) and they are returned for the manifest."""
    from prefect.logging.handlers import APILogHandler

    logger = logging.getLogger("zorginkoop")
    handler = None if any(isinstance(h, APILogHandler) for h in logger.handlers) else APILogHandler()
    if handler:
        logger.addHandler(handler)
    try:
        with recording() as runs:
            yield runs
    finally:
        if handler:
            logger.removeHandler(handler)


@task(name="select", cache_policy=NO_CACHE)
def select(db_path: Path, policy_name: str) -> tuple[dict[str, int], list[dict]]:
    with model_log() as runs:
        counts = pipeline.select(db_path, load_policy(policy_name))
    get_run_logger().info("outcomes: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts, [asdict(r) for r in runs]


@task(name="export", cache_policy=NO_CACHE)
def export(db_path: Path, policy_name: str, staging: Path) -> tuple[dict[str, int], list[dict]]:
    loaded = load_policy(policy_name)
    with model_log() as runs:
        outputs = pipeline.export(db_path, loaded, staging)
    create_markdown_artifact(
        key="selection-summary",
        markdown=f"# Selection {policy_name}\n\nUnits per outcome and {loaded.domain.summary_column}:\n\n"
                 + markdown_table(outcome_counts(staging / "decisions.parquet", loaded.domain), loaded.domain)
                 + "\n\nOutputs: " + ", ".join(f"`{n}` ({r} rows)" for n, r in outputs.items()),
        description=f"Outcome counts of the {policy_name} selection run",
    )
    return outputs, [asdict(r) for r in runs]


@task(name="report", cache_policy=NO_CACHE)
def report(staging: Path, policy_name: str) -> list[str]:
    """report.html and selectie.xlsx for the procurement team, from the finished outputs."""
    policy = load_policy(policy_name)
    page = write_report(staging, policy)
    book = write_workbook(staging, policy.domain)
    create_markdown_artifact(key="selection-report", markdown=f"Report: `{page.name}`, workbook: `{book.name}` in the run's output directory.")
    return [page.name, book.name]


@task(name="publish", cache_policy=NO_CACHE)
def publish(staging: Path, output_dir: Path) -> Path:
    return outputs.publish(staging, output_dir)


@flow(name="annual_selection")
def annual_selection(policy: str = "paramedie-2024", input_dir: str | None = None,
                     output_dir: str | None = None) -> dict:
    """Apply a purchasing policy to an input bundle and write the outputs of the contract.

    Everything is written into a staging directory; only when the whole run succeeded does
    the output path switch to it, atomically. A failed or killed run changes nothing.
    """
    loaded = load_policy(policy)  # a bad policy file stops the run before anything is read
    input_dir = input_dir or str(paths.sample_bundle(loaded))
    output_dir = output_dir or f"out/{loaded.name}"
    # abspath, not resolve(): the output path is a symlink to the current run and must stay one
    input_path, output_path = Path(input_dir).resolve(), Path(os.path.abspath(output_dir))
    timings: dict[str, float] = {}
    suites_future = None
    with outputs.output_writer(output_path, publish=publish) as staging, \
            HeldDatabase(staging / pipeline.DATABASE_NAME) as database:
        db_path = staging / pipeline.DATABASE_NAME
        try:
            start = time.perf_counter()
            with progress.stage("Ingest: loading the input bundle"):
                reports = ingest(db_path, policy, input_path)
            timings["ingest"] = time.perf_counter() - start
            start = time.perf_counter()
            with progress.stage("Validate: checking every row"):
                reports = validate(db_path, policy, reports)
            # Great Expectations (Python, one core) judges the validated rows beside the selection
            # (DuckDB), which reads the same rows; a failed suite still stops the run before publish.
            suites_future = expectations.submit(db_path, policy)
            timings["validate"] = time.perf_counter() - start
            start = time.perf_counter()
            with progress.stage("Select: applying the policy"):
                counts, model_timings = select(db_path, policy)
            timings["select"] = time.perf_counter() - start
            start = time.perf_counter()
            with progress.stage("Export: writing the outputs"):
                written, exported = export(db_path, policy, staging)
            model_timings = [ModelRun(**r) for r in model_timings + exported]
            timings["export"] = time.perf_counter() - start
            start = time.perf_counter()
            with progress.stage("Validate: Great Expectations"):
                suites = suites_future.result()
            # The stages partition the run's time: waiting for the suites counts as validation.
            timings["validate"] += time.perf_counter() - start
        finally:
            if suites_future is not None:
                suites_future.wait()  # GE's worker serves one batch at a time; the run ends after it
        checked = pipeline.account_for_judged_rows(db_path, [FileReport(**r) for r in reports])
        reports = [asdict(r) for r in checked]
        pipeline.write_manifest(staging, loaded, input_path, checked, [SuiteResult(**s) for s in suites],
                                written, timings, model_timings, data_docs_pending=True)
        start = time.perf_counter()
        # Beside the report (Python, reading the Parquet outputs and the manifest): the database
        # file's last write (the run's one checkpoint) and GE's Data Docs (in GE's worker process),
        # each on a core of its own. All three end before anything is published.
        database.close_beside()
        docs_future = data_docs.submit(staging / pipeline.DATA_DOCS_DIR)
        try:
            report(staging, policy)  # reads the manifest; its own time is added to it afterwards
        finally:
            docs_future.wait()  # it writes into the staging directory, removed when the run fails
        docs_future.result()
        database.wait()
        timings["report"] = time.perf_counter() - start
        pipeline.write_manifest(staging, loaded, input_path, checked,
                                [SuiteResult(**s) for s in suites], written, timings, model_timings)
    return {"output_dir": str(output_path), "outcomes": counts, "outputs": written,
            "data_docs": str(output_path / pipeline.DATA_DOCS_DIR / "index.html"),
            "report": str(output_path / "report.html"), "workbook": str(output_path / "selectie.xlsx"),
            "quarantined": sum(r["rows_quarantined"] for r in reports),
            "deduplicated": sum(r["rows_deduplicated"] for r in reports)}
