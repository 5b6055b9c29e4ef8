"""selectie.xlsx: the run's lists for procurement analysts, one sheet per list, Dutch labels."""

from __future__ import annotations

from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

# sheet -> (output, columns as (column, Dutch label))
SHEETS = {
    "Aanbod proactief": ("proactive_offers", [("praktijk_agb", "AGB-code praktijk"), ("discipline", "Discipline"),
                         ("naam", "Naam"), ("kvk_nummer", "KvK-nummer"), ("contract_ingangsdatum", "Ingangsdatum contract"),
                         ("contract_einddatum", "Einddatum contract")]),
    "Aanbod op aanvraag": ("requested_offers", [("praktijk_agb", "AGB-code praktijk"), ("discipline", "Discipline"),
                           ("naam", "Naam"), ("kvk_nummer", "KvK-nummer"), ("contract_ingangsdatum", "Ingangsdatum contract"),
                           ("contract_einddatum", "Einddatum contract")]),
    "Individuele beoordeling": ("case_reviews", [("praktijk_agb", "AGB-code praktijk"), ("discipline", "Discipline"),
                                ("naam", "Naam"), ("plaats", "Plaats"), ("reasons", "Redenen"), ("review_details", "Toelichting"),
                                ("bi", "Behandelindex"), ("aantal_patienten", "Aantal patiënten"),
                                ("aantal_zorgverleners", "Aantal zorgverleners")]),
    "Zorgplichttoets": ("zorgplicht_reviews", [("praktijk_agb", "AGB-code praktijk"), ("discipline", "Discipline"),
                        ("naam", "Naam"), ("postcode", "Postcode"), ("plaats", "Plaats"), ("aanvraagdatum", "Aanvraagdatum"),
                        ("aantal_zorgverleners", "Aantal zorgverleners"),
                        ("aangeboden_praktijken_pc4", "Aangeboden praktijken in postcodegebied"),
                        ("aantal_verzekerden_pc4", "Verzekerden in postcodegebied")]),
    "Geen aanbod": ("decisions", [("praktijk_agb", "AGB-code praktijk"), ("discipline", "Discipline"), ("outcome", "Uitkomst"),
                    ("reasons", "Redenen"), ("prior_contract", "Overeenkomst vorig jaar"),
                    ("declared_prior_year", "Gedeclareerd vorig jaar"), ("aanvraagdatum", "Aanvraagdatum"), ("bi", "Behandelindex")]),
    "Zorgzoeker": ("zorgzoeker", [("vestiging_agb", "AGB-code vestiging"), ("praktijk_agb", "AGB-code praktijk"), ("naam", "Naam"),
                   ("postcode", "Postcode"), ("plaats", "Plaats"), ("discipline", "Discipline"), ("gecontracteerd", "Gecontracteerd"),
                   ("toelichting", "Toelichting"), ("status", "Status"), ("publicatiedatum", "Publicatiedatum")]),
}
NO_OFFER = ("NIET_AANBIEDEN", "AANVRAAG_TE_LAAT", "GEEN_ACTIE")
FORMULA_START = ("=", "+", "-", "@")


def cell_value(value):
    """Lists become text joined by '; '."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def write_workbook(out_dir: Path, path: Path | None = None) -> Path:
    path = path or out_dir / "selectie.xlsx"
    book = Workbook()
    book.remove(book.active)
    with duckdb.connect() as con:
        for title, (output, columns) in SHEETS.items():
            parquet = str(out_dir / f"{output}.parquet").replace("'", "''")
            where = f"where outcome in {NO_OFFER}" if title == "Geen aanbod" else ""
            select = ", ".join(c for c, _ in columns)
            rows = con.execute(f"select {select} from read_parquet('{parquet}') {where}").fetchall()
            sheet = book.create_sheet(title)
            sheet.append([label for _, label in columns])
            for row in rows:
                sheet.append([cell_value(v) for v in row])
            for cells in sheet.iter_rows():
                for cell in cells:
                    # Text starting with = + - @ would run as a formula in Excel: store it as text.
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                        cell.data_type = "s"
            sheet.freeze_panes = "A2"
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows) + 1, 1)}"
            for i, (_, label) in enumerate(columns, start=1):
                sheet.column_dimensions[get_column_letter(i)].width = max(12, min(60, len(label) + 4))
    book.save(path)
    return path
