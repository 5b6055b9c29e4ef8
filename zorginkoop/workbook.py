"""selectie.xlsx: the run's lists for procurement analysts, one sheet per list, Dutch labels.

Which lists and columns is the domain's choice (Domain.sheets); this module only writes them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .domains import Domain, Sheet

FORMULA_START = ("=", "+", "-", "@")


def cell_value(value):
    """Lists become text joined by '; '."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def sheet_rows(con: duckdb.DuckDBPyConnection, out_dir: Path, sheet: Sheet) -> list[tuple]:
    parquet = str(out_dir / f"{sheet.output}.parquet").replace("'", "''")
    where = f"where {sheet.where}" if sheet.where else ""
    select = ", ".join(f'"{c}"' for c, _ in sheet.columns)
    return con.execute(f"select {select} from read_parquet('{parquet}') {where}").fetchall()


def write_workbook(out_dir: Path, domain: Domain, path: Path | None = None) -> Path:
    path = path or out_dir / "selectie.xlsx"
    book = Workbook()
    book.remove(book.active)
    with duckdb.connect() as con:
        for spec in domain.sheets:
            rows = sheet_rows(con, out_dir, spec)
            sheet = book.create_sheet(spec.title)
            sheet.append([label for _, label in spec.columns])
            for row in rows:
                sheet.append([cell_value(v) for v in row])
            for cells in sheet.iter_rows():
                for cell in cells:
                    # Text starting with = + - @ would run as a formula in Excel: store it as text.
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                        cell.data_type = "s"
            sheet.freeze_panes = "A2"
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}{max(len(rows) + 1, 1)}"
            for i, (_, label) in enumerate(spec.columns, start=1):
                sheet.column_dimensions[get_column_letter(i)].width = max(12, min(60, len(label) + 4))
    book.save(path)
    return path
