"""The measurement behind keeping the claim lines in memory: the run's two ways with claim lines, side by side.

Storing a claim line costs DuckDB about 0.8 CPU-seconds per million lines whatever its form
(docs/decisions.md, "Claim lines kept in memory"). The claims suite keeps its lines in memory
instead (meta in_memory, engine.memory_tables): each file cut straight into Arrow columns,
dictionary-encoded, nothing written. This loads the same claim files both ways with the product's
own loader, then runs the readers that follow in the run (the duplicate search, Great
Expectations' distinct values, the staged claims and their aggregate) on each:

    python bench/kept_lines_experiment.py bench/data/market/claims

Each arm runs in a process of its own (its CPU seconds and peak memory are its own): "stored", the
lines written into a database file (checkpoint deferred, as in the run); "kept", the lines kept in
memory. The experiment fails unless both arms hold the same lines: the same count and the same sum
of a hash of every column of every line, and the same duplicates, distinct values and aggregate.
"""

from __future__ import annotations

import dataclasses
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from zorginkoop.engine.database import DEFERRED_CHECKPOINT, connect, load_seeds
from zorginkoop.engine.models import run_model
from zorginkoop.engine.policy import load_policy
from zorginkoop.ingest.bundle import input_files
from zorginkoop.ingest.loader import load_files, prepare
from zorginkoop.sqltext import identifier
from zorginkoop.validation.validate import _loaded_part, distinct_values

DOMAIN = load_policy("paramedie-2024").domain
CLAIMS = next(spec for spec in input_files(DOMAIN) if spec.table == "claims")
SPECS = {"stored": dataclasses.replace(CLAIMS, in_memory=False), "kept": dataclasses.replace(CLAIMS, in_memory=True)}
SUITE = _loaded_part(CLAIMS)
ROW_HASH = f"hash({', '.join(CLAIMS.row_id)})"
# Every column of a line, for the check that both arms hold the same lines.
LINE_HASH = f"hash({', '.join(map(identifier, [*CLAIMS.loaded_columns, '_file', '_line']))})"
AGGREGATE = """select praktijk_agb, zorgverlener_agb, code_list_discipline, year(datum_prestatie) as jaar,
                      declaratiebedrag >= 0 as debet, count(*) as regels
               from staged.claims group by all"""


def readers(con, spec) -> dict:
    """What follows the load in the run, the same in both arms, on validated.claims (a view of the lines)."""
    def duplicates() -> list[str]:
        return [str(v) for v in con.execute(f"select count(*) from (select h, lag(h) over (order by h) as previous "
                                             f"from (select {ROW_HASH} as h from validated.claims)) where h = previous").fetchall()[0]]

    def aggregate() -> list[str]:
        run_model(con, DOMAIN.model_path("staged", "claims"))
        return [str(v) for v in con.execute(f"select count(*), sum(regels) from ({AGGREGATE})").fetchall()[0]]

    steps = {
        "duplicate search": duplicates,
        "distinct values": lambda: sum(len(v) for v in distinct_values(con, spec, SUITE).values()),
        "aggregate": aggregate,
    }
    found, timings = {}, {}
    for name, reader in steps.items():
        wall, cpu = time.perf_counter(), time.process_time()
        found[name] = reader()
        timings[name] = (time.perf_counter() - wall, time.process_time() - cpu)
    # not a reader of the run: the check that both arms hold the same lines
    found["lines"] = [str(v) for v in con.execute(f"select count(*), sum({LINE_HASH}::hugeint) from validated.claims").fetchall()[0]]
    return {"found": found, "readers": timings}


def arm(name: str, files: list[Path], db: Path) -> dict:
    spec = SPECS[name]
    started, cpu = time.perf_counter(), time.process_time()
    with connect(db) as con:
        con.execute(f"set checkpoint_threshold = '{DEFERRED_CHECKPOINT}'")
        prepare(con, [spec])
        load_seeds(con, DOMAIN.name)
        load_files(con, [(spec, path, f"claims/{path.name}") for path in files])
        con.execute("create schema if not exists validated")
        con.execute("create view validated.claims as select * from raw.claims")
        loaded = (time.perf_counter() - started, time.process_time() - cpu)
        result = readers(con, spec)
    return {"arm": name, "load": loaded, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **result}


def main() -> int:
    if sys.argv[1] == "--arm":  # one arm, in this process
        files = sorted(p for p in Path(sys.argv[3]).iterdir() if p.suffix.lstrip(".").lower() in CLAIMS.extensions)
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(arm(sys.argv[2], files, Path(tmp) / "claims.duckdb")))
        return 0
    results = []
    for name in SPECS:
        done = subprocess.run([sys.executable, __file__, "--arm", name, sys.argv[1]], capture_output=True, text=True)
        if done.returncode:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        results.append(json.loads(done.stdout.splitlines()[-1]))
    for r in results:
        steps = {"load": r["load"], **r["readers"]}
        readers_total = (sum(wall for wall, _ in r["readers"].values()), sum(cpu for _, cpu in r["readers"].values()))
        print(f"{r['arm']}: peak RSS {r['peak_rss_mb']:.0f} MB; " + "; ".join(
            f"{name} {wall:.1f} s {cpu:.1f} CPU-s" for name, (wall, cpu) in {**steps, "readers": readers_total}.items()))
    same = results[0]["found"] == results[1]["found"]
    print(f"duplicates, distinct values, aggregate and lines: {results[0]['found']}, "
          f"{'the same in both arms' if same else 'NOT the same kept: ' + str(results[1]['found'])}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
