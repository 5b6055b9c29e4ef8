"""selectie.xlsx: the run's lists for procurement analysts, one sheet per list, Dutch labels.

Which lists and columns is the domain's choice (Domain.sheets); this module only writes them.
Review sheets get the decision columns (Besluit as a drop-down) for the reviewers to fill in, and
a hidden sheet records where they are, so that `zorginkoop reviews import` can read them back
and tell a workbook of the run from any other (contract cycle 2, the workbook round trip).

openpyxl writes the workbook with each sheet's header, layout, filter and drop-down; the data rows
are then put into each sheet's XML as openpyxl would have written them (_SheetData): cell by cell
through openpyxl took some 11 s at insurer scale, this well under 2.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree.ElementTree import tostring

import duckdb
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell._writer import etree_write_cell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.datavalidation import DataValidation

from zorginkoop.domains import BESLUITEN, Domain, Sheet
from zorginkoop.sqltext import identifier, literal

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
_ILLEGAL_BYTES = bytes(c for c in range(32) if ILLEGAL_CHARACTERS_RE.match(chr(c)))  # what openpyxl refuses in text


def cell_value(value):
    """Lists become text joined by '; '."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def sheet_rows(con: duckdb.DuckDBPyConnection, out_dir: Path, sheet: Sheet, limit: int | None = None) -> list[tuple]:
    """The sheet's rows in the order of its Parquet file; with `limit`, only the first so many."""
    parquet = literal(out_dir / f"{sheet.output}.parquet")
    where = f"where {sheet.where}" if sheet.where else ""
    select = ", ".join(identifier(c) for c, _ in sheet.all_columns)
    head = f"limit {int(limit)}" if limit is not None else ""
    return con.execute(f"select {select} from read_parquet({parquet}) {where} {head}").fetchall()


def sheet_count(con: duckdb.DuckDBPyConnection, out_dir: Path, sheet: Sheet) -> int:
    parquet = literal(out_dir / f"{sheet.output}.parquet")
    where = f"where {sheet.where}" if sheet.where else ""
    return con.execute(f"select count(*) from read_parquet({parquet}) {where}").fetchone()[0]


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
    """Drop-down and fill on the decision columns (the date format of Beoordeeld op goes with the rows,
    see _SheetData); returns the sheet's marker rows."""
    fields = review_fields(spec, domain)
    at = {field: column for field, column, _ in fields}
    if rows:
        choice = DataValidation(type="list", formula1='"' + ",".join(BESLUITEN) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="Besluit",
                                error="Kies " + " of ".join(BESLUITEN) + ".")
        letter = get_column_letter(at["besluit"])
        choice.add(f"{letter}2:{letter}{rows + 1}")
        sheet.add_data_validation(choice)
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


class _Captured:
    """Takes the element openpyxl's cell writer writes, instead of a stream."""
    element = None

    def write(self, element) -> None:
        self.element = element


