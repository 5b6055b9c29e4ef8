"""The workbook round trip (contract cycle 2): decision columns on the review sheets of selectie.xlsx,
`zorginkoop reviews import` back into reviews/beoordelingen.csv, and review progress in report.html.

Runs on a fake run directory: Parquet files with the columns the domain's sheets read, written
here, so these tests follow the interface of the outputs and not the SQL of the moment.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from zorginkoop.cli import app
from zorginkoop.errors import BadInputError
from zorginkoop.engine.policy import load_policy
from zorginkoop.reporting.report import review_progress, write_report
from zorginkoop.analysis.reviews import CSV_PATH, import_reviews
from zorginkoop.reporting.workbook import MARKER_SHEET, write_workbook

HEADER = "praktijk_agb,discipline,besluit,motivering,beoordelaar,beoordeeld_op"
DECISION_LABELS = ["Besluit", "Motivering", "Beoordelaar", "Beoordeeld op"]
SEPT_1, SEPT_2 = dt.date(2023, 9, 1), dt.date(2023, 9, 2)

# Units under review per policy and output: (agb, discipline, besluit, motivering, beoordelaar, beoordeeld_op).
REVIEWS = {
    "paramedie-2024": {
        "case_reviews": [
            ("01000001", "fysiotherapie", None, None, None, None),
            ("01000002", "logopedie", "AANBIEDEN", "enige logopedist in de wijk", "J. de Vries", SEPT_1),
            ("01000003", "fysiotherapie", "NIET_AANBIEDEN", "BI te hoog, geen toegevoegde waarde", "A. Bakker", SEPT_2),
        ],
        "zorgplicht_reviews": [
            ("02000001", "fysiotherapie", None, None, None, None),
            ("02000002", "oefentherapie", None, None, None, None),
        ],
    },
    "ggz-2021": {
        "case_reviews": [
            ("05000001", "ggz", None, None, None, None),
            ("05000002", "ggz", "AANBIEDEN", "compliance op orde na navraag", "J. de Vries", SEPT_1),
            ("05000003", "ggz", None, None, None, None),
        ],
    },
}
OUTCOME = {"case_reviews": "INDIVIDUELE_BEOORDELING", "zorgplicht_reviews": "ZORGPLICHTTOETS"}
SHEET = {"case_reviews": "Individuele beoordeling", "zorgplicht_reviews": "Zorgplichttoets"}

LISTS = {"reasons", "review_details", "segment_redenen", "online_maatwerk", "wachttijd_gesprek"}
DATES = {"beoordeeld_op", "aanvraagdatum", "contract_ingangsdatum", "contract_einddatum", "publicatiedatum",
         "uiterste_tekendatum"}
BOOLS = {"prior_contract", "declared_prior_year", "gecontracteerd", "productiemonitoring", "overeenkomst_actueel"}
DOUBLES = ("bi", "marktaandeel", "omzet", "voorgesteld", "max_omzet")
INTEGERS = ("aantal", "patienten", "kostenintensieve", "aangeboden")


def _type(column: str) -> pa.DataType:
    if column in LISTS:
        return pa.list_(pa.string())
    if column in DATES:
        return pa.date32()
    if column in BOOLS:
        return pa.bool_()
    if column.startswith(DOUBLES):
        return pa.float64()
    if column.startswith(INTEGERS):
        return pa.int32()
    return pa.string()


def _default(column: str):
    return {pa.list_(pa.string()): ["a", "b"], pa.date32(): dt.date(2023, 1, 1), pa.bool_(): True,
            pa.float64(): 1.5, pa.int32(): 3}.get(_type(column), f"{column} x")


def fake_run(out: Path, policy_name: str) -> Path:
    """A run's output directory as far as selectie.xlsx and report.html read it."""
    policy = load_policy(policy_name)
    domain = policy.domain
    agb, discipline = domain.unit_columns
    units = {output: [dict(zip((agb, discipline, "besluit", "motivering", "beoordelaar", "beoordeeld_op"), u),
                           eindbesluit=u[2] or "OPEN", outcome=OUTCOME[output]) for u in rows]
             for output, rows in REVIEWS[policy_name].items()}
    decided = [dict(u) for rows in units.values() for u in rows]
    decided.append({agb: "09000001", discipline: "fysiotherapie" if discipline != agb else "ggz",
                    "outcome": "NIET_AANBIEDEN", "eindbesluit": "NIET_AANBIEDEN"})
    if domain.name == "ggz":
        decided[-1][discipline] = "ggz"
    rows = {**units, "decisions": decided}
    out.mkdir(parents=True)
    columns: dict[str, dict[str, None]] = {}
    for sheet in domain.sheets:
        columns.setdefault(sheet.output, {}).update(dict.fromkeys(c for c, _ in sheet.all_columns))
    for output, names in columns.items():
        if output in rows:
            names.update(dict.fromkeys((agb, discipline, "outcome", "besluit", "motivering", "beoordelaar",
                                        "beoordeeld_op", "eindbesluit")))
        data = [{c: r.get(c, None if c in ("besluit", "motivering", "beoordelaar", "beoordeeld_op") else _default(c))
                 for c in names} for r in rows.get(output, [{}])]
        pq.write_table(pa.Table.from_pylist(data, schema=pa.schema([(c, _type(c)) for c in names])),
                       out / f"{output}.parquet")
    pq.write_table(pa.table({c: pa.array([], pa.int64() if c == "line" else pa.string())
                             for c in ("file", "line", "column", "value", "reason")}), out / "quarantine.parquet")
    (out / "manifest.json").write_text(json.dumps({
        "policy": {"name": policy.name, "domain": domain.name, "path": str(policy.path), "sha256": "0" * 64},
        "code_version": "test", "inputs": [], "data_docs": None}))
    return out


