"""The synthetic bundle generators: deterministic, driven by the policy file, and the committed samples are their output."""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
from pathlib import Path

import duckdb
import yaml

from zorginkoop.paths import PROJECT_ROOT, SAMPLE_DIR
from zorginkoop.engine.policy import load_policy, resolve_policy_path
from zorginkoop.ingest.privacy import elfproef, register_macros
from zorginkoop.synthetic import ggz
from zorginkoop.synthetic.paramedie import generate
from zorginkoop.synthetic.people import valid_bsn


def files(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_committed_sample_is_generate_seed_42(tmp_path, policy):
    generate(policy, 42, "sample", tmp_path / "sample")
    assert files(tmp_path / "sample") == files(SAMPLE_DIR), "run `make sample` and `make golden` after changing the generator"


def test_other_seed_gives_other_bundle(tmp_path, policy):
    generate(policy, 7, "small", tmp_path / "a")
    generate(policy, 7, "small", tmp_path / "b")
    generate(policy, 8, "small", tmp_path / "c")
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")


def test_sample_is_realistic():
    con = duckdb.connect()
    bi = con.execute(f"select median(nullif(bi, '')::double), max(nullif(bi, '')::double), count(*) filter (where nullif(bi, '')::double >= 150), count(*) filter (where bi = '') "
                     f"from read_csv('{SAMPLE_DIR}/behandelindex/behandelindex.csv', all_varchar=true, nullstr='NULL') where jaar = '2022'").fetchall()[0]
    assert 85 < bi[0] < 115 and bi[1] > 150 and bi[2] >= 3 and bi[3] >= 3
    kinds = dict(con.execute(f"select organisatievorm, count(*) from '{SAMPLE_DIR}/agb/ondernemingen.csv' group by 1").fetchall())
    assert kinds["instelling"] >= 2 and kinds["praktijk"] >= 150
    ended = con.execute(f"select count(*) from '{SAMPLE_DIR}/agb/ondernemingen.csv' where einde is not null").fetchall()[0][0]
    assert ended >= 3
    late = con.execute(f"select count(*) from '{SAMPLE_DIR}/applications/applications.csv' where aanvraagdatum >= date '2023-10-01'").fetchall()[0][0]
    assert late >= 2
    assert sum(p.stat().st_size for p in SAMPLE_DIR.rglob("*") if p.is_file()) < 5 * 1024 * 1024


def test_generated_bsns_pass_the_11_proef():
    import random
    rng = random.Random(1)
    for _ in range(200):
        bsn = valid_bsn(rng)
        assert len(bsn) == 9
        assert sum(int(d) * w for d, w in zip(bsn, [9, 8, 7, 6, 5, 4, 3, 2, -1])) % 11 == 0


def test_committed_ggz_sample_is_generate_seed_42(tmp_path, ggz_policy):
    ggz.generate(ggz_policy, 42, "sample", tmp_path / "sample")
    assert files(tmp_path / "sample") == files(PROJECT_ROOT / "data" / "sample-ggz"), "run `make sample` and `make golden`"


def test_python_elfproef_is_the_sql_macro():
    """One 11-proef: the Python function (generators, tests) answers as the macro the ingest runs."""
    rng = random.Random(3)
    values = ["111222333", "123456782", "123456789", "000000000", "12345678a", "", "11122233", "1112223330",
              " 11222333", "١١١٢٢٢٣٣٣", "999999990"] + [f"{rng.randint(0, 999_999_999):09d}" for _ in range(2000)]
    con = duckdb.connect()
    register_macros(con, key=b"test")
    sql = [ok for (ok,) in con.execute("select elfproef(v) from unnest(?) with ordinality as t(v, i) order by i", [values]).fetchall()]
    assert [elfproef(v) for v in values] == sql
    assert elfproef("111222333") and elfproef("123456782") and not elfproef("123456789")
    assert 100 < sum(sql) < 300  # about one in eleven passes


def _later_policy(tmp_path, name: str, years: int):
    """The bundled policy file with every date and year moved `years` later: what a later year's file looks like."""
    def shift(value, key=None):
        if isinstance(value, dict):
            return {k: shift(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [shift(v) for v in value]
        if isinstance(value, dt.date):
            return value.replace(year=value.year + years)
        if isinstance(key, str) and key.endswith("_year"):
            return value + years
        return value

    data = shift(yaml.safe_load(resolve_policy_path(name).read_text()))
    path = tmp_path / f"{name}-plus-{years}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return load_policy(str(path))


def _later_name(name: str, years: int) -> str:
    return re.sub(r"_(\d{4})_", lambda m: f"_{int(m[1]) + years}_", name)


def _csv_rows(path: Path, years: int = 0) -> list[list[str]]:
    """A CSV's rows, with every ISO date and `jaar` value `years` later."""
    with path.open(newline="", encoding="utf-8") as fh:
        header, *rows = list(csv.reader(fh))
    later = lambda column, v: (str(int(v) + years) if column == "jaar" and v else  # noqa: E731
                               re.sub(r"^(\d{4})(-\d\d-\d\d)$", lambda m: f"{int(m[1]) + years}{m[2]}", v))
    return [header] + [[later(c, v) for c, v in zip(header, row)] for row in rows]


def test_a_later_policy_gives_the_same_bundle_that_many_years_later(tmp_path, policy, ggz_policy):
    """No year is written into the generators: a policy file four years later (the same leap years, so
    the same day offsets) gives the same CSV files with every date four years later, claims included."""
    for this_year, module in ((policy, generate), (ggz_policy, ggz.generate)):
        later = _later_policy(tmp_path, this_year.name, 4)
        a, b = tmp_path / this_year.name / "a", tmp_path / this_year.name / "b"
        counts = module(this_year, 42, "small", a)
        assert {_later_name(name, 4): rows for name, rows in counts.items()} == module(later, 42, "small", b)
        for path in sorted(a.rglob("*.csv")):
            assert _csv_rows(path, 4) == _csv_rows(b / _later_name(str(path.relative_to(a)), 4)), path.name
