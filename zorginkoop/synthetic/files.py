"""The CSV files of a synthetic bundle, laid out as the domain's suites describe them.

Values as the registries' exports write them: dates ISO, floats with two decimals, empty for
missing, one header line, `\\n` line ends.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from zorginkoop.ingest.bundle import input_files
from zorginkoop.domains import Domain


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])


def empty_rows(domain: Domain) -> dict[str, list[dict]]:
    """One empty row list per input file of the domain, keyed by its table."""
    return {spec.table: [] for spec in input_files(domain)}


def columns(domain: Domain, table: str) -> list[str]:
    return list(next(s for s in input_files(domain) if s.table == table).columns)


def write_bundle_csvs(domain: Domain, rows: dict[str, list[dict]], output: Path, skip=("claims",)) -> dict[str, int]:
    """Every input file of the domain but claims (written apart) as CSV; an optional file only when
    it has rows (no acceptances or reviews before anyone accepted or reviewed). Returns rows per file."""
    counts = {}
    for spec in input_files(domain):
        if spec.table not in skip and (spec.required or rows.get(spec.table)):
            write_csv(output / spec.path, list(spec.columns), rows[spec.table])
            counts[spec.path] = len(rows[spec.table])
    return counts