@pytest.fixture(params=["paramedie-2024", "ggz-2021"])
def case(request, tmp_path):
    """(policy name, run directory with selectie.xlsx, an empty bundle directory)."""
    out = fake_run(tmp_path / "run", request.param)
    write_workbook(out, load_policy(request.param).domain)
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    return request.param, out, bundle


def _columns(sheet) -> dict[str, int]:
    return {c.value: c.column for c in sheet[1]}


def fill(path: Path, title: str, agb: str, **values) -> None:
    """Type into the row of a unit as a reviewer would; keys are the Dutch labels with _ for spaces."""
    book = load_workbook(path)
    sheet = book[title]
    at = _columns(sheet)
    (row,) = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == agb]
    for label, value in values.items():
        sheet.cell(row, at[label.replace("_", " ")]).value = value
    book.save(path)


def read_csv(bundle: Path) -> list[dict]:
    with (bundle / CSV_PATH).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def review_sheets(policy_name: str) -> list[str]:
    return [SHEET[o] for o in REVIEWS[policy_name]]


def test_review_sheets_get_the_decision_columns_a_drop_down_and_the_earlier_decision(case):
    policy_name, out, _ = case
    book = load_workbook(out / "selectie.xlsx")
    for title in review_sheets(policy_name):
        sheet = book[title]
        header = [c.value for c in sheet[1]]
        assert header[-4:] == DECISION_LABELS
        at = _columns(sheet)
        rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
        output = next(o for o, t in SHEET.items() if t == title)
        assert set(rows) == {u[0] for u in REVIEWS[policy_name][output]}
        for agb, _, besluit, motivering, beoordelaar, datum in REVIEWS[policy_name][output]:
            r = rows[agb]
            got = [sheet.cell(r, at[label]).value for label in DECISION_LABELS]
            assert got[:3] == [besluit, motivering, beoordelaar]
            assert (got[3].date() if got[3] else None) == datum
            assert sheet.cell(r, at["Beoordeeld op"]).number_format == "yyyy-mm-dd"
        (validation,) = sheet.data_validations.dataValidation
        column = sheet.cell(1, at["Besluit"]).column_letter
        assert validation.type == "list" and validation.formula1 == '"AANBIEDEN,NIET_AANBIEDEN"'
        assert str(validation.sqref) == f"{column}2:{column}{sheet.max_row}"
    others = [t for t in book.sheetnames if t not in review_sheets(policy_name) and t != MARKER_SHEET]
    assert others and all("Besluit" not in _columns(book[t]) for t in others)


def test_the_hidden_sheet_marks_the_workbook_as_the_runs(case):
    policy_name, out, _ = case
    marker = load_workbook(out / "selectie.xlsx")[MARKER_SHEET]
    assert marker.sheet_state == "hidden"
    rows = [tuple(r) for r in marker.iter_rows(values_only=True)]
    domain = load_policy(policy_name).domain
    assert rows[:4] == [("zorginkoop", "selectie.xlsx", 1, None), ("policy", policy_name, None, None),
                        ("domain", domain.name, None, None), ("sheet", "field", "column", "label")]
    agb_label = "AGB-code instelling" if domain.name == "ggz" else "AGB-code praktijk"
    first = review_sheets(policy_name)[0]
    assert [r for r in rows[4:] if r[0] == first][:3] == [
        (first, "praktijk_agb", "A", agb_label), (first, "discipline", "B", "Discipline"),
        (first, "besluit", next(c.column_letter for c in load_workbook(out / "selectie.xlsx")[first][1]
                                if c.value == "Besluit"), "Besluit")]
    assert len(rows) == 4 + 6 * len(review_sheets(policy_name))


