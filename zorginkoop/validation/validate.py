"""Great Expectations on every input file's validated rows, with Data Docs.

Row-level checks (zorginkoop.validation.rowchecks) have already kept bad rows out, on every row, in SQL;
the suite then runs on validated.<table>, so what enters selection provably meets every
expectation. Should an expectation still fail (a check the SQL does not cover), the run stops
with the file, the column, example values with their line numbers, and what is expected.
GE 1.24 cannot validate DuckDB through SQLAlchemy, so each table is handed to it as a
pandas DataFrame (every value still the text as written): a small table as its rows, any
other as the distinct values of each column (value expectations hold for every row exactly
when they hold for every distinct value; key uniqueness is then checked row by row in SQL).
All suites run in one ephemeral context, and Data Docs are built once at the end.

The rows (or distinct values) are fetched here from DuckDB as Arrow; GE's pandas frames are
made from them where GE runs, in run_suites (SuiteJob.frame). The run's flow has that done in a
worker process (prepare_worker, started by `zorginkoop run` while Prefect's server boots, so GE's
import and context are ready by then): GE is pure Python, and in a thread of the run's own
process it held the GIL that the selection beside it needs between its SQL statements, which
doubled the selection's time. Called directly (pipeline.validate, `publish`) it runs in this
process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zorginkoop.engine import memory_tables
from zorginkoop.ingest.bundle import InputFile
from zorginkoop.errors import BadInputError, raise_all
from zorginkoop.settings import apply_environment, settings
from zorginkoop.sqltext import identifier

apply_environment(prefect=False)  # GE's analytics off, also when used without the CLI (and after Prefect)
log = logging.getLogger(__name__)
DOCS_SITE = "zorginkoop"


@dataclass
class SuiteResult:
    table: str
    success: bool
    evaluated: int
    failed: int
    rows: int
    batch: str = "rows"  # "rows", or "distinct values" for a large table


def max_rows() -> int:
    """Above this many rows a table is handed to GE as its distinct values per column.

    GE checks dates in Python, one strptime per value: a few thousand rows cost milliseconds,
    a hundred thousand cost seconds, while the distinct dates of any table are a few thousand.
    """
    return settings().ge_max_rows


def _value_columns(suite: dict) -> set[str]:
    return {e["kwargs"]["column"] for e in suite["expectations"] if "column" in e["kwargs"]}


def distinct_values(con, spec: InputFile, suite: dict) -> dict:
    """Every distinct value of every checked column (sorted, a null first), and the first value of
    each other column: Arrow arrays, fetched by DuckDB without Python objects (distinct_values_frame
    makes the batch where GE runs).

    Value expectations (not null, regex, date format, value set) hold for every row exactly
    when they hold for every distinct value, so GE still judges every row, at the cost of the
    distinct values only. Key uniqueness is enforced row by row in SQL (rowchecks) and is
    left out of this batch. The checked columns' values come from one scan of the validated rows
    (a view: the raw rows less those kept out), each column's list of distinct values (a null
    among them), not from a scan per column, then sorted a null first by Arrow (list_sort costs
    more); a table without rows gives empty arrays. A column whose values all differ
    (InputFile.distinct_columns) keeps a query of its own, which can spill to disk. An other column's first value is a top-1 query,
    which DuckDB answers from the row groups' statistics without reading the column.
    """
    checked = [c for c in spec.loaded_columns if c in _value_columns(suite)]
    others = [c for c in spec.loaded_columns if c not in checked]
    if spec.in_memory:
        return _kept_distinct_values(con, spec, checked, others)
    table = f"validated.{spec.table}"
    # A column of distinct values (a claim's id) would be one list held in memory whole, where a
    # query of its own spills to disk under the memory limit: those keep a scan each.
    unbounded = [c for c in checked if c in spec.distinct_columns]
    listed_columns = [c for c in checked if c not in unbounded]
    lists = "".join(f", list(distinct {identifier(c)})" for c in listed_columns)
    found = con.sql(f"select count(*){lists} from {table}").to_arrow_table()
    rows = found.column(0)[0].as_py()
    values = {}
    for column in unbounded:
        sql = f"select distinct {identifier(column)} from {table} order by 1 nulls first"
        values[column] = con.sql(sql).to_arrow_table().column(0).combine_chunks()
    for i, column in enumerate(listed_columns, start=1):
        listed = found.column(i).combine_chunks()
        distinct = listed.flatten() if rows else pa.array([], listed.type.value_type)
        # sorted as DuckDB's `order by 1 nulls first` sorts text: by its bytes (Arrow's order too)
        values[column] = distinct.take(pc.array_sort_indices(distinct, null_placement="at_start"))
    if others:  # each the first value in that order: a top-1 query, answered from the row groups' statistics
        firsts = con.sql("select " + ", ".join(
            f"(select {identifier(c)} from {table} order by 1 nulls first limit 1) as {identifier(c)}" for c in others)
            ).to_arrow_table()
        values.update({c: firsts.column(c).combine_chunks().slice(0, 1 if rows else 0) for c in others})
    return {c: values[c] for c in spec.loaded_columns}


def _kept_distinct_values(con, spec: InputFile, checked: list[str], others: list[str]) -> dict:
    """distinct_values of lines kept in memory, the same arrays, from the lines' dictionaries
    (engine.memory_tables.distinct and least) instead of a scan through the view."""
    parts = memory_tables.lines(con, spec.table, validated=True)
    rows = sum(part.num_rows if mask is None else int(np.count_nonzero(mask)) for part, mask in parts)
    values = {}
    for column in checked:
        found, has_null = memory_tables.distinct(con, spec.table, column, validated=True, parts=parts)
        if has_null:
            found = pa.concat_arrays([pa.nulls(1, found.type), found])
        values[column] = found.take(pc.array_sort_indices(found, null_placement="at_start"))
    for column in others:
        least, has_null = memory_tables.least(con, spec.table, column, validated=True, parts=parts)
        values[column] = pa.array([None if has_null else least] if rows else [], pa.string())
    return {c: values[c] for c in spec.loaded_columns}


def distinct_values_frame(values: dict):
    """The batch GE judges for distinct values: one column per checked column, each padded with its
    first value to the longest."""
    import pandas as pd

    longest = max(len(v) for v in values.values())
    return pd.DataFrame({c: _categorical(v, longest) for c, v in values.items()})


def _categorical(distinct: pa.Array, length: int):
    """Distinct values (sorted, a null first) as a pandas Categorical of `length` rows, padded with
    the first value: pandas applies GE's per-value checks (strptime, regex) to each category once,
    so padding costs nothing; the values stay the text as written. Built from codes, as the values
    are already distinct and sorted (hashing them again cost seconds on large tables), and the
    categories straight from the Arrow values, in the type pandas gives text (no Python string per
    value: a third of the batch's making).

    A Categorical maps to a Categorical when the mapping is one-to-one, and GE cannot negate that;
    two unused categories make a mapping to True/False never one-to-one. They hold no row, so no
    expectation sees them.
    """
    import pandas as pd

    nulls = distinct.null_count  # sorted a null first: 0 or 1
    codes = np.arange(-nulls, len(distinct) - nulls, dtype=np.int64)
    codes = np.concatenate([codes, np.full(length - len(codes), codes[0] if len(codes) else -1, dtype=np.int64)])
    unused = pa.array([f"\x00unused {i}" for i in range(2)], pa.string())
    categories = pa.concat_arrays([distinct.slice(nulls).cast(pa.string()), unused])
    return pd.Categorical.from_codes(codes, categories=pd.Index(pd.array(categories, dtype=pd.Index(["text"]).dtype)))


def _new_context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GE sets this one module's logger to INFO when imported, past the level the run gives
    # "great_expectations" (settings.apply_defaults); it only says where the docs go meanwhile.
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.NOTSET)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


_prepared: Future | None = None
_prepared_lock = threading.Lock()


def prepare_context(nice: int = 0) -> None:
    """Import Great Expectations and build an ephemeral context in a background thread, for the
    next validation in this process to take (validate_bundle). Nothing happens when one is already
    being prepared or waits to be taken. nice: that thread's lower priority (on Linux a thread's
    nice value is its own; elsewhere the whole process's)."""
    global _prepared
    with _prepared_lock:
        if _prepared is not None:
            return
        _prepared = future = Future()

    def build() -> None:
        if nice and hasattr(os, "nice"):
            os.nice(nice)
        try:
            future.set_result(_new_context())
        except BaseException as exc:  # noqa: BLE001 - handed to the validation, which builds its own
            future.set_exception(exc)

    threading.Thread(target=build, name="gx-context", daemon=True).start()


def _context():
    """A new ephemeral context: the prepared one when there is one (waiting for it if it is still
    being built), else one built now. Each is used once: a validation adds its suites to it."""
    global _prepared
    with _prepared_lock:
        future, _prepared = _prepared, None
    if future is not None:
        try:
            return future.result()
        except Exception:  # noqa: BLE001 - build it here, where a failure is reported as usual
            log.debug("preparing the Great Expectations context failed; building it now", exc_info=True)
    return _new_context()


class Worker:
    """One process that runs suites for this one (run_suites), over a pipe, one batch at a time.

    Spawned, not forked (DuckDB's and Prefect's threads must not be copied), as a daemon: it ends
    with this process's exit, and when this process is killed it sees its parent gone and ends
    too, also while still importing GE (so it never holds a caller's output open)."""

    def __init__(self, debug: bool = False) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._lock = threading.Lock()
        self.process = context.Process(target=_serve, args=(child, debug), name="gx-worker", daemon=True)
        self.process.start()
        child.close()

    def run(self, jobs: list, docs_dir: Path | None) -> list[dict]:
        return self._ask(("suites", jobs, docs_dir))

    def build_docs(self, docs_dir: Path) -> None:
        """Data Docs of the batch this worker ran last (run with docs_dir None), into docs_dir."""
        self._ask(("docs", docs_dir))

    def _ask(self, message: tuple):
        with self._lock:
            self._pipe.send(message)
            try:
                kind, value = self._pipe.recv()
            except EOFError:
                raise RuntimeError(f"the Great Expectations worker process ended (exit code {self.process.exitcode})") from None
        if kind == "error":
            raise RuntimeError(f"Great Expectations failed in its worker process:\n{value}")
        return value


def _serve(pipe, debug: bool = False) -> None:
    """The worker process: the run's console logging (GE's warnings only; with --debug in full,
    tracebacks too), GE's context built at once at a lower priority (its import must not slow the
    Prefect server's start; it works in what the start leaves), then one batch of suites after
    another until the pipe closes, at the run's own priority: judged beside the selection, the
    suites are what the run waits for last (niced too, they were left a tail of half a second on
    one core after the exports, docs/decisions.md)."""
    import traceback

    import tqdm

    from zorginkoop.logs import setup_console

    parent = os.getppid()

    def end_with_parent() -> None:  # a killed run: do not finish GE's import holding its output open
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=end_with_parent, name="parent-watch", daemon=True).start()
    # tqdm (GE's progress bars, off) would make a multiprocessing lock; this process ends by a
    # signal when the run ends, and the lock would be reported as leaked on the run's console.
    tqdm.tqdm.set_lock(threading.RLock())
    setup_console(logging.WARNING, debug=debug)
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    prepare_context(nice=10)
    while True:
        try:
            kind, *args = pipe.recv()
        except EOFError:  # the run's process ended
            return
        try:
            pipe.send(("ok", run_suites(*args) if kind == "suites" else build_data_docs(*args)))
        except Exception:  # noqa: BLE001 - reported by the caller, as text (not every exception pickles)
            pipe.send(("error", traceback.format_exc()))


