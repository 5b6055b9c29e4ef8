"""Where the run's time goes: the stages without Prefect, timed per input file (ingest), per file's
row checks and per suite (validate), and per SQL model (select, export). `make bench` writes it
to bench/results/<scale>-profile.md. Usage: python bench/profile.py BUNDLE POLICY OUT.md"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from zorginkoop.engine import pipeline
from zorginkoop.ingest import loader as ingest
from zorginkoop.ingest.bundle import input_files
from zorginkoop.engine.database import connect
from zorginkoop.engine.models import run
from zorginkoop.engine.policy import load_policy
from zorginkoop.validation.rowchecks import check_rows
from zorginkoop.validation.validate import validate_bundle

ROWS: list[tuple[str, str, float]] = []


def timed(stage: str, step: str, call, *args):
    start = time.perf_counter()
    result = call(*args)
    ROWS.append((stage, step, time.perf_counter() - start))
    return result


def main() -> int:
    # One file at a time, so that each file's seconds are its own (the run loads files side by side).
    os.environ["ZORGINKOOP_INGEST_WORKERS"] = "1"
    bundle, policy, out = Path(sys.argv[1]), load_policy(sys.argv[2]), Path(sys.argv[3])
    specs = input_files(policy.domain)
    load_file = ingest.load_file
    ingest.load_file = lambda con, spec, path, rel: timed("ingest", rel, load_file, con, spec, path, rel)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "profile.duckdb"
        reports = pipeline.ingest(db, policy, bundle)
        with connect(db) as con:
            for spec in specs:
                timed("validate", f"row checks {spec.table}", check_rows, con, spec)
            for spec in specs:
                timed("validate", f"Great Expectations {spec.table}", validate_bundle, con, [spec])
            # the runner times each model itself (rules.stacked included), in the run's order
            for model in run(con, policy.domain):
                ROWS.append(("export" if model.model.startswith("exports.") else "select", model.model, model.seconds))
    del reports
    lines = [f"Per step, without Prefect, on `{bundle}` ({policy.name}); seconds of one run on this machine, "
             "input files loaded one at a time (the run loads them side by side).", "",
             "| stage | step | seconds |", "|---|---|---:|"]
    for stage in ("ingest", "validate", "select", "export"):
        steps = sorted((r for r in ROWS if r[0] == stage), key=lambda r: -r[2])
        lines.append(f"| **{stage}** | all steps | **{sum(r[2] for r in steps):.2f}** |")
        lines += [f"| {stage} | {step} | {seconds:.2f} |" for _, step, seconds in steps]
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
