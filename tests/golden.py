"""Golden outputs of the sample runs: the backtests compare every run of a sample bundle with them.

One file per bundled policy: tests/golden/<policy>-sample-decisions.csv, every column of
decisions.parquet as text (lists joined by ';', null as empty). After a deliberate change of
rules, policy or sample: `make golden`, review the diff of tests/golden/, and commit it with
the change.
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

import duckdb

GOLDEN_DIR = Path(__file__).parent / "golden"
POLICIES = ("paramedie-2024", "ggz-2021")


def golden_path(policy_name: str) -> Path:
    return GOLDEN_DIR / f"{policy_name}-sample-decisions.csv"


def decisions_as_rows(decisions_parquet: Path, header: bool = False) -> list[list[str]]:
    path = str(decisions_parquet).replace("'", "''")
    with duckdb.connect() as con:
        schema = con.execute(f"describe select * from read_parquet('{path}')").fetchall()
        columns = [name for name, *_ in schema]
        as_text = ", ".join(
            f"coalesce(array_to_string(\"{name}\", ';'), '')" if kind.endswith("[]") else f"coalesce(\"{name}\"::varchar, '')"
            for name, kind, *_ in schema)
        rows = con.execute(f"select {as_text} from read_parquet('{path}') order by all").fetchall()
    return ([columns] if header else []) + [list(r) for r in rows]


def read_golden(policy_name: str = "paramedie-2024") -> list[list[str]]:
    with golden_path(policy_name).open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))[1:]


def write_golden(policy_name: str) -> int:
    from zorginkoop.engine import pipeline
    from zorginkoop.paths import PROJECT_ROOT
    from zorginkoop.engine.policy import load_policy

    policy = load_policy(policy_name)
    with tempfile.TemporaryDirectory() as tmp:
        db, out = Path(tmp) / "run.duckdb", Path(tmp) / "out"
        reports = pipeline.ingest(db, policy, PROJECT_ROOT / policy.domain.sample_input)
        pipeline.validate(db, policy, reports)
        pipeline.select(db, policy)
        pipeline.export(db, policy, out)
        rows = decisions_as_rows(out / "decisions.parquet", header=True)
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    with golden_path(policy_name).open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return len(rows) - 1


def main() -> int:
    for name in POLICIES:
        print(f"wrote {write_golden(name)} decisions to {golden_path(name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