_worker: Worker | None = None
_worker_debug = False


def prepare_worker(debug: bool | None = None) -> Worker:
    """The process that runs the suites for this process's runs (validate_bundle in_worker), started
    now: it imports GE and builds a context while the caller goes on. One per process, reused;
    debug: its console shows what the run's does with --debug (kept for a worker started again)."""
    global _worker, _worker_debug
    with _prepared_lock:
        _worker_debug = _worker_debug if debug is None else debug
        if _worker is None or not _worker.process.is_alive():
            _worker = Worker(_worker_debug)
        return _worker


@dataclass
class SuiteJob:
    """One suite and the rows it judges; what travels to the worker process. The rows travel as Arrow
    (DuckDB fetches them without Python objects) and become GE's pandas batch where GE runs (frame):
    built in the run's process, that Python held the GIL the selection beside it needs."""
    table: str
    suite: dict
    data: Any   # pyarrow Table ("rows"), or {column: pyarrow Array} of distinct values ("distinct values")
    mode: str   # "rows" or "distinct values"
    rows: int

    def frame(self):
        if self.mode != "rows":
            return distinct_values_frame(self.data)
        frame = self.data.to_pandas()
        return frame.astype(object).where(frame.notna(), None)

    def batch_rows(self) -> int:
        """Rows in GE's batch: the table's, or the longest list of distinct values."""
        return self.data.num_rows if self.mode == "rows" else max(len(v) for v in self.data.values())


