"""The synthetic bundle generator: deterministic, and the committed sample is its output."""

from __future__ import annotations

from pathlib import Path

import duckdb

from zorginkoop.generate import generate, valid_bsn
from zorginkoop.paths import SAMPLE_DIR


def files(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_committed_sample_is_generate_seed_42(tmp_path):
    generate(42, "sample", tmp_path / "sample")
    assert files(tmp_path / "sample") == files(SAMPLE_DIR), "run `make sample` and `make golden` after changing the generator"


def test_other_seed_gives_other_bundle(tmp_path):
    generate(7, "small", tmp_path / "a")
    generate(7, "small", tmp_path / "b")
    generate(8, "small", tmp_path / "c")
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
