"""The large-scale code paths on small data: DuckDB-made claims, PM304 files written in SQL,
Great Expectations on distinct values, and the benchmark's own scripts (no timing here:
speed and memory targets live in `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

import zorginkoop.synthetic.paramedie as generate_module
from zorginkoop.engine import pipeline
from zorginkoop.ingest.claims import load_claims
from zorginkoop.domains import get_domain
from zorginkoop.paths import PROJECT_ROOT, SAMPLE_DIR
from zorginkoop.engine.database import connect


@pytest.fixture(scope="module")
def tiny_large_bundle(tmp_path_factory, policy):
    """The insurer-scale generator with 120 practices and 30,000 claim lines."""
    out = tmp_path_factory.mktemp("tiny") / "bundle"
    generate_module.SCALES["tiny"] = 120
    generate_module.LARGE_SCALES["tiny"] = (30_000, 3_000)
    try:
        counts = generate_module.generate(policy, 5, "tiny", out)
    finally:
        del generate_module.SCALES["tiny"], generate_module.LARGE_SCALES["tiny"]
    return out, counts


def test_large_scale_claims_are_half_pm304_half_parquet(tiny_large_bundle):
    out, counts = tiny_large_bundle
    pm304 = sum(n for name, n in counts.items() if name.endswith(".asc"))
    parquet = sum(n for name, n in counts.items() if name.endswith(".parquet"))
    assert abs(pm304 - parquet) <= 1 and 25_000 < pm304 + parquet < 35_000


def test_sql_written_pm304_files_reconcile_and_load(tiny_large_bundle, tmp_path):
    out, counts = tiny_large_bundle
    reports, written = load_claims([out / "claims"], tmp_path / "claims", get_domain("paramedie"))
    assert written["quarantine.parquet"] == 0
    assert written["claims.parquet"] == sum(counts[n] for n in counts if n.startswith("claims/"))
    con = duckdb.connect()
    assert con.execute(f"select bool_and(ok), count(*) > 10 from '{tmp_path}/claims/reconciliation.parquet'").fetchall() == [(True, True)]
    series = con.execute(f"select count(*) / count(distinct patient_pseudonym) from '{tmp_path}/claims/claims.parquet'").fetchall()[0][0]
    assert series > 3, "patients come in treatment series"


def test_generation_is_deterministic(tiny_large_bundle, tmp_path, policy):
    out, _ = tiny_large_bundle
    generate_module.SCALES["tiny"] = 120
    generate_module.LARGE_SCALES["tiny"] = (30_000, 3_000)
    try:
        generate_module.generate(policy, 5, "tiny", tmp_path / "again")
    finally:
        del generate_module.SCALES["tiny"], generate_module.LARGE_SCALES["tiny"]
    for path in sorted(out.rglob("*.asc")):
        assert path.read_bytes() == (tmp_path / "again" / path.relative_to(out)).read_bytes(), path.name


def test_large_tables_are_validated_as_distinct_values(tmp_path, policy, monkeypatch):
    monkeypatch.setenv("ZORGINKOOP_GE_MAX_ROWS", "1000")
    db = tmp_path / "run.duckdb"
    reports = pipeline.ingest(db, policy, SAMPLE_DIR)
    _, suites = pipeline.validate(db, policy, reports)
    by_table = {s.table: s for s in suites}
    assert by_table["claims"].batch == "distinct values" and by_table["claims"].rows > 1000 and by_table["claims"].success
    assert by_table["ondernemingen"].batch == "rows"


def test_distinct_values_frame_holds_every_checked_value(tmp_path, policy):
    from zorginkoop.ingest.bundle import input_files
    from zorginkoop.validation.validate import _loaded_part, distinct_values, distinct_values_frame

    db = tmp_path / "run.duckdb"
    pipeline.validate(db, policy, pipeline.ingest(db, policy, SAMPLE_DIR), run_expectations=False)
    spec = next(s for s in input_files(policy.domain) if s.table == "claims")
    with connect(db) as con:  # registers the claim lines kept in memory
        frame = distinct_values_frame(distinct_values(con, spec, _loaded_part(spec)))
        for column in ("praktijk_agb", "datum_prestatie", "declaratiebedrag"):
            expected = {r[0] for r in con.execute(f"select distinct {column} from validated.claims").fetchall()}
            assert set(frame[column]) == expected, column


def test_distinct_values_in_one_scan_as_each_column_sorted_alone():
    """The checked columns' distinct values (sorted, a null first) and the other columns' first
    value in that order (a null when there is one, else the least), of the validated rows only,
    and nothing at all of a table without rows."""
    from types import SimpleNamespace

    from zorginkoop.validation.validate import distinct_values

    con = duckdb.connect()
    con.execute("create schema validated")
    con.execute("create table validated.t as select * from (values ('b', 'z', null), ('a', 'y', 'q'), (null, 'x', 'p'), "
                "('b', 'x', 'p')) as v(code, naam, plaats)")
    con.execute("create table validated.empty as select * from validated.t where false")
    suite = {"expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "code"}}]}
    for listed_or_own_scan in ((), ("code",)):  # a column of distinct values (an id) gets a scan of its own
        spec = SimpleNamespace(table="t", loaded_columns=("code", "naam", "plaats"), distinct_columns=listed_or_own_scan,
                               in_memory=False)
        values = {c: v.to_pylist() for c, v in distinct_values(con, spec, suite).items()}
        assert values == {"code": [None, "a", "b"], "naam": ["x"], "plaats": [None]}
        empty = distinct_values(con, SimpleNamespace(table="empty", loaded_columns=spec.loaded_columns, in_memory=False,
                                                     distinct_columns=listed_or_own_scan), suite)
        assert {c: len(v) for c, v in empty.items()} == {"code": 0, "naam": 0, "plaats": 0}


def test_bench_floor_and_pandas_baseline_run_on_the_sample(tmp_path):
    for script, out in (("floor.py", "floor.json"), ("baseline_pandas.py", "pandas.json")):
        subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / script), str(SAMPLE_DIR), str(tmp_path / out)], check=True)
    floor = json.loads((tmp_path / "floor.json").read_text())
    lines = sum(1 for p in SAMPLE_DIR.rglob("*.csv") for _ in p.open()) + sum(
        1 for p in SAMPLE_DIR.rglob("*.asc") for _ in p.open(newline=""))
    parquet_rows = sum(duckdb.connect().execute(f"select count(*) from '{p}'").fetchall()[0][0] for p in SAMPLE_DIR.rglob("*.parquet"))
    assert floor["rows"] == lines + parquet_rows
    pandas = json.loads((tmp_path / "pandas.json").read_text())
    assert pandas["outcomes"]["PROACTIEF_AANBOD"] > 100


def test_bench_per_file_experiment_keeps_the_same_aggregate_on_the_sample():
    """bench/per_file_experiment.py compares like with like: both arms keep the same claim aggregate."""
    done = subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "per_file_experiment.py"), str(SAMPLE_DIR / "claims")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line.split()[0] for line in done.stdout.splitlines()] == ["stored", "per", "aggregate:"]
    assert "the same in both arms" in done.stdout


def test_bench_kept_lines_experiment_holds_the_same_lines_on_the_sample():
    """bench/kept_lines_experiment.py compares like with like: the claim lines kept in memory are the
    lines the stored way holds (count and a hash of every column), with the same duplicates, distinct
    values and aggregate."""
    done = subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "kept_lines_experiment.py"), str(SAMPLE_DIR / "claims")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line.split(":")[0] for line in done.stdout.splitlines()] == ["stored", "kept", "duplicates, distinct values, aggregate and lines"]
    assert "the same in both arms" in done.stdout


def test_bench_claims_yardstick_and_profile_run_on_the_sample(tmp_path):
    """The read_fwf yardstick reads every line of a PM304 file; the profile times every step of every stage
    (seconds and CPU seconds) on the database file, and in memory."""
    pm304 = sorted(SAMPLE_DIR.glob("claims/*.asc"))[0]
    subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "pandas_fwf.py"), str(pm304), str(tmp_path / "fwf.json")], check=True)
    assert json.loads((tmp_path / "fwf.json").read_text())["rows"] == sum(1 for _ in pm304.open(newline=""))
    profile = tmp_path / "profile.md"
    subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "profile.py"), str(SAMPLE_DIR), "paramedie-2024", str(profile)],
                   check=True, stdout=subprocess.DEVNULL)
    text = profile.read_text()
    rows = {tuple(cell.strip() for cell in line.split("|")[1:3]): line.split("|")[3:6]  # seconds, CPU, in memory
            for line in text.splitlines() if line.startswith("| ") and not line.startswith("| stage")}
    for step in (("ingest", "claims/" + pm304.name), ("validate", "row checks claims"), ("select", "decisions.unit_outcomes"),
                 ("export", "exports.decisions")):  # timed on the database file and in memory
        assert all(float(s) >= 0 for s in rows[step]), step
    # Great Expectations reads DataFrames, the same either way: timed on the file only; the file's
    # one checkpoint has nothing to write in memory
    checkpoint = next(key for key in rows if key[0] == "checkpoint")
    for step in (("validate", "Great Expectations claims"), checkpoint):
        assert float(rows[step][0].strip(" *")) >= 0 and float(rows[step][1].strip(" *")) >= 0
        assert rows[step][2].strip() == "", step


def test_distinct_values_categorical_keeps_a_null_and_pads_with_the_first_value():
    import pandas as pd
    import pyarrow as pa

    from zorginkoop.validation.validate import _categorical

    with_null = _categorical(pa.array([None, "2023-01-02", "2023-13-01"]), 5)
    assert list(with_null.isna()) == [True, False, False, True, True]
    assert list(with_null[1:3]) == ["2023-01-02", "2023-13-01"]
    assert len(with_null.categories) == 4  # the two values and the two unused ones
    without_null = _categorical(pa.array(["a", "b"]), 4)
    assert list(without_null) == ["a", "b", "a", "a"]
    assert without_null.categories.dtype == pd.Index(["a"]).dtype  # text as pandas types it
    assert len(_categorical(pa.array([], pa.string()), 0)) == 0


def test_generated_extracts_hold_duplicate_and_mistyped_lines_that_the_load_keeps_out(tmp_path, policy, monkeypatch):
    """As real extracts do, a generated Parquet extract has one line delivered twice and one with a
    typo in its prestatiecode in every DIRTY_EVERY lines; `claims load` drops the one and
    quarantines the other."""
    import zorginkoop.synthetic.scale_claims as scale_claims

    monkeypatch.setattr(scale_claims, "DIRTY_EVERY", 1000)
    monkeypatch.setitem(generate_module.SCALES, "tiny", 120)
    monkeypatch.setitem(generate_module.LARGE_SCALES, "tiny", (30_000, 3_000))
    generate_module.generate(policy, 5, "tiny", tmp_path / "bundle")
    extracts = f"'{tmp_path}/bundle/claims/*.parquet'"
    con = duckdb.connect()
    mistyped = con.execute(f"select count(*) from {extracts} where prestatiecode like '%x'").fetchall()[0][0]
    twice = con.execute(f"select count(*) from (select * from {extracts} group by all having count(*) = 2)").fetchall()[0][0]
    assert mistyped > 5 and twice > 5
    reports, _ = load_claims([tmp_path / "bundle" / "claims"], tmp_path / "claims", get_domain("paramedie"))
    parquet = [r for r in reports if r.path.endswith(".parquet")]
    assert sum(r.rows_deduplicated for r in parquet) == twice
    assert sum(r.rows_quarantined for r in parquet) == mistyped
    assert all(r.rows_read == r.rows_loaded + r.rows_deduplicated + r.rows_quarantined for r in reports)
