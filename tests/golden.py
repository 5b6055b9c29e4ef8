"""Golden outputs of the sample run: the backtest compares every run of data/sample with them.

After a deliberate change of rules, policy or sample: `make golden`, review the diff of
tests/golden/, and commit it with the change.
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

import duckdb

GOLDEN = Path(__file__).parent / "golden" / "paramedie-2024-sample-decisions.csv"
COLUMNS = ["praktijk_agb", "discipline", "outcome", "reasons", "prior_contract", "declared_prior_year",
           "aanvraagdatum", "bi", "aantal_patienten", "contract_ingangsdatum", "contract_einddatum"]


def decisions_as_rows(decisions_parquet: Path) -> list[list[str]]:
    path = str(decisions_parquet).replace("'", "''")
    with duckdb.connect() as con:
        rows = con.execute(f"""
            select praktijk_agb, discipline, outcome, array_to_string(reasons, ';'),
                   prior_contract::varchar, declared_prior_year::varchar, coalesce(aanvraagdatum::varchar, ''),
                   coalesce(bi::varchar, ''), coalesce(aantal_patienten::varchar, ''),
                   coalesce(contract_ingangsdatum::varchar, ''), coalesce(contract_einddatum::varchar, '')
            from read_parquet('{path}') order by praktijk_agb, discipline""").fetchall()
    return [list(r) for r in rows]


def read_golden() -> list[list[str]]:
    with GOLDEN.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))[1:]


def main() -> int:
    from zorginkoop import pipeline
    from zorginkoop.paths import SAMPLE_DIR
    from zorginkoop.policy import load_policy

    policy = load_policy("paramedie-2024")
    with tempfile.TemporaryDirectory() as tmp:
        db, out = Path(tmp) / "run.duckdb", Path(tmp) / "out"
        reports = pipeline.ingest(db, policy, SAMPLE_DIR)
        pipeline.validate(db, policy, reports)
        pipeline.select(db, policy)
        pipeline.export(db, policy, out)
        rows = decisions_as_rows(out / "decisions.parquet")
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    with GOLDEN.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    print(f"wrote {len(rows)} decisions to {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
