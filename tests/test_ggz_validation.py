"""The bad-input corpus for GGZ bundles: refused or quarantined, as for paramedie (test_validation.py),
on the files only the GGZ policy reads (claims with zorgtype, wachttijden) and its optional input."""

from __future__ import annotations

import duckdb
import pytest

from zorginkoop.errors import BadInputError

from .builder_ggz import GgzBundle
from .test_validation import run


def good_bundle() -> GgzBundle:
    b = GgzBundle()
    for agb in ("54000001", "72000002"):
        b.instelling(agb)
        b.patients(agb, 2, "1500.00", "SGGZ")
    b.wachttijd("54000001", "adhd", "3", "8")
    return b


@pytest.mark.parametrize("change, mutate, message", [
    (None, lambda d: [p.unlink() for p in (d / "claims").iterdir()], "claims/: no input files in this required folder"),
    (lambda b: b.rows["claims"][0].update(einddatum="30-06-2019"), None, "DD-MM-YYYY"),
    (lambda b: b.rows["claims"][0].update(declaratiebedrag="1500,00"), None, "decimal comma"),
    (lambda b: b.rows["wachttijden"][0].update(behandelwachttijd_weken="8,5"), None, "wachttijden/wachttijden.csv, column 'behandelwachttijd_weken'"),
    (lambda b: b.rows["claims"][0].update(instelling_agb="4000001"), None, "claims/claims.csv: 1 of 4 rows"),
], ids=["no_claims", "day_month_year", "decimal_comma", "decimal_comma_weeks", "over_tolerance"])
def test_refused(tmp_path, ggz_policy, change, mutate, message):
    b = good_bundle()
    if change:
        change(b)
    with pytest.raises(BadInputError) as info:
        run(tmp_path, ggz_policy, b, mutate)
    assert message in str(info.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("change, column, reason", [
    (lambda b: b.rows["claims"][1].update(zorgtype="GBGGZ"), "zorgtype", "zorgtype is BGGZ, SGGZ or LGGZ"),
    (lambda b: b.rows["claims"][1].update(bsn="123456789"), "bsn", "11-proef"),
    (lambda b: b.rows["claims"][1].update(einddatum="2019-02-30"), "einddatum", "not a real calendar date"),
    (lambda b: b.rows["claims"][1].update(declaratiebedrag=""), "declaratiebedrag", "this column is required"),
    (lambda b: b.rows["claims"][1].update(bsn=""), "bsn", "BSN ontbreekt"),
], ids=["unknown_zorgtype", "bsn_fails_11_proef", "impossible_date", "amount_missing", "bsn_missing"])
def test_a_bad_claim_line_is_quarantined_and_its_institution_reviewed(tmp_path, ggz_policy, change, column, reason):
    b = good_bundle()
    change(b)
    reports, out = run(tmp_path, ggz_policy, b, tolerance=1.0)
    con = duckdb.connect()
    rows = con.execute(f"select file, line, \"column\", reason from '{out}/quarantine.parquet'").fetchall()
    assert [(f, line, c) for f, line, c, _ in rows] == [("claims/claims.csv", 3, column)] and reason in rows[0][3]
    report = reports["claims/claims.csv"]
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (4, 3, 1)
    outcomes = dict(con.execute(f"select instelling_agb, outcome from '{out}/decisions.parquet'").fetchall())
    assert outcomes == {"54000001": "INDIVIDUELE_BEOORDELING", "72000002": "OFFERTE_UITNODIGING"}


def test_the_waiting_time_file_is_optional(tmp_path, ggz_policy):
    b = good_bundle()
    b.rows["wachttijden"] = []
    reports, out = run(tmp_path, ggz_policy, b)
    assert "wachttijden/wachttijden.csv" not in reports
    gesprek = duckdb.connect().execute(f"select distinct wachttijd_gesprek from '{out}/decisions.parquet'").fetchall()
    assert gesprek == [([],)]
