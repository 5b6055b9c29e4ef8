"""Where the run's time goes: the stages without Prefect, timed per input file (ingest), per file's
row checks and per suite (validate), per SQL model (select) and per output (export: the model and
its Parquet file, as the run writes it). `make bench` writes it
to bench/results/<scale>-profile.md. Usage: python bench/profile.py BUNDLE POLICY OUT.md

The same steps run twice: on a database file, as the run does, and on an in-memory database
(Great Expectations left out there: it reads DataFrames, the same either way). The second column
is what the run's work costs without a database file: the yardstick for how the run's
database is kept (issue 12). Each step's CPU seconds (this process's, every thread) show how much
work it is: on two cores the run can take no less than half the CPU seconds of its stages.
As in the run, the database file is written in one checkpoint at the end (HeldDatabase), timed
on its own; the SQL models are built one at a time, so that each one's seconds are its own."""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from zorginkoop.engine import pipeline
from zorginkoop.engine import memory_tables
from zorginkoop.engine.database import DEFERRED_CHECKPOINT, connect
from zorginkoop.engine.models import Graph, run
from zorginkoop.engine.outputs import write_query
from zorginkoop.engine.policy import Policy, load_policy
from zorginkoop.ingest import loader as ingest
from zorginkoop.ingest.bundle import input_files
from zorginkoop.validation.rowchecks import check_rows
from zorginkoop.validation.validate import _new_context, validate_bundle

ROWS: list[tuple[str, str, str, float, float]] = []  # storage, stage, step, seconds, CPU seconds


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(storage: str, stage: str, step: str, call, *args):
    start, cpu = time.perf_counter(), cpu_seconds()
    result = call(*args)
    ROWS.append((storage, stage, step, time.perf_counter() - start, cpu_seconds() - cpu))
    return result


def export(con, graph: Graph, key: str, out_dir: Path) -> int:
    """One output as the run's export makes it: its model (a view) and its Parquet file."""
    run(con, graph, key, None, 1)
    return write_query(con, f"select * from {key}", out_dir / f"{key.split('.', 1)[1]}.parquet")


def profile(con, bundle: Path, policy: Policy, storage: str, expectations: bool, out_dir: Path) -> None:
    """Every step of ingest, validate, select and export (into out_dir) on con, each timed into ROWS."""
    specs = input_files(policy.domain)
    load_one = ingest._load_one  # what load_files runs per file
    ingest._load_one = lambda con, spec, path, rel: timed(storage, "ingest", rel, load_one, con, spec, path, rel)
    try:
        pipeline.ingest_into(con, policy, bundle)
    finally:
        ingest._load_one = load_one
    for spec in specs:
        timed(storage, "validate", f"row checks {spec.table}", check_rows, con, spec)
    if expectations:  # the run imports GE in its worker process during start-up
        timed(storage, "start-up", "Great Expectations: import and a first context", _new_context)
    for spec in specs if expectations else []:
        timed(storage, "validate", f"Great Expectations {spec.table}", validate_bundle, con, [spec])
    graph = Graph.for_domain(policy.domain)  # each model on its own (rules.stacked included), in the run's order
    for key in graph.select():
        if key.startswith("exports."):
            timed(storage, "export", key, export, con, graph, key, out_dir)
        else:
            timed(storage, "select", key, run, con, graph, key, None, 1)
    memory_tables.release(con)  # as the run's end: the views over the claim lines kept in memory go
    if storage == "file":
        timed(storage, "checkpoint", "the database file's one checkpoint (beside the report in the run)",
              con.execute, "checkpoint")


def main() -> int:
    # One file at a time, so that each file's seconds are its own (the run loads them side by side).
    os.environ["ZORGINKOOP_INGEST_WORKERS"] = "1"
    bundle, policy, out = Path(sys.argv[1]), load_policy(sys.argv[2]), Path(sys.argv[3])
    with tempfile.TemporaryDirectory() as tmp:
        with connect(Path(tmp) / "profile.duckdb") as con:
            con.execute(f"set checkpoint_threshold = '{DEFERRED_CHECKPOINT}'")  # as the run's HeldDatabase
            profile(con, bundle, policy, "file", expectations=True, out_dir=Path(tmp))
        with connect(":memory:", temp_directory=Path(tmp)) as con:
            profile(con, bundle, policy, "memory", expectations=False, out_dir=Path(tmp))
    seconds = {(stage, step): (s, c) for storage, stage, step, s, c in ROWS if storage == "file"}
    in_memory = {(stage, step): s for storage, stage, step, s, _ in ROWS if storage == "memory"}
    lines = [f"Per step, without Prefect, on `{bundle}` ({policy.name}); seconds and CPU seconds (this process, "
             "every thread) of one run on this machine, input files loaded and models built one at a time (the run "
             "does both side by side); on the run's database file, written in one checkpoint at the end as in the "
             "run, and on an in-memory database (no database file written; Great Expectations not run there).", "",
             "| stage | step | seconds | CPU seconds | in memory |", "|---|---|---:|---:|---:|"]
    for stage in ("ingest", "validate", "select", "export", "checkpoint", "start-up"):
        steps = sorted((key for key in seconds if key[0] == stage), key=lambda key: -seconds[key][0])
        memory = [s for key, s in in_memory.items() if key[0] == stage]  # none: not run in memory
        memory_total = f"**{sum(memory):.2f}**" if memory else ""
        lines.append(f"| **{stage}** | all steps | **{sum(seconds[k][0] for k in steps):.2f}** | "
                     f"**{sum(seconds[k][1] for k in steps):.2f}** | {memory_total} |")
        for key in steps:
            memory = f"{in_memory[key]:.2f}" if key in in_memory else ""
            lines.append(f"| {stage} | {key[1]} | {seconds[key][0]:.2f} | {seconds[key][1]:.2f} | {memory} |")
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
