"""`zorginkoop reviews import`: the reviewers' decisions from selectie.xlsx into the bundle.

Reads the review sheets of a workbook the run wrote (found through its hidden _zorginkoop sheet)
and writes reviews/beoordelingen.csv for the next run (contract cycle 2, the workbook round trip).
Only the workbook's shape is refused here. A row with a besluit is written as the reviewer left
it, with a warning when something is missing or odd: the run quarantines it with its reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from openpyxl.utils.exceptions import InvalidFileException

from zorginkoop.domains import BESLUITEN
from zorginkoop.errors import BadInputError
from zorginkoop.reporting.workbook import MARKER, MARKER_HEADER, MARKER_SHEET, MARKER_VERSION, REVIEW_FIELDS, WORKBOOK_KIND

CSV_PATH = Path("reviews") / "beoordelingen.csv"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FRESH = "Fill in the selectie.xlsx of the latest run (or a copy of it) without renaming its sheets or changing their headers"


@dataclass
class ImportResult:
    path: Path | None     # the file written; None when the workbook held no decision
    policy: str           # the policy of the run that wrote the workbook
    rows_read: int        # non-empty rows of the review sheets
    written: int          # decisions from the workbook written to the file
    without_besluit: int  # rows left out: no Besluit
    replaced: int         # rows of the existing file with a unit and date of the workbook, replaced
    kept: int             # rows of the existing file kept as they were
    warnings: list[str] = field(default_factory=list)


def _text(value) -> str:
    # Alt+Enter in a cell gives line breaks: one line per CSV row keeps the run's line numbers right.
    return "" if value is None else " ".join(str(value).split())


def _agb(value) -> str:
    """AGB codes Excel turned into numbers get their leading zeros back."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return f"{int(value):08d}"
    return _text(value)


def _date(value) -> tuple[str, bool]:
    """The date as YYYY-MM-DD, and whether it is one."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), True
    if isinstance(value, dt.date):
        return value.isoformat(), True
    text = _text(value)
    try:
        return text, bool(ISO_DATE.fullmatch(text)) and dt.date.fromisoformat(text) is not None
    except ValueError:
        return text, False


def _open(path: Path):
    if not path.is_file():
        raise BadInputError(str(path), "the workbook does not exist", hint=_FRESH)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BadInputError(str(path), "is not an Excel workbook (.xlsx)",
                            hint="Save it in Excel as 'Excel Workbook (*.xlsx)', or import the run's selectie.xlsx") from exc


def _marker_changed(name: str) -> BadInputError:
    return BadInputError(name, f"its hidden sheet '{MARKER_SHEET}' was changed, so the review sheets cannot be found",
                         hint=_FRESH)


def _layout(book, name: str) -> tuple[str, dict[str, dict[str, tuple[int, str]]]]:
    """The run's policy and, per review sheet, field -> (0-based column, label) as found in the sheet."""
    if MARKER_SHEET not in book.sheetnames:
        raise BadInputError(name, f"is not a workbook the selection run wrote (it has no hidden sheet '{MARKER_SHEET}')",
                            hint=_FRESH)
    marker = [tuple(r) + (None,) * 4 for r in book[MARKER_SHEET].iter_rows(values_only=True)]
    if len(marker) < 5 or marker[0][:3] != (MARKER, WORKBOOK_KIND, MARKER_VERSION) or marker[3][:4] != MARKER_HEADER:
        raise _marker_changed(name)
    expected: dict[str, list] = {}
    for title, fieldname, letter, label, *_ in marker[4:]:
        if not all(isinstance(v, str) and v for v in (title, fieldname, letter, label)) or not letter.isalpha():
            raise _marker_changed(name)
        expected.setdefault(title, []).append((fieldname, letter, label))
    problems, missing, layout = [], False, {}
    for title, fields in expected.items():
        if title not in book.sheetnames:
            problems.append(f"sheet '{title}' is missing (renamed or removed?)")
            missing = True
            continue
        header = [_text(v) for v in next(book[title].iter_rows(max_row=1, values_only=True), ())]
        layout[title] = {}
        for fieldname, letter, label in fields:
            index = column_index_from_string(letter) - 1
            found = header[index] if index < len(header) else ""
            if found == label:
                layout[title][fieldname] = (index, label)
            elif header.count(label) == 1:  # a column inserted or moved: the header still says which it is
                layout[title][fieldname] = (header.index(label), label)
            else:
                problems.append(f"sheet '{title}', column {letter}: expected header '{label}', found '{found}'")
    if problems:
        sheets = [s for s in book.sheetnames if s != MARKER_SHEET] if missing else None
        raise BadInputError(name, "the review sheets were changed, so the decisions cannot be read back: "
                            + "; ".join(problems), examples=sheets, hint=_FRESH)
    if any(set(f) != set(REVIEW_FIELDS) for f in layout.values()):
        raise _marker_changed(name)
    return _text(marker[1][1]), layout


