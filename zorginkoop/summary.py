"""Counts per outcome and discipline, for the terminal, the Prefect UI and the README."""

from __future__ import annotations

from pathlib import Path

import duckdb

OUTCOMES = ["PROACTIEF_AANBOD", "AANBOD_OP_AANVRAAG", "ZORGPLICHTTOETS", "INDIVIDUELE_BEOORDELING",
            "NIET_AANBIEDEN", "AANVRAAG_TE_LAAT", "GEEN_ACTIE"]


def outcome_counts(decisions_parquet: Path) -> list[tuple[str, str, int]]:
    """(outcome, discipline, units) for every combination that occurs, in a fixed order."""
    path = str(decisions_parquet).replace("'", "''")
    with duckdb.connect() as con:
        rows = con.execute(f"select outcome, discipline, count(*) from read_parquet('{path}') group by all").fetchall()
    rank = {o: i for i, o in enumerate(OUTCOMES)}
    return sorted(rows, key=lambda r: (rank.get(r[0], 99), r[0], r[1]))


def pivot(counts: list[tuple[str, str, int]]) -> tuple[list[str], list[list]]:
    """A table with one row per outcome and one column per discipline, plus totals."""
    disciplines = sorted({d for _, d, _ in counts})
    outcomes = [o for o in OUTCOMES if any(c[0] == o for c in counts)]
    outcomes += sorted({o for o, _, _ in counts} - set(outcomes))
    cell = {(o, d): n for o, d, n in counts}
    rows = []
    for outcome in outcomes:
        values = [cell.get((outcome, d), 0) for d in disciplines]
        rows.append([outcome, *values, sum(values)])
    totals = [sum(r[i + 1] for r in rows) for i in range(len(disciplines))]
    rows.append(["totaal", *totals, sum(totals)])
    return ["outcome", *disciplines, "totaal"], rows


def markdown_table(counts: list[tuple[str, str, int]]) -> str:
    header, rows = pivot(counts)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
