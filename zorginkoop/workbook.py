"""selectie.xlsx: the run's lists for procurement analysts, one sheet per list, Dutch labels.

Which lists and columns is the domain's choice (Domain.sheets); this module only writes them.
Review sheets get the decision columns (Besluit as a drop-down) for the reviewers to fill in, and
a hidden sheet records where they are, so that `zorginkoop reviews import` can read them back
and tell a workbook of the run from any other (contract cycle 2, the workbook round trip).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .domains import BESLUITEN, Domain, Sheet

FORMULA_START = ("=", "+", "-", "@")

# The hidden sheet that marks a workbook as the run's: A1 MARKER, B1 WORKBOOK_KIND, C1 MARKER_VERSION;
# rows 2-3 policy and domain; row 4 MARKER_HEADER; then one row per column the import reads.
MARKER_SHEET = "_zorginkoop"
MARKER = "zorginkoop"
WORKBOOK_KIND = "selectie.xlsx"
MARKER_VERSION = 1
MARKER_HEADER = ("sheet", "field", "column", "label")
# The fields of reviews/beoordelingen.csv, in its column order; praktijk_agb holds the unit's AGB
# code in both domains (GGZ: the instelling's).
REVIEW_FIELDS = ("praktijk_agb", "discipline", "besluit", "motivering", "beoordelaar", "beoordeeld_op")
DATE_FORMAT = "yyyy-mm-dd"
_TO_FILL = PatternFill("solid", fgColor="FFF2CC")  # marks the columns a reviewer fills in


def cell_value(value):
    """Lists become text joined by '; '."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def sheet_rows(con: duckdb.DuckDBPyConnection, out_dir: Path, sheet: Sheet) -> list[tuple]:
    parquet = str(out_dir / f"{sheet.output}.parquet").replace("'", "''")
    where = f"where {sheet.where}" if sheet.where else ""
    select = ", ".join(f'"{c}"' for c, _ in sheet.all_columns)
    return con.execute(f"select {select} from read_parquet('{parquet}') {where}").fetchall()


def review_fields(sheet: Sheet, domain: Domain) -> list[tuple[str, int, str]]:
    """(beoordelingen.csv field, 1-based column, label) of every column the import reads back."""
    names = [c for c, _ in sheet.all_columns]
    sources = dict(zip(REVIEW_FIELDS, (*domain.unit_columns, *REVIEW_FIELDS[2:])))
    missing = [c for c in sources.values() if c not in names]
    if missing:
        raise ValueError(f"review sheet {sheet.title!r} lacks the unit column(s) {missing}")
    return [(field, names.index(c) + 1, sheet.all_columns[names.index(c)][1]) for field, c in sources.items()]


def _policy_name(out_dir: Path) -> str:
    manifest = out_dir / "manifest.json"
    return json.loads(manifest.read_text())["policy"]["name"] if manifest.is_file() else ""


def _add_review_columns(sheet, spec: Sheet, domain: Domain, rows: int) -> list[tuple]:
    """Drop-down, date format and fill on the decision columns; returns the sheet's marker rows."""
    fields = review_fields(spec, domain)
    at = {field: column for field, column, _ in fields}
    if rows:
        choice = DataValidation(type="list", formula1='"' + ",".join(BESLUITEN) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="Besluit",
                                error="Kies " + " of ".join(BESLUITEN) + ".")
        letter = get_column_letter(at["besluit"])
        choice.add(f"{letter}2:{letter}{rows + 1}")
        sheet.add_data_validation(choice)
        for row in range(2, rows + 2):
            sheet.cell(row=row, column=at["beoordeeld_op"]).number_format = DATE_FORMAT
    for field, column, _ in fields[2:]:
        sheet.cell(row=1, column=column).fill = _TO_FILL
    sheet.column_dimensions[get_column_letter(at["motivering"])].width = 50
    return [(spec.title, field, get_column_letter(column), label) for field, column, label in fields]


def _add_marker(book: Workbook, policy: str, domain: Domain, fields: list[tuple]) -> None:
    marker = book.create_sheet(MARKER_SHEET)
    marker.append([MARKER, WORKBOOK_KIND, MARKER_VERSION])
    marker.append(["policy", policy])
    marker.append(["domain", domain.name])
    marker.append(list(MARKER_HEADER))
    for row in fields:
        marker.append(list(row))
    marker.sheet_state = "hidden"


def write_workbook(out_dir: Path, domain: Domain, path: Path | None = None) -> Path:
    path = path or out_dir / "selectie.xlsx"
    book = Workbook()
    book.remove(book.active)
    fields = []
    with duckdb.connect() as con:
        for spec in domain.sheets:
            rows = sheet_rows(con, out_dir, spec)
            sheet = book.create_sheet(spec.title)
            sheet.append([label for _, label in spec.all_columns])
            for row in rows:
                sheet.append([cell_value(v) for v in row])
            for cells in sheet.iter_rows():
                for cell in cells:
                    # Text starting with = + - @ would run as a formula in Excel: store it as text.
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                        cell.data_type = "s"
            sheet.freeze_panes = "A2"
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.all_columns))}{max(len(rows) + 1, 1)}"
            for i, (_, label) in enumerate(spec.all_columns, start=1):
                sheet.column_dimensions[get_column_letter(i)].width = max(12, min(60, len(label) + 4))
            if spec.review:
                fields += _add_review_columns(sheet, spec, domain, len(rows))
    _add_marker(book, _policy_name(out_dir), domain, fields)
    book.save(path)
    return path