_last_context = None  # the context of this process's last run_suites, for build_data_docs


def build_data_docs(docs_dir: Path, context=None) -> None:
    """Data Docs of the last run_suites in this process (or of context) into docs_dir: built once,
    at the end (rebuilding the site after every suite costs seconds each)."""
    global _last_context
    if context is None:  # taken: the results of one batch make one site
        context, _last_context = _last_context, None
    if context is None:
        raise RuntimeError("no Great Expectations results in this process to build Data Docs from "
                           "(the suites run first, in the same worker process)")
    context.add_data_docs_site(DOCS_SITE, {
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    context.build_data_docs(site_names=[DOCS_SITE])


def run_suites(jobs: list[SuiteJob], docs_dir: Path | None) -> list[dict]:
    """Great Expectations on each job's frame, in one context, and Data Docs into docs_dir (without
    it, build_data_docs builds them later from this context). Per job: success, how many
    expectations were evaluated, and each failed one's result (GE's JSON form, which the caller
    describes with the rows it names)."""
    import great_expectations as gx

    global _last_context
    context = _last_context = _context()
    source = context.data_sources.add_pandas("validated")
    outcomes = []
    for job in jobs:
        suite = context.suites.add(gx.ExpectationSuite(**job.suite))
        batch = source.add_dataframe_asset(job.table).add_batch_definition_whole_dataframe("all")
        definition = context.validation_definitions.add(gx.ValidationDefinition(name=job.table, data=batch, suite=suite))
        # The validation definition stores its result for Data Docs itself; a checkpoint per suite
        # would add only its own bookkeeping. Distinct values: pass or fail only, as GE's counts
        # would be of distinct values, not rows (and computing them is a third of GE's time); a
        # failing suite runs again for every unexpected value, so that a failure counts and shows
        # rows, not padded batch entries.
        distinct, frame = job.mode != "rows", job.frame()
        outcome = definition.run(batch_parameters={"dataframe": frame},
                                 result_format="BOOLEAN_ONLY" if distinct else "SUMMARY")
        if not outcome.success and distinct:
            outcome = definition.run(batch_parameters={"dataframe": frame},
                                     result_format={"result_format": "COMPLETE", "include_unexpected_rows": False})
        outcomes.append({"success": outcome.success, "evaluated": len(outcome.results),
                         "failed": [r.to_json_dict() for r in outcome.results if not r.success]})
    if docs_dir is not None:
        build_data_docs(docs_dir, context)
    return outcomes


def _lines_of(con, table: str, column: str, value) -> str:
    if value is None or value != value:  # None or NaN
        where, params = f"{identifier(column)} is null", []
    else:
        where, params = f"{identifier(column)} = ?", [str(value)]
    rows = con.execute(f"select _file, _line from validated.{table} where {where} order by _file, _line limit 3", params).fetchall()
    return ", ".join(f"line {line}" for _, line in rows)


def _unexpected_rows(con, table: str, column: str, values: list) -> int:
    """How many validated rows hold one of these values (GE counted distinct values only)."""
    known = sorted({str(v) for v in values if v is not None and v == v})
    has_null = any(v is None or v != v for v in values)
    where = " or ".join(([f"{identifier(column)} in (select unnest(?::varchar[]))"] if known else [])
                        + ([f"{identifier(column)} is null"] if has_null else [])) or "false"
    params = [known] if known else []
    return con.execute(f"select count(*) from validated.{table} where {where}", params).fetchall()[0][0]


def _describe_failure(con, spec: InputFile, result: dict, distinct: bool = False) -> BadInputError:
    """A failed expectation (GE's JSON form of its result) as the message a person reads."""
    config = result["expectation_config"]
    kwargs = config["kwargs"]
    column = kwargs.get("column") or ", ".join(kwargs.get("column_list", []) or [])
    explain = (config.get("meta") or {}).get("explain", config["type"]).replace("'{value}'", "the value").replace("{length}", "n")
    res = result.get("result") or {}
    count = res.get("unexpected_count")
    unexpected = res.get("partial_unexpected_list") or []
    if distinct and kwargs.get("column"):
        # The batch held each value once (padded with repeats): count and show rows, not batch entries.
        unexpected = list(dict.fromkeys(unexpected if res.get("unexpected_list") is None else res["unexpected_list"]))
        if count is not None:
            count = _unexpected_rows(con, spec.table, kwargs["column"], unexpected)
    examples = []
    for value in unexpected[:5]:
        if isinstance(value, dict):  # compound keys report whole rows
            examples.append("(" + ", ".join(f"{k}={v}" for k, v in value.items()) + ")")
        else:
            lines = _lines_of(con, spec.table, kwargs["column"], value) if kwargs.get("column") else ""
            shown = "empty" if value is None or value != value else repr(str(value))
            examples.append(f"{shown} ({lines})" if lines else shown)
    problem = f"{count} value(s) fail: {explain}" if count is not None else explain
    files = con.execute(f"select distinct _file from validated.{spec.table} order by 1").fetchall()
    where = ", ".join(f for (f,) in files) or spec.path
    return BadInputError(where, problem, column=column or None, examples=examples, examples_formatted=True,
                         hint="Correct the source file and run again")


def _loaded_part(spec: InputFile) -> dict:
    """The suite as it applies to the raw table: private columns were checked at ingest, never loaded."""
    suite = spec.suite_json()
    for expectation in suite["expectations"]:
        kwargs = expectation["kwargs"]
        if "column_set" in kwargs:
            kwargs["column_set"] = [c for c in kwargs["column_set"] if c not in spec.private_columns]
    suite["expectations"] = [e for e in suite["expectations"] if e["kwargs"].get("column") not in spec.private_columns]
    return suite


def validate_bundle(con: duckdb.DuckDBPyConnection, specs: list[InputFile], docs_dir: Path | None = None,
                    in_worker: bool = False) -> list[SuiteResult]:
    """Validate every input's validated rows; raise one error listing every failed expectation.

    With docs_dir, the results are published there as Great Expectations Data Docs (index.html).
    in_worker: GE runs in the worker process (prepare_worker), not in this one.
    """
    jobs: list[tuple[InputFile, SuiteJob]] = []
    for spec in specs:
        rows = con.execute(f"select count(*) from validated.{spec.table}").fetchall()[0][0]
        if rows == 0 and not spec.required:
            continue
        suite_json = _loaded_part(spec)
        if rows > max_rows():
            mode = "distinct values"
            suite_json["expectations"] = [e for e in suite_json["expectations"] if "unique" not in e["type"]]
            suite_json["meta"]["batch"] = "distinct values per column (key uniqueness checked row by row in SQL)"
            data = distinct_values(con, spec, suite_json)
        else:
            mode = "rows"
            data = con.sql(f"select * exclude (_file, _line) from validated.{spec.table}").to_arrow_table()
        jobs.append((spec, SuiteJob(spec.table, suite_json, data, mode, rows)))
    batch = [job for _, job in jobs]
    outcomes = prepare_worker().run(batch, docs_dir) if in_worker else run_suites(batch, docs_dir)
    results, errors = [], []
    for (spec, job), outcome in zip(jobs, outcomes):
        failed = outcome["failed"]
        results.append(SuiteResult(spec.table, outcome["success"], outcome["evaluated"], len(failed), job.rows, job.mode))
        errors += [_describe_failure(con, spec, r, distinct=job.mode != "rows") for r in failed]
        log.info("validated %s: %d expectations, %d failed, %d rows", spec.table, outcome["evaluated"], len(failed), job.batch_rows())
    raise_all(errors)
    return results
