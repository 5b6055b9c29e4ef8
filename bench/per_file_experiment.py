"""An experiment, not the product: are claim lines cheaper checked one file at a time in memory?

Storing a claim line in the run's database file costs about as much CPU as parsing it (see
docs/decisions.md, "Claim lines stored, then checked"). The alternative proposed in issue 12's
earlier rounds: each claim file loaded into an in-memory database of its own, row-checked there,
its distinct values for Great Expectations and its aggregate at a policy-independent grain taken,
and only narrow rows kept (the aggregate, and a row_id hash per line to find duplicates across
files). Both arms run the product's own functions on the same claim files, in turn:

    python bench/per_file_experiment.py bench/data/insurer/claims   # or .../market/claims

"stored": every line into a database file (as the run, checkpoint deferred), then the row checks,
the distinct values and the aggregate over all lines. "per file": as above, one file at a time on
two threads (files side by side, as the run loads them), then the hashes repeated across files.
Both print wall seconds, CPU seconds of this process (every thread) and peak memory, and the
experiment fails unless both arms kept the same aggregate.
"""

from __future__ import annotations

import dataclasses
import resource
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from zorginkoop.engine.database import DEFERRED_CHECKPOINT, connect, load_seeds
from zorginkoop.engine.models import run_model
from zorginkoop.engine.policy import load_policy
from zorginkoop.ingest.bundle import input_files
from zorginkoop.ingest.loader import load_file, load_files, prepare
from zorginkoop.validation.rowchecks import TableChecks
from zorginkoop.validation.validate import _loaded_part, distinct_values

DOMAIN = load_policy("paramedie-2024").domain
# stored: the lines in the database file, as the run kept them before it kept them in memory
SPEC = dataclasses.replace(next(spec for spec in input_files(DOMAIN) if spec.table == "claims"), in_memory=False)
SUITE = _loaded_part(SPEC)
# paramedie's claim_groups at a grain that no policy parameter changes (the prior year is one of its years)
AGGREGATE = """select praktijk_agb, zorgverlener_agb, code_list_discipline, year(datum_prestatie) as jaar,
                      declaratiebedrag >= 0 as debet, count(*) as regels, _file
               from staged.claims group by all"""
ROW_HASH = f"hash({', '.join(SPEC.row_id)})"


def checked(con) -> None:
    """The row checks, GE's distinct values and the aggregate, on raw.claims of con."""
    with TableChecks(con, [SPEC]) as checks:
        checks.refuse()
        checks.results()
    distinct_values(con, SPEC, SUITE)
    run_model(con, DOMAIN.model_path("staged", "claims"))


TOTALS = "select count(*), sum(regels) from claim_totals"


def stored(files: list[Path], db: Path) -> tuple:
    with connect(db) as con:
        con.execute(f"set checkpoint_threshold = '{DEFERRED_CHECKPOINT}'")
        prepare(con, [SPEC])
        load_seeds(con, DOMAIN.name)
        load_files(con, [(SPEC, path, f"claims/{path.name}") for path in files])
        checked(con)
        con.execute(f"create table claim_totals as {AGGREGATE}")
        return con.execute(TOTALS).fetchall()[0]


def per_file(files: list[Path], db: Path) -> tuple:
    with connect(db) as kept:
        kept.execute(f"set checkpoint_threshold = '{DEFERRED_CHECKPOINT}'")
        kept.execute("create table claim_hashes (h ubigint, _file varchar, _line bigint)")
        kept.execute("create table claim_totals (praktijk_agb varchar, zorgverlener_agb varchar, code_list_discipline varchar, "
                     "jaar integer, debet boolean, regels bigint, _file varchar)")
        lock = threading.Lock()

        def one(path: Path) -> None:
            with connect(":memory:", temp_directory=db.parent) as con:
                con.execute("set threads = 1")  # two files side by side on two cores
                prepare(con, [SPEC])
                load_seeds(con, DOMAIN.name)
                load_file(con, SPEC, path, f"claims/{path.name}")
                checked(con)
                totals = con.sql(AGGREGATE).to_arrow_table()
                hashes = con.sql(f"select {ROW_HASH} as h, _file, _line from validated.claims").to_arrow_table()
            with lock:
                cursor = kept.cursor()
                for name, table in (("claim_totals", totals), ("claim_hashes", hashes)):
                    cursor.register("part", table)
                    cursor.execute(f"insert into {name} select * from part")
                    cursor.unregister("part")
                cursor.close()

        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(one, sorted(files, key=lambda p: -p.stat().st_size)))
        kept.execute("select h from claim_hashes group by h having count(distinct _file) > 1").fetchall()
        return kept.execute(TOTALS).fetchall()[0]


def main() -> int:
    files = sorted(p for p in Path(sys.argv[1]).iterdir() if p.suffix.lstrip(".").lower() in SPEC.extensions)
    totals = []
    for name, arm in (("stored", stored), ("per file", per_file)):
        with tempfile.TemporaryDirectory() as tmp:
            wall, cpu = time.perf_counter(), time.process_time()
            totals.append(arm(files, Path(tmp) / "claims.duckdb"))
            print(f"{name:9s} {time.perf_counter() - wall:6.1f} s {time.process_time() - cpu:6.1f} CPU-s "
                  f"(peak RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB)", flush=True)
    groups, lines = totals[0]
    print(f"aggregate: {groups} groups of {lines} claim lines, "
          f"{'the same in both arms' if totals[0] == totals[1] else f'NOT the same per file: {totals[1]}'}")
    return 0 if totals[0] == totals[1] else 1


if __name__ == "__main__":
    sys.exit(main())
