"""Property-based tests of how codes, dates and amounts are read: read exactly, or refused.

The checks are the SQL the run uses (zorginkoop.validation.rowchecks, sql/paramedie/staged, pm304),
evaluated on values that hypothesis generates.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from zorginkoop.ingest.bundle import input_files
from zorginkoop.domains import get_domain
from zorginkoop.ingest.loader import load_file, prepare
from zorginkoop.validation.rowchecks import FILE_FORMATS, value_checks
from zorginkoop.synthetic.pm304 import render_message

SPECS = {s.table: s for s in input_files(get_domain("paramedie"))}
CON = duckdb.connect()


def problems(table: str, column: str, value: str | None) -> list[str]:
    """The reasons the run's row checks give for this value in this column (empty: accepted)."""
    reasons = []
    for col, condition, reason in value_checks(SPECS[table]):
        if col == column:
            row = CON.execute(f'select case when {condition} then {reason} end from (select ?::varchar as "{column}")',
                              [value]).fetchall()[0][0]
            if row is not None:
                reasons.append(row)
    return reasons


def file_format_refuses(kind: str, value: str) -> bool:
    return re.fullmatch(FILE_FORMATS[kind][0], value) is not None


@given(st.integers(min_value=0, max_value=99_999_999))
def test_agb_codes_are_read_exactly_or_refused(n):
    code = f"{n:08d}"
    assert problems("contracts", "praktijk_agb", code) == []
    dropped = str(n)
    if len(dropped) < 8:
        reasons = problems("contracts", "praktijk_agb", dropped)
        assert reasons and f"'{dropped}' has {len(dropped)} characters" in reasons[0] and "leading zero" in reasons[0]


@given(st.text(alphabet="0123456789 -AB", max_size=10))
def test_no_other_text_passes_as_an_agb_code(text):
    if not re.fullmatch(r"\d{8}", text):
        assert problems("contracts", "praktijk_agb", text)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_iso_dates_are_read_exactly(day):
    text = day.isoformat()
    assert problems("applications", "aanvraagdatum", text) == []
    assert not file_format_refuses("date", text)
    assert CON.execute("select cast(? as date)", [text]).fetchall()[0][0] == day


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.sampled_from(["%d-%m-%Y", "%d/%m/%Y", "%-d-%-m-%Y", "%d.%m.%Y"]))
def test_day_month_year_dates_are_refused(day, fmt):
    text = day.strftime(fmt)
    assert file_format_refuses("date", text)
    assert problems("applications", "aanvraagdatum", text), "never read as another date"


@given(st.text(alphabet="0123456789-", min_size=10, max_size=10))
def test_impossible_dates_are_refused(text):
    try:
        dt.date.fromisoformat(text)
        real = re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is not None
    except ValueError:
        real = False
    assert (problems("applications", "aanvraagdatum", text) == []) == real


@given(st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2, allow_nan=False))
def test_amounts_are_read_to_the_cent(amount):
    text = f"{amount:.2f}"
    assert problems("claims", "declaratiebedrag", text) == []
    assert CON.execute("select cast(? as decimal(18, 2))", [text]).fetchall()[0][0] == amount
    comma = text.replace(".", ",")
    assert file_format_refuses("decimal", comma) and problems("claims", "declaratiebedrag", comma)


@given(st.decimals(min_value=Decimal("-999.999"), max_value=Decimal("999.999"), places=3, allow_nan=False))
def test_amounts_with_more_than_two_decimals_are_refused_not_rounded(amount):
    text = f"{amount:.3f}"
    if not text.endswith("0"):
        assert problems("claims", "declaratiebedrag", text)


@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("9999.9999"), places=4, allow_nan=False))
def test_bi_values_keep_their_value(bi):
    text = format(bi, "f")
    assert problems("behandelindex", "bi", text) == []
    assert CON.execute("select cast(? as double)", [text]).fetchall()[0][0] == float(bi)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=-99_999_999, max_value=99_999_999), min_size=1, max_size=6))
def test_pm304_amounts_are_signed_euros(tmp_path_factory, cents):
    directory = tmp_path_factory.mktemp("pm304")
    prestaties = [{"bsn": "111222333", "zorgverlener_agb": "04000123", "datum": "20230301", "lijst": "073",
                   "code": "1000", "aantal": 1, "cents": c, "ref": f"R{i}"} for i, c in enumerate(cents)]
    path = directory / "x.asc"
    path.write_bytes(("\r\n".join(render_message("04000001", "3311", prestaties)) + "\r\n").encode("latin-1"))
    con = duckdb.connect()
    prepare(con, [SPECS["claims"]])
    con.execute("create schema if not exists seeds")
    load_file(con, SPECS["claims"], path, "x.asc")
    got = [Decimal(v) for (v,) in con.execute("select declaratiebedrag from raw.claims order by _line").fetchall()]
    assert got == [Decimal(c) / 100 for c in cents]
    assert con.execute("select ok from raw.pm304_reconciliation").fetchall() == [(True,)]
