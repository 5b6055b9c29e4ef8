"""The two readers of a PM304 file load the same rows: numpy slicing of a regular file (every line
310 bytes, one kind of line end) and DuckDB's line reader for any file. Hypothesis writes files,
sound and broken, and both paths must fill raw.claims, raw.quarantine, raw.quarantine_codes and
raw.pm304_reconciliation identically."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorginkoop.domains import get_domain
from zorginkoop.ingest import pm304
from zorginkoop.ingest.bundle import input_files
from zorginkoop.ingest.loader import prepare
from zorginkoop.synthetic.pm304 import render_message

TABLES = {
    "claims": "select * exclude (_file) from raw.claims order by _line",
    "quarantine": 'select * exclude (file) from raw.quarantine order by line, "column", reason',
    "quarantine_codes": "select * exclude (file) from raw.quarantine_codes order by all",
    "reconciliation": "select * exclude (file) from raw.pm304_reconciliation order by message",
}


def load(path, general: bool, monkeypatch) -> tuple[dict, pm304.Pm304Result]:
    with monkeypatch.context() as patch:
        if general:
            patch.setattr(pm304, "_fixed_width_fields", lambda raw: None)
        con = duckdb.connect(":memory:")
        prepare(con, [s for s in input_files(get_domain("paramedie")) if s.table == "claims"])
        result = pm304.load_pm304(con, path, "decl.asc")
        return {name: con.execute(sql).fetchall() for name, sql in TABLES.items()}, result


def prestatie(bsn, cents, ref, code="1000"):
    return {"bsn": bsn, "zorgverlener_agb": "04000123", "datum": "20230314", "lijst": "073", "code": code,
            "aantal": 1, "cents": cents, "ref": ref}


BSNS = ["111222333", "123456782", "123456789", "000000000", "12345678X"]  # two pass the 11-proef

messages = st.lists(st.tuples(
    st.sampled_from(["04000001", "05000002", "0400000X"]),
    st.lists(st.tuples(st.sampled_from(BSNS), st.integers(-99999, 99999)), min_size=0, max_size=4),
), min_size=1, max_size=4)

edits = st.lists(st.tuples(
    st.integers(0, 40),                                    # which line (modulo the line count)
    st.sampled_from(["char", "record", "drop", "repeat", "short", "long", "name"]),
    st.integers(1, 310),                                    # where in the line
    st.sampled_from(["0", "9", "X", " ", "C", "é", "\t", "\x01"]),
), max_size=3)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(messages=messages, edits=edits, newline=st.sampled_from(["\r\n", "\n"]),
       encoding=st.sampled_from(["latin-1", "utf-8"]))
def test_both_readers_load_the_same_rows(tmp_path_factory, monkeypatch, messages, edits, newline, encoding):
    lines = []
    for n, (praktijk, items) in enumerate(messages):
        lines += render_message(praktijk, "3311", [prestatie(bsn, cents, f"R{n}-{i}") for i, (bsn, cents) in enumerate(items)])
    for where, kind, at, char in edits:
        i = where % len(lines)
        line = lines[i]
        if kind == "char":
            lines[i] = line[:at - 1] + char + line[at:]
        elif kind == "record":
            lines[i] = char * 2 + line[2:]
        elif kind == "drop" and len(lines) > 1:
            del lines[i]
        elif kind == "repeat":
            lines.insert(i, line)
        elif kind == "short":
            lines[i] = line[:at - 1]
        elif kind == "long":
            lines[i] = line + char
        elif kind == "name" and line.startswith("02"):
            lines[i] = line[:63] + "Jansén" + line[69:]  # a name with a letter above ASCII
    path = tmp_path_factory.mktemp("pm304") / "decl.asc"
    try:
        path.write_bytes((newline.join(lines) + newline).encode(encoding))
    except UnicodeEncodeError:
        return
    fast, fast_result = load(path, general=False, monkeypatch=monkeypatch)
    general, general_result = load(path, general=True, monkeypatch=monkeypatch)
    assert fast == general
    assert fast_result == general_result
    fixed = pm304._fixed_width_fields(path.read_bytes())
    if fixed is not None:  # the fields themselves, not only what is loaded from them: cut, trimmed, dated, null alike
        with monkeypatch.context() as patch:
            patch.setattr(pm304, "_fixed_width_fields", lambda raw: None)
            assert fixed.to_pylist() == pm304._fields(duckdb.connect(":memory:"), path, b"").to_pylist()


def regular_file(tmp_path, name_encoding: str | None = None):
    lines = render_message("04000001", "3311", [prestatie("111222333", 3850, "A"), prestatie("123456789", 100, "B")])
    if name_encoding:
        lines[1] = lines[1][:63] + "Jansén" + lines[1][69:]
    path = tmp_path / "decl.asc"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(name_encoding or "ascii"))
    return path


@pytest.mark.parametrize("name_encoding, fast", [(None, True), ("latin-1", True), ("utf-8", False)])
def test_which_files_are_sliced_by_numpy(tmp_path, name_encoding, fast):
    """ASCII files and ISO-8859-1 names take the fast path; a UTF-8 name (two bytes, one position) does not."""
    raw = regular_file(tmp_path, name_encoding).read_bytes()
    assert (pm304._fixed_width_fields(raw) is not None) == fast


def test_the_fast_path_never_holds_a_name(tmp_path):
    """Only the FIELDS are sliced: no column of the in-memory table holds a name or a birth date."""
    table = pm304._fixed_width_fields(regular_file(tmp_path, "latin-1").read_bytes())
    assert set(table.column_names) == {"line_no", "message", "line_length", "record", *pm304.FIELDS}
    assert not any("Jans" in str(v) for column in table.columns for v in column.to_pylist())
