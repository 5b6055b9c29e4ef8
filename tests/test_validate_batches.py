"""Great Expectations on small batches: a value the SQL checks missed still stops the run with
file, column, example values, their lines and the number of rows, whether GE saw the table's
rows or its distinct values per column."""

from __future__ import annotations

import duckdb
import pytest

from zorginkoop.engine import pipeline
from zorginkoop.ingest.bundle import input_files
from zorginkoop.errors import BadInputError
from zorginkoop.paths import SAMPLE_DIR
from zorginkoop.validation.validate import validate_bundle
from zorginkoop.engine.database import connect


@pytest.mark.parametrize("max_rows", ["1", "1000000"], ids=["distinct_values", "rows"])
def test_a_failing_expectation_names_file_column_examples_and_lines(tmp_path, policy, monkeypatch, max_rows):
    monkeypatch.setenv("ZORGINKOOP_GE_MAX_ROWS", max_rows)
    db = tmp_path / "run.duckdb"
    pipeline.validate(db, policy, pipeline.ingest(db, policy, SAMPLE_DIR), run_expectations=False)
    with connect(db) as con:
        con.execute("create temp table bad as select * replace ("
                    "case when _line in (2, 3) then '2023-02-30' else ingangsdatum end as ingangsdatum) "
                    "from validated.contracts")
        kind = con.execute("select table_type from information_schema.tables "
                           "where table_schema = 'validated' and table_name = 'contracts'").fetchall()[0][0]
        con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} validated.contracts")
        con.execute("create table validated.contracts as select * from bad")
        with pytest.raises(BadInputError) as info:
            validate_bundle(con, input_files(policy.domain))
    message = str(info.value)
    assert "contracts/contracts.csv, column 'ingangsdatum'" in message
    assert "2 value(s) fail" in message
    assert "'2023-02-30' (line 2, line 3)" in message


def test_every_suite_runs_and_reports_its_batch(tmp_path, policy, monkeypatch):
    monkeypatch.setenv("ZORGINKOOP_GE_MAX_ROWS", "50")
    db = tmp_path / "run.duckdb"
    reports = pipeline.ingest(db, policy, SAMPLE_DIR)
    _, suites = pipeline.validate(db, policy, reports, docs_dir=tmp_path / "docs")
    assert suites and all(s.success and s.evaluated > 0 for s in suites)
    assert {s.batch for s in suites} == {"rows", "distinct values"}
    assert all((s.batch == "rows") == (s.rows <= 50) for s in suites)
    index = (tmp_path / "docs" / "index.html").read_text()
    assert all(s.table in index for s in suites)


def test_the_worker_process_judges_as_this_process_does_and_reports_its_failures(tmp_path):
    """The run's GE worker (validate.Worker): the same outcome as in this process, Data Docs
    written, and an error inside it raised here with GE's message, not a hang."""
    import pyarrow as pa

    from zorginkoop.validation.validate import SuiteJob, Worker, run_suites

    suite = {"name": "t", "meta": {}, "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}, "meta": {"explain": "a is required"}}]}
    job = SuiteJob("t", suite, pa.table({"a": ["x", None, "y"]}), "rows", 3)
    broken = SuiteJob("u", {"name": "u", "no_such_field": []}, job.data, "rows", 3)
    worker = Worker()
    try:
        remote = worker.run([job], tmp_path / "docs")
        with pytest.raises(RuntimeError, match="Great Expectations failed in its worker process") as info:
            worker.run([broken], None)
        assert "no_such_field" in str(info.value)
        again = worker.run([job], None)  # the worker still serves after an error
        # Data Docs of that last batch, built later (the flow builds them beside the report)
        worker.build_docs(tmp_path / "later")
    finally:
        worker.process.terminate()
    local = run_suites([job], None)
    for outcome in (remote[0], again[0], local[0]):
        assert outcome["success"] is False and outcome["evaluated"] == 1
        failed, = outcome["failed"]
        assert failed["expectation_config"]["type"] == "expect_column_values_to_not_be_null"
        assert failed["result"]["unexpected_count"] == 1
    assert (tmp_path / "docs" / "index.html").is_file()
    assert (tmp_path / "later" / "index.html").is_file()
    assert list((tmp_path / "later" / "validations" / "t").rglob("*.html"))  # the suite's own page


def test_the_worker_process_ends_when_the_run_is_killed():
    """A killed run must not leave its GE worker behind (it would hold the caller's output open),
    also while the worker is still importing Great Expectations."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    script = ("import time; from zorginkoop.validation.validate import prepare_worker; "
              "print(prepare_worker().process.pid, flush=True); time.sleep(120)")
    run = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    worker = int(run.stdout.readline())
    run.kill()
    run.wait()

    def alive() -> bool:
        stat = Path(f"/proc/{worker}/stat")
        try:
            return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (FileNotFoundError, ProcessLookupError):
            return False

    for _ in range(300):  # waits for the worker to end (up to a minute), it times nothing
        if not alive():
            break
        time.sleep(0.2)
    assert not alive()
    assert run.stdout.read() == ""  # the pipe closed: no process holds it open any more


def test_the_rows_travel_as_arrow_and_become_the_frame_ge_judged_before(tmp_path, policy):
    """SuiteJob carries Arrow; the frame made from it where GE runs is the frame the run's process
    made from DuckDB before (text as objects, None for a null), for every table of the sample."""
    import pandas as pd

    from zorginkoop.validation.validate import SuiteJob

    db = tmp_path / "run.duckdb"
    pipeline.validate(db, policy, pipeline.ingest(db, policy, SAMPLE_DIR), run_expectations=False)
    with connect(db) as con:
        for spec in input_files(policy.domain):
            query = f"select * exclude (_file, _line) from validated.{spec.table}"
            before = con.execute(query).df()
            before = before.astype(object).where(before.notna(), None)
            job = SuiteJob(spec.table, {}, con.sql(query).to_arrow_table(), "rows", len(before))
            pd.testing.assert_frame_equal(job.frame(), before)
            assert job.batch_rows() == len(before)
