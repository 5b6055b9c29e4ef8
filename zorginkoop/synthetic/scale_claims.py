"""Prior-year claims at insurer and market scale, generated inside DuckDB.

Millions of claim lines are too many for Python loops: the units that declared (from the
registry generator) go into DuckDB, and every claim line, patient and PM304 record is made
there with hash-based pseudo-random numbers, so a seed gives the same files every time.
Patients come in treatment series (several lines per patient per practice), as in real
declarations, and every BSN passes the 11-proef.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from zorginkoop.ingest.privacy import register_macros
from zorginkoop.synthetic.pm304 import write_pm304_file
from zorginkoop.synthetic.tariffs import TARIEF_CENTS, generic_prestatiecodelijst, prestatiecodelijst

SERIES = 8  # claim lines per patient per practice, on average
DIRTY_EVERY = 200_000  # one line delivered twice and one with a typo in every so many Parquet lines


def generate_claims(con: duckdb.DuckDBPyConnection, units: list[tuple], seed: int, total: int, patients: int,
                    claims_dir: Path, pm304_share: float, year: int, lines_per_file: int = 1_000_000) -> dict[str, int]:
    """units: (praktijk_agb, discipline, caregivers list, only_credits). Writes Parquet extracts and
    PM304 files of about `total` claim lines, nine in ten in `year` and one in ten in the year
    before, into claims_dir; returns lines per file."""
    claims_dir.mkdir(parents=True, exist_ok=True)
    con.execute("create or replace temp table claim_units (unit_id integer, praktijk_agb varchar, discipline varchar, "
                "caregivers varchar[], only_credits boolean)")
    con.executemany("insert into claim_units values (?, ?, ?, ?, ?)", [(i, *u) for i, u in enumerate(units)])
    tariffs = " ".join(f"when '{d}' then {c}" for d, c in TARIEF_CENTS.items())
    lists = " ".join(f"when '{d}' then '{c}'" for d, c in prestatiecodelijst().items())
    # Valid BSNs: per 8-digit base the one check digit that passes the run's own 11-proef macro (none
    # for some bases). Only elfproef is used; the key of the pseudonym macro that comes with it is a dummy.
    register_macros(con, key=b"synthetic")
    con.execute(f"""
        create or replace temp table patients as
        with candidates as (
            select b, b * 10 + c as n from range(10000000, 10000000 + {patients * 2}) as t(b), range(10) as s(c)
        )
        select row_number() over (order by b) - 1 as patient_idx, cast(n as varchar) as bsn
        from candidates where elfproef_number(n)
        order by b limit {patients}
    """)
    weights = con.execute("select sum(len(caregivers)) from claim_units").fetchall()[0][0]
    con.execute(f"""
        create or replace temp table generated_claims as
        with per_unit as (
            select *, greatest(1, cast(round({total} * len(caregivers) / {weights}) as bigint)) as n
            from claim_units
        ),
        lines as (
            select per_unit.*, i, hash({seed}, unit_id, i) as h
            from per_unit, range(0, 100000000) as r(i)
            where i < n
        )
        select
            'G' || lpad(cast(row_number() over (order by unit_id, i) as varchar), 11, '0') as declaratie_id,
            praktijk_agb,
            caregivers[1 + cast(hash({seed}, unit_id, i // {SERIES}, 'zv') % len(caregivers) as integer)] as zorgverlener_agb,
            patients.bsn,
            case when h % 10 = 0 then date '{year - 1}-01-01' else date '{year}-01-01' end
                + cast(hash({seed}, unit_id, i, 'd') % 365 as integer) as datum_prestatie,
            case when h % 100 < 15 then '{generic_prestatiecodelijst()}' else case discipline {lists} end end as prestatiecodelijst,
            cast(1000 + hash({seed}, unit_id, i, 'c') % 3 as varchar) as prestatiecode,
            case when h % 10 = 1 then 2 else 1 end as aantal,
            (case discipline {tariffs} end) * (case when h % 10 = 1 then 2 else 1 end)
                * (case when only_credits or h % 50 = 7 then -1 else 1 end) as cents,
            ['3311', '3313', '3335'][1 + cast(hash({seed}, unit_id, 'u') % 3 as integer)] as uzovi,
            unit_id, i
        from lines
        join patients on patients.patient_idx = hash({seed}, unit_id, i // {SERIES}) % {patients}
    """)
    counts: dict[str, int] = {}
    n = con.execute("select count(*) from generated_claims").fetchall()[0][0]
    pm304_lines = int(n * pm304_share)
    con.execute("create or replace temp table numbered as select *, row_number() over (order by unit_id, i) - 1 as k from generated_claims")
    con.execute("drop table generated_claims")
    parquet_rows = n - pm304_lines
    files = max(1, -(-parquet_rows // lines_per_file))
    for f in range(files):
        name = f"claims/claims_{year}_{f + 1:03d}.parquet"
        target = str(claims_dir.parent / name)
        # As in real extracts, a few lines come twice (delivered again) and a few have a typo in the
        # prestatiecode: one of each in every DIRTY_EVERY lines, so the run's quarantine and
        # deduplication are part of what `make bench` measures.
        counts[name] = con.execute(f"""
            copy (
                with lines as (
                    select *, (k - {pm304_lines}) % {DIRTY_EVERY} as j
                    from numbered where k >= {pm304_lines} and (k - {pm304_lines}) // {lines_per_file} = {f}
                ),
                delivered as (
                    select *, 0 as copy from lines
                    union all
                    select *, 1 as copy from lines where j = {DIRTY_EVERY // 2}
                )
                select declaratie_id, praktijk_agb, zorgverlener_agb, bsn, datum_prestatie, prestatiecodelijst,
                       case when j = {DIRTY_EVERY * 3 // 4} then prestatiecode || 'x' else prestatiecode end as prestatiecode,
                       cast(aantal as integer) as aantal,
                       cast(cents as decimal(12, 2)) / 100 as declaratiebedrag, uzovi
                from delivered
                order by k, copy)
            to '{target}' (format parquet, compression zstd)
        """).fetchall()[0][0]
    files = -(-pm304_lines // lines_per_file) if pm304_lines else 0
    for f in range(files):
        name = f"claims/pm304_{year}_{f + 1:03d}.asc"
        counts[name] = write_pm304_file(con, f"k < {pm304_lines} and k // {lines_per_file} = {f}",
                                        claims_dir.parent / name)
    return counts

