"""The procurement cycle through the real flow (contract cycle.md): reviewers' decisions taken in
from reviews/beoordelingen.csv, the workbook round trip (a workbook the run wrote, filled in with
openpyxl, imported, run again), and a publication whose bad acceptances (no offer, too late,
unknown unit) never reach the zorgzoeker as gecontracteerd. Both policies, on their samples."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from zorginkoop.cli import app
from zorginkoop.paths import PROJECT_ROOT, SAMPLE_DIR

GGZ_SAMPLE = PROJECT_ROOT / "data" / "sample-ggz"
REVIEWS = "reviews/beoordelingen.csv"


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def rows(sql: str) -> list[tuple]:
    return duckdb.connect().execute(sql).fetchall()


def write_reviews(bundle, lines: list[str]) -> None:
    (bundle / "reviews").mkdir(exist_ok=True)
    (bundle / REVIEWS).write_text("praktijk_agb,discipline,besluit,motivering,beoordelaar,beoordeeld_op\n"
                                  + "".join(f"{line}\n" for line in lines), encoding="utf-8")


# -- paramedie-2024 ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reviewed(prefect_server, tmp_path_factory):
    """The sample with a reviews file: decisions on review units, and rows that cannot count."""
    work = tmp_path_factory.mktemp("cycle")
    bundle = work / "bundle"
    shutil.copytree(SAMPLE_DIR, bundle)
    write_reviews(bundle, [
        "04999903,fysiotherapie,AANBIEDEN,Kleine praktijk in een krimpregio,J. de Vries,2023-10-02",      # line 2: counts
        "04999905,fysiotherapie,AANBIEDEN,Nodig voor de zorgplicht in de regio,J. de Vries,2023-10-03",   # 3: counts
        "07999909,oefentherapie,AANBIEDEN,Eerste beoordeling,A. Bakker,2023-10-01",                       # 4: superseded
        "07999909,oefentherapie,NIET_AANBIEDEN,UBO blijft onbekend,A. Bakker,2023-10-05",                 # 5: counts
        "04999904,fysiotherapie,AANBIEDEN,Eerder besluit,A. Bakker,2023-10-01",                           # 6: not counted
        "04999904,fysiotherapie,AANBIEDEN,BI volgt,J. de Vries,2023-10-04",                               # 7: conflict
        "04999904,fysiotherapie,NIET_AANBIEDEN,Geen BI,A. Bakker,2023-10-04",                             # 8: conflict
        "04999901,fysiotherapie,NIET_AANBIEDEN,Klachten,A. Bakker,2023-10-04",                            # 9: not under review
        "01234567,fysiotherapie,AANBIEDEN,Onbekend,A. Bakker,2023-10-04",                                 # 10: unknown unit
        "04999903,fysiotherapie,JA,Zonder besluit,A. Bakker,2023-10-06",                                  # 11: bad besluit
        "04999903,fysiotherapie,NIET_AANBIEDEN,,A. Bakker,2023-10-07",                                    # 12: no motivering
    ])
    out = work / "out"
    result = cli("run", "--policy", "paramedie-2024", "--input", bundle, "--output", out, "--quiet")
    assert result.exit_code == 0, result.output
    return bundle, out


def decision(out, agb: str, discipline: str) -> dict:
    cursor = duckdb.connect().execute(f"select * from '{out}/decisions.parquet' where praktijk_agb = ? and discipline = ?",
                                      [agb, discipline])
    columns = [d[0] for d in cursor.description]
    return dict(zip(columns, cursor.fetchone()))


def test_reviewed_units_get_their_eindbesluit(reviewed):
    _, out = reviewed
    offered = decision(out, "04999903", "fysiotherapie")
    assert offered["outcome"] == "INDIVIDUELE_BEOORDELING"  # the policy's outcome stays: the audit trail
    assert (offered["besluit"], offered["eindbesluit"], offered["beoordelaar"]) == ("AANBIEDEN", "AANBIEDEN", "J. de Vries")
    assert offered["beoordeeld_op"] == dt.date(2023, 10, 2)
    assert (offered["contract_ingangsdatum"], offered["contract_einddatum"]) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    latest = decision(out, "07999909", "oefentherapie")
    assert (latest["besluit"], latest["eindbesluit"], latest["motivering"]) == ("NIET_AANBIEDEN", "NIET_AANBIEDEN", "UBO blijft onbekend")
    conflicted = decision(out, "04999904", "fysiotherapie")
    assert (conflicted["besluit"], conflicted["eindbesluit"]) == (None, "OPEN")
    assert decision(out, "04999901", "fysiotherapie")["eindbesluit"] == "AANBIEDEN"
    assert decision(out, "04999902", "fysiotherapie")["eindbesluit"] == "NIET_AANBIEDEN"


def test_offers_after_review_join_the_offer_lists(reviewed):
    _, out = reviewed
    proactive = dict(((a, d), n) for a, d, n in rows(f"select praktijk_agb, discipline, na_beoordeling from '{out}/proactive_offers.parquet'"))
    requested = dict(((a, d), n) for a, d, n in rows(f"select praktijk_agb, discipline, na_beoordeling from '{out}/requested_offers.parquet'"))
    assert proactive[("04999903", "fysiotherapie")] is True   # had a contract and declarations in 2023
    assert requested[("04999905", "fysiotherapie")] is True   # came by application (ZORGPLICHTTOETS)
    assert proactive[("04999901", "fysiotherapie")] is False
    assert ("07999909", "oefentherapie") not in proactive | requested
    assert ("04999904", "fysiotherapie") not in proactive | requested
    assert sum(proactive.values()) + sum(requested.values()) == 2


def test_worklists_show_what_is_open(reviewed):
    _, out = reviewed
    cases = {r[0]: r[1:] for r in rows(f"select praktijk_agb, besluit, eindbesluit from '{out}/case_reviews.parquet'")}
    assert cases["04999903"] == ("AANBIEDEN", "AANBIEDEN") and cases["04999904"] == (None, "OPEN")
    assert cases["07999909"] == ("NIET_AANBIEDEN", "NIET_AANBIEDEN")
    zorgplicht = {r[0]: r[1] for r in rows(f"select praktijk_agb, eindbesluit from '{out}/zorgplicht_reviews.parquet'")}
    assert zorgplicht["04999905"] == "AANBIEDEN"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Beoordelingen" in page


def test_review_rows_that_cannot_count_are_quarantined_with_their_reason(reviewed):
    _, out = reviewed
    kept_out = {}
    for line, reason in rows(f"select line, reason from '{out}/quarantine.parquet' where file = '{REVIEWS}' order by line"):
        kept_out.setdefault(line, []).append(reason)
    assert set(kept_out) == {7, 8, 9, 10, 11, 12}
    assert all("conflicting" in r for line in (7, 8) for r in kept_out[line])
    assert "PROACTIEF_AANBOD" in kept_out[9][0] and "not a unit" in kept_out[10][0]
    assert "besluit" in kept_out[11][0] and "motivering" in kept_out[12][0]
    # a quarantined review row never sends a unit to review
    invoer = dict(rows(f"select praktijk_agb, result from '{out}/rule_results.parquet' "
                       f"where rule = 'INVOER_VOLLEDIG' and praktijk_agb in ('04999901', '04999903', '04999904')"))
    assert set(invoer.values()) == {"pass"}
    manifest = json.loads((out / "manifest.json").read_text())
    reviews = next(i for i in manifest["inputs"] if i["path"] == REVIEWS)
    assert (reviews["rows_read"], reviews["rows_quarantined"], reviews["rows_loaded"]) == (11, 6, 5)
    for entry in manifest["inputs"]:
        assert entry["rows_read"] == entry["rows_loaded"] + entry["rows_deduplicated"] + entry["rows_quarantined"], entry


def test_publication_counts_only_acceptances_of_offers_before_the_deadline(reviewed, tmp_path):
    _, out = reviewed
    acceptances = tmp_path / "acceptances.csv"
    acceptances.write_text("praktijk_agb,discipline,geaccepteerd_op\n"
                           "04999901,fysiotherapie,2023-10-20\n"    # line 2: an offer, in time
                           "04999903,fysiotherapie,2023-11-01\n"    # 3: offered after review, on the deadline
                           "04999905,fysiotherapie,2023-11-02\n"    # 4: the day after the deadline
                           "04999902,fysiotherapie,2023-10-20\n"    # 5: NIET_AANBIEDEN
                           "04999904,fysiotherapie,2023-10-20\n"    # 6: still under review (OPEN)
                           "01234567,fysiotherapie,2023-10-20\n")   # 7: unknown unit
    pub = tmp_path / "pub"
    result = cli("publish", "--acceptances", acceptances, "--run", out, "--output", pub)
    assert result.exit_code == 0, result.output
    contracted = {(a, d) for a, d in rows(f"select distinct praktijk_agb, discipline from '{pub}/zorgzoeker.parquet' where gecontracteerd")}
    running = set(rows(f"select praktijk_agb, discipline from '{out}/decisions.parquet' where outcome = 'LOPENDE_OVEREENKOMST'"))
    shown = set(rows(f"select distinct praktijk_agb, discipline from '{pub}/zorgzoeker.parquet'"))
    assert contracted == ({("04999901", "fysiotherapie"), ("04999903", "fysiotherapie")} | running) & shown
    assert {("04999905", "fysiotherapie"), ("04999902", "fysiotherapie"), ("04999904", "fysiotherapie")} <= shown - contracted
    reasons = dict(rows(f"select line, reason from '{pub}/quarantine.parquet' order by line"))
    assert set(reasons) == {4, 5, 6, 7}
    assert "uiterste tekendatum" in reasons[4] and "NIET_AANBIEDEN" in reasons[5]
    assert "OPEN" in reasons[6] and "not a unit" in reasons[7]
    unanswered = {(a, d): lijst for a, d, lijst in rows(f"select praktijk_agb, discipline, aanbodlijst from '{pub}/unanswered_offers.parquet'")}
    assert unanswered[("04999905", "fysiotherapie")] == "requested_offers"
    assert ("04999901", "fysiotherapie") not in unanswered and ("04999903", "fysiotherapie") not in unanswered
    assert set(unanswered) == set(rows(f"select praktijk_agb, discipline from '{out}/decisions.parquet' where eindbesluit = 'AANBIEDEN'")) \
        - {("04999901", "fysiotherapie"), ("04999903", "fysiotherapie")}
    assert "do not count" in result.output


def test_workbook_round_trip(reviewed, tmp_path):
    """A workbook the run wrote, filled in as a zorginkoper would, imported, and run again."""
    bundle, out = reviewed
    book = load_workbook(out / "selectie.xlsx")
    sheet = book["Individuele beoordeling"]
    header = [c.value for c in sheet[1]]
    col = {label: header.index(label) + 1 for label in ("AGB-code praktijk", "Besluit", "Motivering", "Beoordelaar", "Beoordeeld op")}
    row_of = {sheet.cell(r, col["AGB-code praktijk"]).value: r for r in range(2, sheet.max_row + 1)}
    assert sheet.cell(row_of["04999903"], col["Besluit"]).value == "AANBIEDEN"  # filled from the earlier decision
    offers = book["Aanbod proactief"]
    flag = [c.value for c in offers[1]].index("Na beoordeling")
    marked = {row[0].value for row in offers.iter_rows(min_row=2) if row[flag].value}
    assert marked == {"04999903"}  # the analyst sees which offer came from a review
    r = row_of["04999904"]
    sheet.cell(r, col["Besluit"]).value = "NIET_AANBIEDEN"
    sheet.cell(r, col["Motivering"]).value = "Geen spiegelinformatie na navraag"
    sheet.cell(r, col["Beoordelaar"]).value = "M. Jansen"
    sheet.cell(r, col["Beoordeeld op"]).value = dt.datetime(2023, 10, 9)
    filled = tmp_path / "ingevuld.xlsx"
    book.save(filled)
    again = tmp_path / "bundle"
    shutil.copytree(bundle, again)
    result = cli("reviews", "import", filled, "--input", again)
    assert result.exit_code == 0, result.output
    written = (again / REVIEWS).read_text(encoding="utf-8")
    assert "04999904,fysiotherapie,NIET_AANBIEDEN,Geen spiegelinformatie na navraag,M. Jansen,2023-10-09" in written
    out2 = tmp_path / "out"
    result = cli("run", "--policy", "paramedie-2024", "--input", again, "--output", out2, "--quiet")
    assert result.exit_code == 0, result.output
    taken_in = decision(out2, "04999904", "fysiotherapie")
    assert (taken_in["besluit"], taken_in["eindbesluit"], taken_in["beoordelaar"]) == ("NIET_AANBIEDEN", "NIET_AANBIEDEN", "M. Jansen")
    assert decision(out2, "04999903", "fysiotherapie")["eindbesluit"] == "AANBIEDEN"  # the earlier decision is kept


def test_a_workbook_with_a_renamed_review_sheet_is_refused(reviewed, tmp_path):
    bundle, out = reviewed
    book = load_workbook(out / "selectie.xlsx")
    book["Individuele beoordeling"].title = "Beoordeling"
    renamed = tmp_path / "hernoemd.xlsx"
    book.save(renamed)
    result = cli("reviews", "import", renamed, "--input", bundle)
    assert result.exit_code == 2 and "Individuele beoordeling" in result.output
    assert "Traceback" not in result.output  # one clear message, no stack


# -- ggz-2021 ------------------------------------------------------------------------------------

def test_ggz_reviews_and_acceptances(prefect_server, tmp_path):
    bundle = tmp_path / "bundle"
    shutil.copytree(GGZ_SAMPLE, bundle)
    write_reviews(bundle, [
        "54999909,ggz,AANBIEDEN,Kwaliteitsstatuut aangeleverd,J. de Vries,2020-08-01",   # line 2: IB -> digitaal aanbod
        "54000013,ggz,NIET_AANBIEDEN,Onderzoek loopt,J. de Vries,2020-08-01",             # 3: IB -> no offer
        "54999910,ggz,NIET_AANBIEDEN,Te klein,J. de Vries,2020-08-01",                    # 4: DIGITAAL_AANBOD: not under review
    ])
    out = tmp_path / "out"
    result = cli("run", "--policy", "ggz-2021", "--input", bundle, "--output", out, "--quiet")
    assert result.exit_code == 0, result.output
    decided = {r[0]: r[1:] for r in rows(f"select instelling_agb, outcome, besluit, eindbesluit from '{out}/decisions.parquet' "
                                         f"where instelling_agb in ('54999909', '54000013', '54999910')")}
    assert decided["54999909"] == ("INDIVIDUELE_BEOORDELING", "AANBIEDEN", "AANBIEDEN")
    assert decided["54000013"] == ("INDIVIDUELE_BEOORDELING", "NIET_AANBIEDEN", "NIET_AANBIEDEN")
    assert decided["54999910"] == ("DIGITAAL_AANBOD", None, "AANBIEDEN")
    digitaal = dict(rows(f"select instelling_agb, na_beoordeling from '{out}/digitale_aanbiedingen.parquet'"))
    assert digitaal["54999909"] is True and digitaal["54999910"] is False and "54000013" not in digitaal
    assert rows(f"select line from '{out}/quarantine.parquet' where file = '{REVIEWS}'") == [(4,)]
    cases = {r[0]: r[1:] for r in rows(f"select instelling_agb, discipline, eindbesluit from '{out}/case_reviews.parquet'")}
    assert cases["54999909"] == ("ggz", "AANBIEDEN")

    acceptances = tmp_path / "acceptances.csv"
    acceptances.write_text("praktijk_agb,discipline,geaccepteerd_op\n"
                           "54999909,ggz,2020-11-01\n"    # offered after review, on the deadline
                           "54999901,ggz,2020-11-02\n"    # OFFERTE_UITNODIGING, the day after
                           "54999908,ggz,2020-10-01\n"    # NIET_AANBIEDEN
                           "12345678,ggz,2020-10-01\n")   # unknown
    pub = tmp_path / "pub"
    result = cli("publish", "--acceptances", acceptances, "--run", out, "--output", pub)
    assert result.exit_code == 0, result.output
    contracted = {r[0] for r in rows(f"select distinct praktijk_agb from '{pub}/zorgzoeker.parquet' where gecontracteerd")}
    assert "54999909" in contracted and not contracted & {"54999901", "54999908"}
    assert [r[0] for r in rows(f"select line from '{pub}/quarantine.parquet' order by line")] == [3, 4, 5]
    unanswered = {r[0] for r in rows(f"select instelling_agb from '{pub}/unanswered_offers.parquet'")}
    assert "54999901" in unanswered and "54999909" not in unanswered
