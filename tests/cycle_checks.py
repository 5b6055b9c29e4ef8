"""What the table-driven cycle tests of both policies do the same way (contract cycle.md): read a
run's outputs into dicts, add each case's rows while remembering the lines of its review and
acceptance rows, and run the bundle twice (with acceptances: definitief; without: voorlopig)."""

from __future__ import annotations

import datetime as dt
from typing import Callable

import duckdb

from .conftest import run_selection

REVIEWS, ACCEPTANCES = "reviews/beoordelingen.csv", "acceptances/acceptances.csv"


def _normal(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return value


def table(out, name: str) -> list[dict]:
    """A run's <name>.parquet as dicts, dates as YYYY-MM-DD."""
    cursor = duckdb.connect().execute(f"select * from '{out}/{name}.parquet'")
    columns = [d[0] for d in cursor.description]
    return [{c: _normal(v) for c, v in zip(columns, row)} for row in cursor.fetchall()]


def by_unit(rows: list[dict], key: Callable[[dict], object]) -> dict:
    """Rows by unit; a unit twice in one output is an error."""
    units = {}
    for row in rows:
        assert key(row) not in units, f"unit {key(row)} appears twice"
        units[key(row)] = row
    return units


def add_cases(bundle, cases, agb_of: Callable[[int, object], str]) -> dict:
    """Each case's rows into the bundle; per case the (file, line) of the review and acceptance rows it added."""
    lines: dict[str, dict[str, list[tuple[str, int]]]] = {}
    for i, case in enumerate(cases):
        before = {t: len(bundle.rows[t]) for t in ("reviews", "acceptances")}
        case.setup(bundle, agb_of(i, case))
        # data row n of a CSV file sits on line n + 1 (line 1 is the header)
        lines[case.id] = {t: [(f, n + 2) for n in range(before[t], len(bundle.rows[t]))]
                          for t, f in (("reviews", REVIEWS), ("acceptances", ACCEPTANCES))}
        assert len(lines[case.id]["reviews"]) == len(case.reviews_quarantined), case.id
        assert len(lines[case.id]["acceptances"]) == len(case.acceptances_quarantined), case.id
    return lines


def run_twice(bundle, work, policy, read: Callable) -> dict:
    """The bundle with its acceptances (zorgzoeker definitief) and without them (voorlopig)."""
    for name in ("definitief", "voorlopig"):
        (work / name).mkdir()
    with_acceptances = run_selection(bundle.write(work / "bundle-definitief"), work / "definitief", policy)
    bundle.rows["acceptances"] = []
    without = run_selection(bundle.write(work / "bundle-voorlopig"), work / "voorlopig", policy)
    return {"voorlopig": read(without), "definitief": read(with_acceptances)}


def judged_places(cases, lines: dict) -> set:
    """(file, line) of every review and acceptance row a case expects in quarantine."""
    return {place for case in cases
            for places, judged in ((lines[case.id]["reviews"], case.reviews_quarantined),
                                   (lines[case.id]["acceptances"], case.acceptances_quarantined))
            for place, reason in zip(places, judged) if reason is not None}


def assert_eindbesluit(decisions: dict, review_outcomes, eindbesluit: dict) -> None:
    """Every unit has an eindbesluit: the besluit (or OPEN) under review, else what its outcome means."""
    for unit, d in decisions.items():
        assert d["eindbesluit"] is not None, unit
        if d["outcome"] in review_outcomes:
            assert d["eindbesluit"] == (d["besluit"] or "OPEN"), unit
        else:
            assert d["eindbesluit"] == eindbesluit[d["outcome"]], unit
            assert d["besluit"] is None, unit


def assert_decision(decision: dict, rules: dict, case) -> None:
    """A case's outcome, reasons, eindbesluit, rule results, details and decision fields;
    `rules` is the unit's rule_results rows by rule code."""
    failing = {rule: r["result"] for rule, r in rules.items() if r["result"] != "pass"}
    assert decision["outcome"] == case.outcome, failing
    assert list(decision["reasons"]) == case.reasons
    assert decision["eindbesluit"] == case.eindbesluit
    for rule, expected in case.rules.items():
        assert rules[rule]["result"] == expected, rule
    for rule, texts in case.details.items():
        detail = rules[rule]["detail"]
        for text in texts:
            assert text in detail, (rule, detail)
    for column, expected in case.fields.items():
        assert decision[column] == expected, column


def assert_judged_rows(cycle: dict, case) -> None:
    """Which of the case's review and acceptance rows the definitive run quarantined, and why."""
    quarantine = cycle["definitief"]["quarantine"]
    for (file, line), expected in [*zip(cycle["lines"][case.id]["reviews"], case.reviews_quarantined),
                                   *zip(cycle["lines"][case.id]["acceptances"], case.acceptances_quarantined)]:
        row = quarantine.get((file, line))
        if expected is None:
            assert row is None, f"{file} line {line} quarantined: {row and row['reason']}"
        else:
            assert row is not None, f"{file} line {line} not quarantined"
            assert expected in row["reason"], row["reason"]