def _read_sheet(sheet, title: str, columns: dict[str, tuple[int, str]], warnings: list[str]) -> tuple[list[dict], int, int]:
    """The rows with a besluit as beoordelingen.csv rows, the non-empty rows, and those without a besluit."""
    rows, read, left_out = [], 0, 0
    label = {f: lab for f, (_, lab) in columns.items()}
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if all(_text(v) == "" for v in values):
            continue
        read += 1
        cell = {f: values[i] if i < len(values) else None for f, (i, _) in columns.items()}
        row = {f: _text(cell[f]) for f in REVIEW_FIELDS}
        if not row["besluit"]:
            left_out += 1
            continue
        row["praktijk_agb"] = _agb(cell["praktijk_agb"])
        row["beoordeeld_op"], is_date = _date(cell["beoordeeld_op"])
        problems = []
        if row["besluit"] not in BESLUITEN:
            problems.append(f"{label['besluit']} '{row['besluit']}' is not {' or '.join(BESLUITEN)}")
        if empty := [label[f] for f in ("praktijk_agb", "discipline", "motivering", "beoordelaar", "beoordeeld_op") if not row[f]]:
            problems.append(f"no {', '.join(empty)}")
        if row["beoordeeld_op"] and not is_date:
            problems.append(f"{label['beoordeeld_op']} '{row['beoordeeld_op']}' is not a date (YYYY-MM-DD), written as text")
        if problems:
            warnings.append(f"sheet '{title}' row {number}: {'; '.join(problems)}; the run will quarantine this row")
        rows.append(row)
    return rows, read, left_out


def _existing(path: Path, bundle: Path, warnings: list[str]) -> list[dict]:
    if not path.is_file():
        return []
    rel = str(path.relative_to(bundle))
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = reader.fieldnames or []
    except (UnicodeDecodeError, csv.Error) as exc:
        raise BadInputError(rel, f"the existing file cannot be read as UTF-8 CSV: {exc}",
                            hint="Fix or move it aside, then import again") from exc
    missing = [c for c in REVIEW_FIELDS if c not in header]
    if missing:
        raise BadInputError(rel, f"the existing file lacks the column(s) {', '.join(missing)}", examples=header,
                            hint=f"Its header must be {','.join(REVIEW_FIELDS)}; fix or move it aside, then import again")
    if extra := [c for c in header if c not in REVIEW_FIELDS]:
        warnings.append(f"{rel}: column(s) {', '.join(extra)} of the existing file are not kept")
    return [{f: row[f] or "" for f in REVIEW_FIELDS} for row in rows]


def _sort_key(row: dict) -> tuple:
    return (row["praktijk_agb"], row["discipline"], row["beoordeeld_op"], row["besluit"], row["motivering"], row["beoordelaar"])


def _key(row: dict) -> tuple:
    return row["praktijk_agb"], row["discipline"], row["beoordeeld_op"]


def _write(path: Path, rows: list[dict]) -> None:
    """Write beside the target and rename, so a run never reads a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=REVIEW_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(temporary, path)


def import_reviews(workbook: Path, bundle: Path) -> ImportResult:
    """Write (or merge into) <bundle>/reviews/beoordelingen.csv the decisions filled in on the workbook's review sheets."""
    workbook, bundle = Path(workbook), Path(bundle)
    if not bundle.is_dir():
        raise BadInputError(str(bundle), "the input bundle directory does not exist",
                            hint="Give --input the bundle the selection run reads (as given to `zorginkoop run --input`)")
    book = _open(workbook)
    warnings: list[str] = []
    try:
        policy, layout = _layout(book, str(workbook))
        new, read, left_out = [], 0, 0
        for title, columns in layout.items():
            rows, n_read, n_left = _read_sheet(book[title], title, columns, warnings)
            new, read, left_out = new + rows, read + n_read, left_out + n_left
    finally:
        book.close()
    new = sorted({tuple(r.items()): r for r in new}.values(), key=_sort_key)  # identical rows once
    for a, b in zip(new, new[1:]):
        if _key(a) == _key(b):
            warnings.append(f"unit {a['praktijk_agb']} {a['discipline']}: two different decisions on {a['beoordeeld_op']}; "
                            "the run quarantines both and the review stays open")
    result = ImportResult(None, policy, read, len(new), left_out, 0, 0, warnings)
    if not new:
        return result
    path = bundle / CSV_PATH
    existing = _existing(path, bundle, warnings)
    keys = {_key(r) for r in new}
    kept = [r for r in existing if _key(r) not in keys]
    _write(path, sorted(new + kept, key=_sort_key))
    result.path, result.replaced, result.kept = path, len(existing) - len(kept), len(kept)
    return result
