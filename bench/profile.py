"""Where the run's time goes: the stages without Prefect, timed per input file (ingest), per file's
row checks and per suite (validate), and per SQL model (select, export). `make bench` writes it
to bench/results/<scale>-profile.md. Usage: python bench/profile.py BUNDLE POLICY OUT.md

The same steps run twice: on a database file, as the run does, and on an in-memory database
(Great Expectations left out there: it reads DataFrames, the same either way). The second column
is what the run's work costs when nothing is written to disk: the yardstick for how the run's
database is kept (issue 12)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from zorginkoop.engine import pipeline
from zorginkoop.engine.database import connect
from zorginkoop.engine.models import run
from zorginkoop.engine.policy import Policy, load_policy
from zorginkoop.ingest import loader as ingest
from zorginkoop.ingest.bundle import input_files
from zorginkoop.validation.rowchecks import check_rows
from zorginkoop.validation.validate import validate_bundle

ROWS: list[tuple[str, str, str, float]] = []  # storage, stage, step, seconds


def timed(storage: str, stage: str, step: str, call, *args):
    start = time.perf_counter()
    result = call(*args)
    ROWS.append((storage, stage, step, time.perf_counter() - start))
    return result


def profile(con, bundle: Path, policy: Policy, storage: str, expectations: bool) -> None:
    """Every step of ingest, validate, select and export on con, each timed into ROWS."""
    specs = input_files(policy.domain)
    load_file = ingest.load_file
    ingest.load_file = lambda con, spec, path, rel: timed(storage, "ingest", rel, load_file, con, spec, path, rel)
    try:
        pipeline.ingest_into(con, policy, bundle)
    finally:
        ingest.load_file = load_file
    for spec in specs:
        timed(storage, "validate", f"row checks {spec.table}", check_rows, con, spec)
    for spec in specs if expectations else []:
        timed(storage, "validate", f"Great Expectations {spec.table}", validate_bundle, con, [spec])
    # the runner times each model itself (rules.stacked included), in the run's order
    for model in run(con, policy.domain):
        ROWS.append((storage, "export" if model.model.startswith("exports.") else "select", model.model, model.seconds))


def main() -> int:
    # One file at a time, so that each file's seconds are its own (the run loads them side by side).
    os.environ["ZORGINKOOP_INGEST_WORKERS"] = "1"
    bundle, policy, out = Path(sys.argv[1]), load_policy(sys.argv[2]), Path(sys.argv[3])
    with tempfile.TemporaryDirectory() as tmp:
        with connect(Path(tmp) / "profile.duckdb") as con:
            profile(con, bundle, policy, "file", expectations=True)
        with connect(":memory:", temp_directory=Path(tmp)) as con:
            profile(con, bundle, policy, "memory", expectations=False)
    seconds = {(stage, step): s for storage, stage, step, s in ROWS if storage == "file"}
    in_memory = {(stage, step): s for storage, stage, step, s in ROWS if storage == "memory"}
    lines = [f"Per step, without Prefect, on `{bundle}` ({policy.name}); seconds of one run on this machine, "
             "input files loaded one at a time (the run loads them side by side); on the run's database file, "
             "and on an in-memory database (nothing written to disk; Great Expectations not run there).", "",
             "| stage | step | seconds | in memory |", "|---|---|---:|---:|"]
    for stage in ("ingest", "validate", "select", "export"):
        steps = sorted((key for key in seconds if key[0] == stage), key=lambda key: -seconds[key])
        memory_total = sum(s for key, s in in_memory.items() if key[0] == stage)
        lines.append(f"| **{stage}** | all steps | **{sum(seconds[k] for k in steps):.2f}** | **{memory_total:.2f}** |")
        lines += [f"| {stage} | {step} | {seconds[(stage, step)]:.2f} | "
                  f"{in_memory[(stage, step)]:.2f} |" if (stage, step) in in_memory else
                  f"| {stage} | {step} | {seconds[(stage, step)]:.2f} | |" for _, step in steps]
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
