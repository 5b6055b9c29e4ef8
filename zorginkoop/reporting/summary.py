"""Counts per outcome (and per discipline or segment), for the terminal, the Prefect UI and the README."""

from __future__ import annotations

from pathlib import Path

import duckdb

from zorginkoop.domains import Domain
from zorginkoop.sqltext import literal


def outcome_counts(decisions_parquet: Path, domain: Domain) -> list[tuple[str, str, int]]:
    """(outcome, split value, units) for every combination that occurs, in the domain's outcome order.

    The split is the domain's summary column: discipline for paramedie, segment for GGZ."""
    path = literal(decisions_parquet)
    column = domain.summary_column
    with duckdb.connect() as con:
        rows = con.execute(f'select outcome, coalesce(cast("{column}" as varchar), \'-\'), count(*) '
                           f"from read_parquet({path}) group by all").fetchall()
    rank = {o: i for i, o in enumerate(domain.outcome_order)}
    return sorted(rows, key=lambda r: (rank.get(r[0], 99), r[0], r[1]))


def pivot(counts: list[tuple[str, str, int]], domain: Domain) -> tuple[list[str], list[list]]:
    """A table with one row per outcome and one column per split value, plus totals."""
    columns = sorted({d for _, d, _ in counts})
    outcomes = [o for o in domain.outcome_order if any(c[0] == o for c in counts)]
    outcomes += sorted({o for o, _, _ in counts} - set(outcomes))
    cell = {(o, d): n for o, d, n in counts}
    rows = []
    for outcome in outcomes:
        values = [cell.get((outcome, d), 0) for d in columns]
        rows.append([outcome, *values, sum(values)])
    totals = [sum(r[i + 1] for r in rows) for i in range(len(columns))]
    rows.append(["totaal", *totals, sum(totals)])
    return ["outcome", *columns, "totaal"], rows


def markdown_table(counts: list[tuple[str, str, int]], domain: Domain) -> str:
    header, rows = pivot(counts, domain)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