def test_import_writes_the_decisions_and_leaves_out_rows_without_besluit(case):
    policy_name, out, bundle = case
    book = out / "selectie.xlsx"
    title = review_sheets(policy_name)[0]
    agb = REVIEWS[policy_name][next(iter(REVIEWS[policy_name]))][0][0]
    fill(book, title, agb, Besluit="NIET_AANBIEDEN", Motivering="geen\nmeerwaarde", Beoordelaar="P. Jansen",
         Beoordeeld_op=dt.datetime(2023, 9, 15))
    result = import_reviews(book, bundle)
    rows = read_csv(bundle)
    assert (bundle / CSV_PATH).read_text(encoding="utf-8").splitlines()[0] == HEADER
    units = [u for output in REVIEWS[policy_name].values() for u in output]
    expected = sorted([(u[0], u[1], u[2], u[3], u[4], u[5].isoformat()) for u in units if u[2]]
                      + [(agb, units[0][1], "NIET_AANBIEDEN", "geen meerwaarde", "P. Jansen", "2023-09-15")])
    assert [tuple(r.values()) for r in rows] == expected
    assert all(r["praktijk_agb"].startswith("0") and len(r["praktijk_agb"]) == 8 for r in rows)
    assert (result.rows_read, result.written, result.without_besluit) == (len(units), len(expected), len(units) - len(expected))
    assert (result.replaced, result.kept, result.warnings, result.policy) == (0, 0, [], policy_name)


def test_an_existing_file_is_merged_same_unit_and_date_replaced(case):
    policy_name, out, bundle = case
    decided = next(u for rows in REVIEWS[policy_name].values() for u in rows if u[2])
    agb, discipline, _, _, _, datum = decided
    (bundle / CSV_PATH).parent.mkdir()
    (bundle / CSV_PATH).write_text(
        f"{HEADER}\n"
        f"{agb},{discipline},NIET_AANBIEDEN,eerder besluit,X. Oud,{datum.isoformat()}\n"  # replaced by the workbook's
        f"{agb},{discipline},NIET_AANBIEDEN,nog eerder,X. Oud,2023-08-01\n"               # another date: kept
        f"07000001,{discipline},AANBIEDEN,\"andere unit, ander besluit\",X. Oud,2023-08-02\n", encoding="utf-8")
    result = import_reviews(out / "selectie.xlsx", bundle)
    rows = [tuple(r.values()) for r in read_csv(bundle)]
    assert (agb, discipline, "NIET_AANBIEDEN", "eerder besluit", "X. Oud", datum.isoformat()) not in rows
    assert (agb, discipline, *decided[2:5], datum.isoformat()) in rows
    assert (agb, discipline, "NIET_AANBIEDEN", "nog eerder", "X. Oud", "2023-08-01") in rows
    assert ("07000001", discipline, "AANBIEDEN", "andere unit, ander besluit", "X. Oud", "2023-08-02") in rows
    assert rows == sorted(rows, key=lambda r: (r[0], r[1], r[5]))
    assert (result.replaced, result.kept) == (1, 2)


def test_the_same_workbook_gives_the_same_bytes(case, tmp_path):
    _, out, bundle = case
    import_reviews(out / "selectie.xlsx", bundle)
    first = (bundle / CSV_PATH).read_bytes()
    import_reviews(out / "selectie.xlsx", bundle)  # again into the same bundle: every row replaced by itself
    assert (bundle / CSV_PATH).read_bytes() == first
    other = tmp_path / "other"
    other.mkdir()
    write_workbook(out, load_policy(case[0]).domain, out / "again.xlsx")
    import_reviews(out / "again.xlsx", other)
    assert (other / CSV_PATH).read_bytes() == first
    assert b"\r" not in first


