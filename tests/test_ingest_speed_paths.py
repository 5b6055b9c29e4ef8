"""The fast ingest paths (one numbered pass per PM304 file, one HMAC per distinct BSN) keep line
numbers, first-in-line-order reconciliation values and per-row pseudonyms exactly."""

from __future__ import annotations

import gc
import hashlib
import hmac
import os
import weakref

import duckdb
import pytest

from zorginkoop.ingest.claims import load_claims
from zorginkoop.domains import get_domain
from zorginkoop.synthetic.pm304 import render_message

KEY = os.environ["ZORGINKOOP_PSEUDONYM_KEY"].encode()


def prestatie(bsn, ref):
    return {"bsn": bsn, "zorgverlener_agb": "04000123", "datum": "20230314", "lijst": "073", "code": "1000",
            "aantal": 1, "cents": 3850, "ref": ref}


def load(tmp_path, path):
    out = tmp_path / "out"
    load_claims([path], out, get_domain("paramedie"))
    con = duckdb.connect()
    return [con.execute(f"select * from '{out}/{name}.parquet'").df() for name in ("claims", "reconciliation", "quarantine")]


def test_repeated_bsns_and_latin1(tmp_path):
    items = [prestatie("111222333", "A"), prestatie("123456782", "B"), prestatie("111222333", "C"), prestatie("123456789", "D")]
    lines = render_message("04000001", "3311", items, patients={"111222333": {"naam": "Jansén"}})
    lines += render_message("04000002", "3311", [prestatie("123456782", "E")])
    path = tmp_path / "in" / "decl.asc"
    path.parent.mkdir()
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    claims, recon, quarantine = load(tmp_path, path)
    # lines: 01, 02, 04 A, 04 C, 02, 04 B, 02, 04 D, 99 | 01, 02, 04 E, 99 (a message groups by patient)
    assert list(claims.declaratie_id) == ["A", "C", "B", "E"]
    assert list(claims.source_line) == [3, 4, 6, 12]
    expected = {b: hmac.new(KEY, b.encode(), hashlib.sha256).hexdigest() for b in ("111222333", "123456782")}
    assert list(claims.patient_pseudonym) == [expected["111222333"], expected["111222333"], expected["123456782"], expected["123456782"]]
    assert list(quarantine.line) == [8] and "11-proef" in quarantine.iloc[0].reason
    assert list(recon.message) == [1, 2] and recon.ok.all()


def test_two_sluitrecords_report_the_first(tmp_path):
    first = render_message("04000001", "3311", [prestatie("111222333", "A")])
    second = render_message("04000001", "3311", [prestatie("111222333", "A"), prestatie("111222333", "B")])
    lines = first + [second[-1]]  # a second 99 declaring 2 prestatierecords after the right one
    path = tmp_path / "in" / "decl.asc"
    path.parent.mkdir()
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    claims, recon, quarantine = load(tmp_path, path)
    assert claims.empty and list(quarantine.line) == [1, 2, 3, 4, 5]
    assert recon.iloc[0].prestatierecords_declared == 1, "the first sluitrecord in line order"
    assert "sluitrecord (99) is niet de laatste regel" in recon.iloc[0].reason


def test_readahead_gives_the_files_bytes_and_sha256(tmp_path):
    """Started early (claims load) or taken cold (the run), the same bytes and digest; a PM304 file
    is mapped (an empty one is b""), any other only hashed; a file replaced since it was started is
    read again; a file that cannot be read raises where it is taken, not in the thread."""
    from zorginkoop.ingest import readahead

    data = tmp_path / "a.asc"
    data.write_bytes(b"01" + b"x" * 308 + b"\r\n")
    first = readahead.start(data)
    assert readahead.start(data) is first  # started once
    raw, digest = readahead.take(data)
    assert bytes(raw) == data.read_bytes() and digest.result() == hashlib.sha256(data.read_bytes()).hexdigest()
    assert readahead.sha256(data) == hashlib.sha256(data.read_bytes()).hexdigest()  # taken again: read again
    table = tmp_path / "t.csv"
    table.write_bytes(b"a,b\n1,2\n")
    readahead.start(table)
    assert readahead.take(table)[0] is None and readahead.sha256(table) == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    empty = tmp_path / "empty.asc"
    empty.write_bytes(b"")
    assert readahead.take(empty)[0] == b"" and readahead.sha256(empty) == hashlib.sha256(b"").hexdigest()
    readahead.start(data)
    (tmp_path / "new").write_bytes(b"changed since")
    os.replace(tmp_path / "new", data)  # a new file in its place (rewriting a mapped file in place can fault its reader)
    raw, digest = readahead.take(data)
    assert bytes(raw) == b"changed since" and digest.result() == hashlib.sha256(b"changed since").hexdigest()
    started = readahead.start(data)  # what a load holds while it runs never keeps the mapping alive
    raw, _ = readahead.take(data)
    mapping = weakref.ref(raw)
    del raw
    gc.collect()
    assert mapping() is None and started.result() == hashlib.sha256(b"changed since").hexdigest()
    started = readahead.start(data)  # a load that failed lets go of what it read ahead
    readahead.discard(data, started)
    assert not readahead._started
    missing = tmp_path / "missing.asc"
    readahead.start(missing)
    with pytest.raises(FileNotFoundError):
        readahead.take(missing)


