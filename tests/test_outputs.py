"""The one output writer (zorginkoop.engine.outputs): staging, the atomic switch, recovery."""

from __future__ import annotations

import os

import duckdb
import pytest

from zorginkoop.errors import BadInputError
from zorginkoop.engine.outputs import output_writer, recover, runs_dir, write_query


def _write(out, text: str):
    with output_writer(out) as staging:
        (staging / "claims.parquet").write_text(text)
    return out


def test_output_is_a_symlink_to_the_run_and_the_previous_run_is_kept(tmp_path):
    out = tmp_path / "out"
    for text in ("one", "two", "three"):
        _write(out, text)
    assert out.is_symlink() and (out / "claims.parquet").read_text() == "three"
    kept = sorted(p.name for p in runs_dir(out).iterdir())
    assert len(kept) == 2 and not [k for k in kept if k.startswith(".")]
    assert {(runs_dir(out) / k / "claims.parquet").read_text() for k in kept} == {"two", "three"}


def test_a_failed_block_changes_nothing_and_leaves_no_staging(tmp_path):
    out = _write(tmp_path / "out", "good")
    with pytest.raises(RuntimeError), output_writer(out) as staging:
        (staging / "claims.parquet").write_text("half")
        raise RuntimeError("stopped")
    assert (out / "claims.parquet").read_text() == "good"
    assert not list(runs_dir(out).glob(".staging-*"))


def test_a_real_directory_is_moved_in_and_one_with_other_files_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "claims.parquet").write_text("old")
    _write(out, "new")
    assert out.is_symlink() and (out / "claims.parquet").read_text() == "new"
    assert "old" in {(p / "claims.parquet").read_text() for p in runs_dir(out).iterdir()}
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.docx").write_text("keep")
    with pytest.raises(BadInputError, match="not outputs of a run"), output_writer(mine):
        pass
    assert (mine / "notes.docx").read_text() == "keep" and not runs_dir(mine).exists()


def test_recover_drops_dead_staging_and_relinks_the_newest_run(tmp_path):
    out = _write(tmp_path / "out", "good")
    dead = runs_dir(out) / ".staging-999999999"  # no such process
    dead.mkdir()
    out.unlink()  # died between moving the old output aside and linking the new one
    recover(out)
    assert not dead.exists() and (out / "claims.parquet").read_text() == "good"


def test_write_query_writes_parquet_and_csv_and_counts_rows(tmp_path):
    con = duckdb.connect()
    query = "select * from range(5) t(n)"
    assert write_query(con, query, tmp_path / "it's.parquet") == 5
    assert write_query(con, query, tmp_path / "n.csv") == 5
    assert con.execute(f"select count(*) from '{tmp_path}/it''s.parquet'").fetchall() == [(5,)]
    assert (tmp_path / "n.csv").read_text().splitlines()[0] == "n"
    assert os.path.getsize(tmp_path / "n.csv") > 0