def test_cells_excel_changed_are_read_back_and_odd_rows_written_with_a_warning(case):
    policy_name, out, bundle = case
    book, title = out / "selectie.xlsx", review_sheets(policy_name)[0]
    agb = next(u[0] for u in REVIEWS[policy_name][next(iter(REVIEWS[policy_name]))] if not u[2])
    sheet_book = load_workbook(book)
    sheet = sheet_book[title]
    at = _columns(sheet)
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == agb)
    sheet.cell(row, 1).value = int(agb)  # Excel made a number of it
    for label, value in (("Besluit", "AANBIEDEN"), ("Motivering", "  "), ("Beoordelaar", "P. Jansen"),
                         ("Beoordeeld op", "15-09-2023")):
        sheet.cell(row, at[label]).value = value
    sheet_book.save(book)
    result = import_reviews(book, bundle)
    written = next(r for r in read_csv(bundle) if r["besluit"] == "AANBIEDEN" and r["beoordelaar"] == "P. Jansen")
    assert written["praktijk_agb"] == agb and written["beoordeeld_op"] == "15-09-2023" and written["motivering"] == ""
    (warning,) = result.warnings
    assert f"sheet '{title}' row {row}" in warning and "no Motivering" in warning and "'15-09-2023'" in warning


def test_an_iso_date_typed_as_text_is_a_date(case):
    policy_name, out, bundle = case
    book, title = out / "selectie.xlsx", review_sheets(policy_name)[0]
    agb = next(u[0] for u in REVIEWS[policy_name][next(iter(REVIEWS[policy_name]))] if not u[2])
    fill(book, title, agb, Besluit="AANBIEDEN", Motivering="ok", Beoordelaar="P. Jansen", Beoordeeld_op="2023-09-20")
    result = import_reviews(book, bundle)
    assert result.warnings == []
    assert any(r["praktijk_agb"] == agb and r["beoordeeld_op"] == "2023-09-20" for r in read_csv(bundle))


def test_two_different_decisions_on_one_date_are_both_written_with_a_warning(case):
    policy_name, out, bundle = case
    title = review_sheets(policy_name)[0]
    agb, discipline, besluit, _, _, datum = next(u for u in REVIEWS[policy_name][next(iter(REVIEWS[policy_name]))] if u[2])
    other = "NIET_AANBIEDEN" if besluit == "AANBIEDEN" else "AANBIEDEN"
    book = load_workbook(out / "selectie.xlsx")
    sheet = book[title]
    at = _columns(sheet)
    row = sheet.max_row + 1  # a reviewer copied the unit's row and changed the besluit
    for label, value in (("Discipline", discipline), ("Besluit", other), ("Motivering", "toch niet"),
                         ("Beoordelaar", "P. Jansen"), ("Beoordeeld op", datum)):
        sheet.cell(row, at[label]).value = value
    sheet.cell(row, 1).value = agb
    book.save(out / "selectie.xlsx")
    result = import_reviews(out / "selectie.xlsx", bundle)
    same_day = {r["besluit"] for r in read_csv(bundle) if (r["praktijk_agb"], r["beoordeeld_op"]) == (agb, datum.isoformat())}
    assert same_day == {besluit, other}
    assert result.warnings == [f"unit {agb} {discipline}: two different decisions on {datum.isoformat()}; "
                               "the run quarantines both and the review stays open"]


def test_a_column_inserted_by_the_reviewer_does_not_shift_the_decisions(case):
    policy_name, out, bundle = case
    book_path, title = out / "selectie.xlsx", review_sheets(policy_name)[0]
    book = load_workbook(book_path)
    book[title].insert_cols(1)
    book[title].cell(1, 1).value = "Notities"
    book.save(book_path)
    import_reviews(book_path, bundle)
    decided = [(u[0], u[2]) for rows in REVIEWS[policy_name].values() for u in rows if u[2]]
    assert [(r["praktijk_agb"], r["besluit"]) for r in read_csv(bundle)] == sorted(decided)


def _refused(workbook: Path, bundle: Path) -> str:
    with pytest.raises(BadInputError) as caught:
        import_reviews(workbook, bundle)
    assert caught.value.exit_code == 2
    assert not (bundle / CSV_PATH).exists(), "nothing written"
    return str(caught.value)


def test_a_renamed_review_sheet_is_refused(case):
    policy_name, out, bundle = case
    title = review_sheets(policy_name)[-1]
    book = load_workbook(out / "selectie.xlsx")
    book[title].title = "Beoordeling (kopie)"
    book.save(out / "selectie.xlsx")
    message = _refused(out / "selectie.xlsx", bundle)
    assert f"sheet '{title}' is missing" in message and "Beoordeling (kopie)" in message


