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
from zorginkoop.engine import memory_tables
from zorginkoop.ingest import pm304
from zorginkoop.ingest.bundle import input_files
from zorginkoop.ingest.loader import prepare
from zorginkoop.synthetic.pm304 import render_message

TABLES = {
    "claims": "select * exclude (_file, rowid) from raw.claims order by _line",  # rowid: the kept lines' own numbering
    "quarantine": 'select * exclude (file) from raw.quarantine order by line, "column", reason',
    "quarantine_codes": "select * exclude (file) from raw.quarantine_codes order by all",
    "reconciliation": "select * exclude (file) from raw.pm304_reconciliation order by message",
}


def load(path, general: bool, monkeypatch) -> tuple[dict, pm304.Pm304Result]:
    with monkeypatch.context() as patch:
        if general:
            patch.setattr(pm304, "_fixed_width_fields", lambda raw, **_: None)
        con = duckdb.connect(":memory:")
        spec = next(s for s in input_files(get_domain("paramedie")) if s.table == "claims")
        prepare(con, [spec])
        result = pm304.load_pm304(con, path, "decl.asc", spec.memory_schema)  # kept in memory: claim_lines or CLAIM_LINES
        memory_tables.expose(con)
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
    assert_both_readers_agree(path, monkeypatch)


def assert_both_readers_agree(path, monkeypatch, parts: int = 2) -> bool:
    """Both readers load the same rows; when the numpy path takes the file, the in-memory tables
    themselves are the same too (cut, trimmed, dated and null alike; numpy gives large_string,
    DuckDB string, so they are compared as values). Returns whether the numpy path took it."""
    fast, fast_result = load(path, general=False, monkeypatch=monkeypatch)
    general, general_result = load(path, general=True, monkeypatch=monkeypatch)
    assert fast == general
    assert fast_result == general_result
    fixed = pm304._fixed_width_fields(path.read_bytes(), parts)
    if fixed is not None:
        with monkeypatch.context() as patch, duckdb.connect(":memory:") as con:
            patch.setattr(pm304, "_fixed_width_fields", lambda raw, **_: None)
            assert fixed.to_pylist() == pm304._fields(con, path, b"")[0].to_pylist()
    return fixed is not None


EDGES = {  # name: (prestaties as (ref, code), bytes to write the file in, parts, whether numpy takes it)
    "padded values": ([("   LEADING", "  12"), ("", "1000"), ("    ", "7")], "ascii", 2, True),
    "DEL in a reference": ([("A\x7fB", "1000")], "ascii", 2, True),
    "no-break space in a reference": ([("A\xa0", "1000")], "latin-1", 2, False),
    "three ranges": ([("R1", "1000")], "ascii", 3, True),
    "more ranges than lines": ([], "ascii", 4, True),
}


@pytest.mark.parametrize("name", EDGES)
def test_both_readers_agree_on_edge_cases(tmp_path, monkeypatch, name):
    """Cases random edits seldom make: values all spaces or with leading spaces, a DEL byte (not a
    control byte), a no-break space in a field of an ISO-8859-1 file (to the general path), and
    files cut in more ranges than they have lines (a message without 04 lines has 2)."""
    items, encoding, parts, fast = EDGES[name]
    lines = render_message("04000001", "3311", [prestatie("111222333", 100, ref, code) for ref, code in items])
    path = tmp_path / "decl.asc"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    assert assert_both_readers_agree(path, monkeypatch, parts) == fast


def test_a_file_of_one_line(tmp_path, monkeypatch):
    path = tmp_path / "decl.asc"
    path.write_bytes((render_message("04000001", "3311", [])[0] + "\n").encode())
    assert assert_both_readers_agree(path, monkeypatch)


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