def test_readahead_two_loads_of_one_file_at_once(tmp_path):
    """claims load x.asc x.asc loads one file twice, side by side: each load gets the file's digest,
    and one load letting go of its read-ahead never takes the other's away."""
    from concurrent.futures import ThreadPoolExecutor

    from zorginkoop.ingest import readahead

    data = tmp_path / "a.asc"
    data.write_bytes(b"01" + b"x" * 308 + b"\n")
    expected = hashlib.sha256(data.read_bytes()).hexdigest()

    def load(_):
        started = readahead.start(data)
        try:
            return readahead.sha256(data)
        finally:
            readahead.discard(data, started)

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(load, range(2000))) == {expected}
    assert not readahead._started


@pytest.mark.parametrize("configured, workers, during", [("4", 2, 2), ("4", 3, 1), ("4", 1, 4), ("1", 2, 1), ("", 2, None)])
def test_side_by_side_work_shares_the_threads_and_gives_them_back(monkeypatch, configured, workers, during):
    """Files loading side by side each get their share of DuckDB's threads, not all of them; the
    run's setting comes back after, also after a failure."""
    from zorginkoop.engine.database import connect, threads_shared_by

    monkeypatch.setenv("ZORGINKOOP_THREADS", configured)
    with connect(":memory:") as con:
        threads = lambda: int(con.execute("select current_setting('threads')").fetchall()[0][0])  # noqa: E731
        before = threads()
        expected = during if during is not None else max(1, before // workers)  # DuckDB's own default, divided
        with pytest.raises(RuntimeError, match="failed"):
            with threads_shared_by(con, workers):
                assert threads() == expected
                raise RuntimeError("failed")
        assert threads() == before


def test_a_held_database_reaches_its_file_once_when_the_hold_ends(tmp_path):
    """While the run holds its database, each stage's connect() shares the one DuckDB instance: what a
    stage wrote stays in the log (no checkpoint at the stage's close). close_beside() writes it into
    the file on a thread of its own; after wait() the file alone holds every table."""
    from zorginkoop.engine.database import DEFERRED_CHECKPOINT, HeldDatabase, connect

    db = tmp_path / "run.duckdb"
    wal = tmp_path / "run.duckdb.wal"
    with HeldDatabase(db) as held:
        with connect(db) as stage:
            # no checkpoint at every 16 MB of log either: the run's one checkpoint is at the end
            deferred = duckdb.connect()
            deferred.execute(f"set checkpoint_threshold = '{DEFERRED_CHECKPOINT}'")
            setting = "select current_setting('checkpoint_threshold')"
            assert stage.execute(setting).fetchall() == deferred.execute(setting).fetchall() != \
                duckdb.connect().execute(setting).fetchall()
            stage.execute("create table t as select range as x from range(100000)")
        assert wal.is_file() and wal.stat().st_size > 0  # the stage closed, the data is still only logged
        with connect(db) as later:  # a later stage sees what the earlier one wrote
            assert later.execute("select count(*) from t").fetchall() == [(100000,)]
        held.close_beside()
        held.wait()
        assert not wal.exists()
    with duckdb.connect(str(db), read_only=True) as reader:
        assert reader.execute("select sum(x) from t").fetchall() == [(sum(range(100000)),)]


def test_a_failed_run_leaves_its_held_database_closed(tmp_path):
    """An error inside the hold is the one the caller sees; the file is closed and readable after."""
    from zorginkoop.engine.database import HeldDatabase, connect

    db = tmp_path / "run.duckdb"
    with pytest.raises(RuntimeError, match="stage failed"):
        with HeldDatabase(db):
            with connect(db) as stage:
                stage.execute("create table t as select 42 as x")
            raise RuntimeError("stage failed")
    with duckdb.connect(str(db), read_only=True) as reader:
        assert reader.execute("select x from t").fetchall() == [(42,)]
