"""Claim lines kept in memory (suite meta in_memory, engine.memory_tables) are the lines a stored
raw table holds, from every reader (CSV, Parquet, PM304 cut by numpy or read by DuckDB), with the
same quarantine and counts; a finished run's database keeps their aggregate and no view over them."""

from __future__ import annotations

import dataclasses
import shutil

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zorginkoop.analysis.runs import whatif
from zorginkoop.domains import get_domain
from zorginkoop.engine import memory_tables, pipeline
from zorginkoop.engine.database import HeldDatabase, connect
from zorginkoop.ingest import pm304
from zorginkoop.ingest.bundle import input_files
from zorginkoop.ingest.loader import load_files, prepare
from zorginkoop.paths import SAMPLE_DIR
from zorginkoop.validation.rowchecks import TableChecks
from zorginkoop.validation.validate import _loaded_part, distinct_values

CLAIMS = next(s for s in input_files(get_domain("paramedie")) if s.table == "claims")
COLUMNS = ", ".join([*CLAIMS.loaded_columns, "_file", "_line"])


def claim_files(tmp_path):
    """The sample's claim files, and a Parquet and a CSV file with lines whose BSN is missing or
    fails the 11-proef (the loader quarantines those)."""
    folder = tmp_path / "claims"
    shutil.copytree(SAMPLE_DIR / "claims", folder)
    parquet = pq.read_table(next(folder.glob("*.parquet"))).slice(0, 50)
    bsn = parquet.column("bsn").to_pylist()
    bsn[3], bsn[7], bsn[8] = None, "123456789", "12345678X"
    column = parquet.schema.get_field_index("bsn")
    pq.write_table(parquet.set_column(column, "bsn", pa.array(bsn, parquet.schema.field("bsn").type)),
                   folder / "with_bad_bsns.parquet")
    # a line without a BSN as the only one kept out of its file: it is quarantined, not just left out
    only_empty = parquet.column("bsn").to_pylist()
    only_empty[4] = None
    pq.write_table(parquet.set_column(column, "bsn", pa.array(only_empty, parquet.schema.field("bsn").type)),
                   folder / "with_an_empty_bsn.parquet")
    csv = next(folder.glob("*.csv")).read_text().splitlines()
    header = csv[0].split(",")
    bad_bsn, bad_date = csv[1].split(","), csv[2].split(",")
    bad_bsn[header.index("bsn")] = "123456789"
    bad_date[header.index("datum_prestatie")] = "2023-02-30"
    # and for the row checks: a line twice (an exact duplicate) and an impossible date
    (folder / "with_bad_bsns.csv").write_text("\n".join([csv[0], *csv[1:20], ",".join(bad_bsn), csv[5], ",".join(bad_date)]) + "\n")
    return sorted(p for p in folder.iterdir() if p.suffix.lstrip(".") in CLAIMS.extensions)


def loaded(files, kept: bool, general: bool, monkeypatch) -> dict:
    spec = dataclasses.replace(CLAIMS, in_memory=kept)
    with monkeypatch.context() as patch:
        if general:  # every PM304 file through DuckDB's line reader
            patch.setattr(pm304, "_fixed_width_fields", lambda raw, **_: None)
        con = duckdb.connect(":memory:")
        prepare(con, [spec])
        reports = load_files(con, [(spec, path, f"claims/{path.name}") for path in files])
        lines = con.execute(f"select {COLUMNS} from raw.claims order by _file, _line").fetchall()
        with TableChecks(con, [spec]) as checks:
            checked = sorted((r.file, r.rows_read, r.rows_deduplicated, r.rows_quarantined) for r in checks.results())
        found = {
            "lines": lines,
            "checked": checked,
            "validated": con.execute(f"select {COLUMNS} from validated.claims order by _file, _line").fetchall(),
            # what Great Expectations judges: each checked column's distinct values, the others' first
            "distinct": {c: v.to_pylist() for c, v in distinct_values(con, spec, _loaded_part(spec)).items()},
            "quarantine": con.execute("select * from raw.quarantine order by all").fetchall(),
            "codes": con.execute("select * from raw.quarantine_codes order by all").fetchall(),
            "reports": sorted((r.path, r.rows_read, r.rows_loaded, r.rows_quarantined, tuple(r.notes)) for r in reports),
        }
        if kept:
            found["rowid"] = con.execute("select rowid from raw.claims order by _file, _line").fetchall()
        memory_tables.release(con)
        return found


