"""Bad input stops the run before selection with a message naming file, column and examples."""

from __future__ import annotations

import pytest

from zorginkoop import pipeline
from zorginkoop.errors import BadInputError

from .builder import Bundle


def good_bundle() -> Bundle:
    b = Bundle()
    b.practice("04000001")
    b.practice("05000002", "logopedie")
    return b


def check(tmp_path, policy, bundle: Bundle, mutate=None):
    directory = bundle.write(tmp_path / "bundle")
    if mutate:
        mutate(directory)
    db = tmp_path / "run.duckdb"
    pipeline.ingest(db, policy, directory)
    pipeline.validate(db, policy)


def test_good_bundle_passes(tmp_path, policy):
    check(tmp_path, policy, good_bundle())


def test_agb_with_lost_leading_zero(tmp_path, policy):
    b = good_bundle()
    b.rows["contracts"][0]["praktijk_agb"] = "4000001"
    with pytest.raises(BadInputError) as info:
        check(tmp_path, policy, b)
    message = str(info.value)
    assert "contracts/contracts.csv" in message and "praktijk_agb" in message
    assert "'4000001' (line 2)" in message and "leading zero" in message


def test_decimal_comma_in_bi_is_refused(tmp_path, policy):
    b = good_bundle()
    b.rows["behandelindex"][0]["bi"] = "98,4"
    with pytest.raises(BadInputError, match=r"behandelindex\.csv, column 'bi'.*decimal comma.*'98,4'"):
        check(tmp_path, policy, b)


def test_day_month_year_date_is_refused(tmp_path, policy):
    b = good_bundle()
    b.rows["applications"] = [{"praktijk_agb": "04000001", "discipline": "fysiotherapie", "aanvraagdatum": "30-09-2023"}]
    with pytest.raises(BadInputError, match=r"applications\.csv, column 'aanvraagdatum'.*YYYY-MM-DD.*'30-09-2023'"):
        check(tmp_path, policy, b)


def test_impossible_calendar_date_is_refused(tmp_path, policy):
    b = good_bundle()
    b.rows["big"][0]["aanvang"] = "2023-02-30"
    with pytest.raises(BadInputError, match=r"big\.csv, column 'aanvang'.*calendar date.*'2023-02-30'"):
        check(tmp_path, policy, b)


def test_unknown_enumeration_value(tmp_path, policy):
    b = good_bundle()
    b.rows["compliance_checks"][3]["result"] = "ok"
    with pytest.raises(BadInputError, match=r"checks\.csv, column 'result'.*allowed values: pass, fail.*'ok'"):
        check(tmp_path, policy, b)


def test_duplicate_key(tmp_path, policy):
    b = good_bundle()
    b.rows["ondernemingen"].append(dict(b.rows["ondernemingen"][0], naam="Andere naam"))
    with pytest.raises(BadInputError, match=r"ondernemingen\.csv, column 'agb_code'.*'04000001'"):
        check(tmp_path, policy, b)


def test_postcode_with_space(tmp_path, policy):
    b = good_bundle()
    b.rows["vestigingen"][0]["postcode"] = "3511 AB"
    with pytest.raises(BadInputError, match=r"vestigingen\.csv, column 'postcode'.*'3511 AB'"):
        check(tmp_path, policy, b)


def test_missing_required_file(tmp_path, policy):
    def drop(directory):
        (directory / "registers" / "big.csv").unlink()
    with pytest.raises(BadInputError, match=r"registers/big\.csv: required file is missing"):
        check(tmp_path, policy, good_bundle(), drop)


def test_missing_column_names_the_column(tmp_path, policy):
    def drop_column(directory):
        path = directory / "agb" / "vestigingen.csv"
        lines = [",".join(line.split(",")[:-1]) for line in path.read_text().splitlines()]
        path.write_text("\n".join(lines) + "\n")
    with pytest.raises(BadInputError, match=r"agb/vestigingen\.csv, column 'einde': missing column\(s\) einde"):
        check(tmp_path, policy, good_bundle(), drop_column)


def test_windows_1252_file_is_refused(tmp_path, policy):
    def recode(directory):
        path = directory / "agb" / "ondernemingen.csv"
        path.write_bytes(path.read_text().replace("Praktijk 04000001", "Fysiotherapie Café").encode("cp1252"))
    with pytest.raises(BadInputError, match=r"agb/ondernemingen\.csv.*UTF-8"):
        check(tmp_path, policy, good_bundle(), recode)


def test_several_problems_are_reported_together(tmp_path, policy):
    b = good_bundle()
    b.rows["contracts"][0]["praktijk_agb"] = "4000001"
    b.rows["behandelindex"][0]["bi"] = "98,4"
    with pytest.raises(BadInputError) as info:
        check(tmp_path, policy, b)
    assert "2 problem(s)" in str(info.value)


def test_extra_columns_and_column_order_do_not_matter(tmp_path, policy):
    def reorder(directory):
        path = directory / "agb" / "relaties.csv"
        rows = [line.split(",") for line in path.read_text().splitlines()]
        path.write_text("\n".join(",".join(list(reversed(r)) + ["x"]) for r in rows) + "\n")
    check(tmp_path, policy, good_bundle(), reorder)


def test_bsn_is_never_loaded(tmp_path, policy):
    directory = good_bundle().write(tmp_path / "bundle")
    db = tmp_path / "run.duckdb"
    pipeline.ingest(db, policy, directory)
    import duckdb
    with duckdb.connect(str(db)) as con:
        columns = {r[0] for r in con.execute("select column_name from information_schema.columns").fetchall()}
    assert "bsn" not in columns
    assert b"111222333" not in db.read_bytes()