class _SheetData:
    """The data rows of a sheet as the <row> elements of its XML: the same bytes openpyxl writes for
    them (cell types, number formats through the workbook's style ids, numbers to 16 digits, dates as
    serials, text as inline strings), without its per-cell objects. Text is always written as text,
    so text starting with = + - @ never becomes a formula.

    `date_column` (1-based) gets the date format on every row, empty cells included, so that a date a
    reviewer types there reads as YYYY-MM-DD."""

    def __init__(self, sheet, width: int, date_column: int | None = None):
        self.sheet = sheet
        self.letters = [get_column_letter(i) for i in range(1, width + 1)]
        self.forced = self._style_of(None, DATE_FORMAT) if date_column else None
        self.date_column = date_column
        self._styles: dict[type, int] = {}
        self._serials: dict = {}

    def _style_of(self, value, number_format: str | None = None) -> int:
        cell = Cell(self.sheet, value=value)
        if number_format:
            cell.number_format = number_format
        return cell.style_id

    def _date(self, value) -> str:
        serial = self._serials.get(value)
        if serial is None:
            serial = self._serials[value] = safe_string(to_excel(value, self.sheet.parent.epoch))
        return serial

    def _fallback(self, value, row: int, column: int) -> str:
        """Any other type (time, timestamp, bytes, ...): openpyxl's own cell and its XML."""
        cell = Cell(self.sheet, row=row, column=column, value=value)
        if cell.data_type == "f" and isinstance(cell.value, str):
            cell.data_type = "s"
        if column == self.date_column:
            cell.number_format = DATE_FORMAT
        captured = _Captured()
        etree_write_cell(captured, self.sheet, cell, cell.has_style)
        return tostring(captured.element, encoding="unicode")

    def xml(self, rows: list[tuple], first: int = 2) -> bytes:
        letters, forced, date_column = self.letters, self.forced, self.date_column
        parts = []
        append = parts.append
        for number, row in enumerate(rows, start=first):
            cells = []
            for column, (value, letter) in enumerate(zip(row, letters), start=1):
                kind = type(value)
                if kind is list:
                    value = cell_value(value)
                    kind = str
                style = f' s="{forced}"' if forced is not None and column == date_column else ""
                if value is None:
                    if style:
                        cells.append(f'<c r="{letter}{number}"{style} t="n" />')
                elif kind is str:
                    if len(value) > 32767:
                        value = value[:32767]
                    if not value:
                        cells.append(f'<c r="{letter}{number}"{style} t="inlineStr" />')
                    elif value in ERROR_CODES:  # '#N/A' and the like: Excel's error values, as openpyxl writes them
                        cells.append(f'<c r="{letter}{number}"{style} t="e"><v>{value}</v></c>')
                    else:
                        text = value
                        if "&" in text:
                            text = text.replace("&", "&amp;")
                        if "<" in text:
                            text = text.replace("<", "&lt;")
                        if ">" in text:
                            text = text.replace(">", "&gt;")
                        stripped = value.strip()
                        space = ' xml:space="preserve"' if stripped and stripped != value else ""
                        cells.append(f'<c r="{letter}{number}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>')
                elif kind is bool:
                    cells.append(f'<c r="{letter}{number}"{style} t="b"><v>{1 if value else 0}</v></c>')
                elif kind is int or kind is float or kind is Decimal:
                    cells.append(f'<c r="{letter}{number}"{style} t="n">{_number(value)}</c>')
                elif kind is dt.date:
                    if not style:
                        style_id = self._styles.get(kind)
                        if style_id is None:
                            style_id = self._styles[kind] = self._style_of(value)
                        style = f' s="{style_id}"'
                    cells.append(f'<c r="{letter}{number}"{style} t="n"><v>{self._date(value)}</v></c>')
                else:
                    cells.append(self._fallback(value, number, column))
            append(f'<row r="{number}">{"".join(cells)}</row>' if cells else f'<row r="{number}" />')
        xml = "".join(parts).encode("utf-8")
        # Control characters make the file unreadable, and openpyxl refuses them; in UTF-8 they are single
        # bytes, so dropping them and comparing lengths finds them, faster than a regex over the text.
        if len(xml.translate(None, _ILLEGAL_BYTES)) != len(xml):
            bad = next(v for row in rows for v in map(cell_value, row)
                       if isinstance(v, str) and ILLEGAL_CHARACTERS_RE.search(v[:32767]))
            raise IllegalCharacterError(f"{bad[:32767]} cannot be used in worksheets.")
        return xml


def _number(value) -> str:
    """<v> as openpyxl writes numbers: 16 significant digits, empty when NaN or infinite."""
    text = safe_string(value)
    return f"<v>{text}</v>" if text else "<v />"


def _insert_rows(skeleton: bytes, path: Path, data: dict[str, tuple[bytes, str]]) -> None:
    """Copy the workbook openpyxl wrote into `path`, each sheet in `data` with its rows and dimension."""
    with zipfile.ZipFile(io.BytesIO(skeleton)) as source, \
            zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename in data:
                rows, dimension = data[info.filename]
                content, found = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(),
                                         content, count=1)
                head, end, tail = content.partition(b"</sheetData>")
                if not found or not end:
                    raise RuntimeError(f"unexpected worksheet XML from openpyxl in {info.filename}")
                content = b"".join((head, rows, end, tail))
            target.writestr(info, content)


def write_workbook(out_dir: Path, domain: Domain, path: Path | None = None) -> Path:
    path = path or out_dir / "selectie.xlsx"
    book = Workbook()
    book.remove(book.active)
    fields, data = [], {}
    with duckdb.connect() as con:
        for spec in domain.sheets:
            rows = sheet_rows(con, out_dir, spec)
            sheet = book.create_sheet(spec.title)
            sheet.append([label for _, label in spec.all_columns])
            for cell in sheet[1]:
                # Text starting with = + - @ would run as a formula in Excel: store it as text.
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    cell.data_type = "s"
            last = get_column_letter(len(spec.all_columns))
            sheet.freeze_panes = "A2"
            sheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 1)}"
            for i, (_, label) in enumerate(spec.all_columns, start=1):
                sheet.column_dimensions[get_column_letter(i)].width = max(12, min(60, len(label) + 4))
            date_column = None
            if spec.review:
                fields += _add_review_columns(sheet, spec, domain, len(rows))
                date_column = next(c for f, c, _ in review_fields(spec, domain) if f == "beoordeeld_op")
            # The rows go into the sheet's XML after openpyxl wrote the rest (see _SheetData).
            data[sheet] = (_SheetData(sheet, len(spec.all_columns), date_column).xml(rows), f"A1:{last}{len(rows) + 1}")
    _add_marker(book, _policy_name(out_dir), domain, fields)
    skeleton = io.BytesIO()
    book.save(skeleton)
    _insert_rows(skeleton.getvalue(), path, {sheet.path[1:]: content for sheet, content in data.items()})
    return path