@pytest.mark.parametrize("general", [False, True], ids=["numpy", "duckdb-reader"])
def test_kept_lines_are_the_stored_lines(tmp_path, monkeypatch, general):
    files = claim_files(tmp_path)
    stored, kept = loaded(files, False, general, monkeypatch), loaded(files, True, general, monkeypatch)
    assert len(stored["lines"]) > 10000 and stored["quarantine"]  # the sample's lines, and the bad BSNs
    # the duplicate and the impossible date are kept out of validated.claims
    assert sum(n for *_, n in stored["checked"]) >= 1 and sum(d for _, _, d, _ in stored["checked"]) >= 1
    assert len(stored["validated"]) < len(stored["lines"])
    for part in ("lines", "checked", "validated", "distinct", "quarantine", "codes", "reports"):
        assert kept[part] == stored[part], part
    # a kept table numbers its lines itself, each once (the row checks find a line by its number)
    assert sorted(r for (r,) in kept["rowid"]) == list(range(len(kept["lines"])))


def test_a_connection_sees_the_kept_lines_once_registered(tmp_path):
    con = duckdb.connect(str(tmp_path / "run.duckdb"))
    prepare(con, [CLAIMS])
    load_files(con, [(CLAIMS, path, f"claims/{path.name}") for path in sorted((SAMPLE_DIR / "claims").glob("*.asc"))])
    lines = con.execute("select count(*) from raw.claims").fetchall()[0][0]
    assert lines > 0
    other = connect(tmp_path / "run.duckdb")  # registers them, as every connection of the run does
    assert other.execute("select count(*) from raw.claims").fetchall()[0][0] == lines
    assert duckdb.connect(":memory:").execute("select 1").fetchall()  # (another database has none)
    memory_tables.release(con)
    assert con.execute("select count(*) from duckdb_views() where view_name = 'claims'").fetchall()[0][0] == 0


def test_released_lets_go_of_the_lines_and_keeps_the_blocks_own_error():
    con = duckdb.connect()
    prepare(con, [CLAIMS])
    load_files(con, [(CLAIMS, path, f"claims/{path.name}") for path in sorted((SAMPLE_DIR / "claims").glob("*.asc"))])
    (source,), = con.execute(f"select source from {memory_tables.REGISTRY_TABLE}").fetchall()
    with memory_tables.released(con):
        assert memory_tables._table(source) is not None
    assert memory_tables._table(source) is None  # let go
    other = duckdb.connect()
    prepare(other, [CLAIMS])
    with pytest.raises(ValueError, match="the load's own error"), memory_tables.released(other):
        other.close()  # its release fails too: that is logged, the block's error is the one raised
        raise ValueError("the load's own error")


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory, policy):
    """A run as the flow leaves it: the database held open from ingest to the end, then closed."""
    directory = tmp_path_factory.mktemp("kept") / "run"
    directory.mkdir()
    db = directory / pipeline.DATABASE_NAME
    with HeldDatabase(db):
        reports = pipeline.ingest(db, policy, SAMPLE_DIR)
        pipeline.validate(db, policy, reports, run_expectations=False)
        with connect(db) as con:
            validated = con.execute("select count(*) from validated.claims").fetchall()[0][0]
        pipeline.select(db, policy)
        pipeline.export(db, policy, directory)
    return directory, validated


def test_the_database_keeps_the_claims_aggregate_and_no_view_over_the_lines(finished_run):
    directory, validated = finished_run
    with duckdb.connect(str(directory / pipeline.DATABASE_NAME), read_only=True) as con:
        views = con.execute("select schema_name, view_name from duckdb_views() where not internal").fetchall()
        assert not {("raw", "claims"), ("validated", "claims"), ("staged", "claims")} & set(views)
        for schema, view in views:  # every view left in the file can be read
            con.execute(f"select * from {schema}.{view} limit 0").fetchall()
        lines = con.execute("select sum(regels) from intermediate.claim_line_counts").fetchall()[0][0]
    assert validated > 10000 and lines == validated


def test_whatif_needs_no_claim_lines(finished_run, policy):
    """A what-if reruns every model that reads the policy, the claim groups among them (they read the
    prior year): from the claims' aggregate, as the lines are no longer there."""
    directory, _ = finished_run
    changed = whatif(directory, policy, {"bi_threshold": 100})
    assert changed.changes and changed.units > 100