def test_a_changed_key_or_decision_header_is_refused(case):
    policy_name, out, bundle = case
    title = review_sheets(policy_name)[0]
    book = load_workbook(out / "selectie.xlsx")
    at = _columns(book[title])
    book[title].cell(1, at["Discipline"]).value = "Vakgebied"
    book[title].cell(1, at["Besluit"]).value = "Beslissing"
    book.save(out / "selectie.xlsx")
    message = _refused(out / "selectie.xlsx", bundle)
    assert f"sheet '{title}', column B: expected header 'Discipline', found 'Vakgebied'" in message
    assert "expected header 'Besluit', found 'Beslissing'" in message


def test_a_workbook_without_the_marker_is_refused(case):
    _, out, bundle = case
    book = load_workbook(out / "selectie.xlsx")
    del book[MARKER_SHEET]
    book.save(out / "copy.xlsx")
    message = _refused(out / "copy.xlsx", bundle)
    assert "copy.xlsx" in message and "not a workbook the selection run wrote" in message


def test_a_changed_marker_is_refused(case):
    _, out, bundle = case
    book = load_workbook(out / "selectie.xlsx")
    marker = book[MARKER_SHEET]
    marker.delete_rows(marker.max_row)  # a field of the last review sheet no longer recorded
    book.save(out / "selectie.xlsx")
    assert f"hidden sheet '{MARKER_SHEET}' was changed" in _refused(out / "selectie.xlsx", bundle)


def test_something_else_than_a_workbook_or_a_bundle_is_refused(tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (tmp_path / "selectie.xlsx").write_text(f"{HEADER}\n", encoding="utf-8")
    assert "is not an Excel workbook" in _refused(tmp_path / "selectie.xlsx", bundle)
    (tmp_path / "selectie.csv").write_text(f"{HEADER}\n", encoding="utf-8")
    assert "selectie.csv: is not an Excel workbook" in _refused(tmp_path / "selectie.csv", bundle)
    Workbook().save(tmp_path / "other.xlsx")
    assert "not a workbook the selection run wrote" in _refused(tmp_path / "other.xlsx", bundle)
    with pytest.raises(BadInputError, match="bundle directory does not exist"):
        import_reviews(tmp_path / "other.xlsx", tmp_path / "no-bundle")


def test_cli_imports_and_refuses_without_a_traceback(case):
    policy_name, out, bundle = case
    runner = CliRunner()
    ok = runner.invoke(app, ["reviews", "import", str(out / "selectie.xlsx"), "--input", str(bundle)])
    assert ok.exit_code == 0, ok.output
    assert str(bundle / CSV_PATH) in ok.output.replace("\n", "") and "run the selection again" in ok.output
    (out / "bad.xlsx").write_bytes(b"not a zip")
    bad = runner.invoke(app, ["reviews", "import", str(out / "bad.xlsx"), "--input", str(bundle)])
    assert bad.exit_code == 2 and "is not an Excel workbook" in bad.output and "Traceback" not in bad.output
    assert bad.exception is None or isinstance(bad.exception, SystemExit)


def test_review_progress_counts_decided_and_open(case):
    policy_name, out, _ = case
    domain = load_policy(policy_name).domain
    with duckdb.connect() as con:
        progress = review_progress(con, out, domain)
    expected = []
    for output, units in REVIEWS[policy_name].items():
        besluiten = [u[2] for u in units]
        expected.append((SHEET[output], len(units), besluiten.count("AANBIEDEN"), besluiten.count("NIET_AANBIEDEN"),
                         besluiten.count(None)))
    assert progress == expected


def test_report_shows_progress_and_the_decision_columns(case):
    policy_name, out, _ = case
    page = write_report(out, load_policy(policy_name)).read_text(encoding="utf-8")
    assert "<h2>Beoordelingen</h2>" in page
    if policy_name == "paramedie-2024":
        assert "<tr><td>Individuele beoordeling</td><td>3</td><td>1</td><td>1</td><td>1</td></tr>" in page
        assert "<tr><td>Zorgplichttoets</td><td>2</td><td>0</td><td>0</td><td>2</td></tr>" in page
    else:
        assert "<tr><td>Individuele beoordeling</td><td>3</td><td>1</td><td>0</td><td>2</td></tr>" in page
    worklist = page.split("<h2>Individuele beoordeling (3)</h2>")[1].split("</thead>")[0]
    assert all(f"<th>{label}</th>" in worklist for label in DECISION_LABELS)
    assert "enige logopedist in de wijk" in page or "compliance op orde na navraag" in page
