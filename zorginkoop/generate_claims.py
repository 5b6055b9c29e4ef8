"""Prior-year claims at insurer and market scale, generated inside DuckDB.

Millions of claim lines are too many for Python loops: the units that declared (from
the registry generator) go into DuckDB, and every claim line, patient and PM304 record is
made there with hash-based pseudo-random numbers, so a seed gives the same files every
time. Patients come in treatment series (several lines per patient per practice), as in
real declarations, and every BSN passes the 11-proef.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .pm304 import RECORD_LENGTH, layout

TARIEF_CENTS = {"fysiotherapie": 3850, "oefentherapie": 3600, "logopedie": 4200, "ergotherapie": 4000,
                "dietetiek": 3300, "huidtherapie": 3700, "voetzorg": 4500}
LIST = {"fysiotherapie": "073", "oefentherapie": "074", "huidtherapie": "075", "dietetiek": "076",
        "ergotherapie": "077", "logopedie": "078", "voetzorg": "080"}
SERIES = 8  # claim lines per patient per practice, on average


def record_sql(record: str, values: dict[str, str]) -> str:
    """SQL for one 310-position PM304 line: each given field (an SQL text expression, already
    formatted to its width for numbers) at its position, spaces elsewhere."""
    fields = sorted(((start, width, name) for (rec, name), (start, width) in layout().items() if rec == record))
    parts = [f"'{record}'"]
    for start, width, name in fields:
        if name == "Kenmerk record":
            continue
        expr = values.get(name)
        parts.append(f"rpad(coalesce({expr}, ''), {width}, ' ')" if expr else f"repeat(' ', {width})")
    sql = " || ".join(parts)
    return f"({sql})"


def _num(expr: str, width: int) -> str:
    return f"lpad(cast({expr} as varchar), {width}, '0')"


def generate_claims(con: duckdb.DuckDBPyConnection, units: list[tuple], seed: int, total: int, patients: int,
                    claims_dir: Path, pm304_share: float, lines_per_file: int = 1_000_000) -> dict[str, int]:
    """units: (praktijk_agb, discipline, caregivers list, only_credits). Writes Parquet extracts and
    PM304 files into claims_dir; returns lines per file."""
    claims_dir.mkdir(parents=True, exist_ok=True)
    con.execute("create or replace temp table claim_units (unit_id integer, praktijk_agb varchar, discipline varchar, "
                "caregivers varchar[], only_credits boolean)")
    con.executemany("insert into claim_units values (?, ?, ?, ?, ?)", [(i, *u) for i, u in enumerate(units)])
    tariffs = " ".join(f"when '{d}' then {c}" for d, c in TARIEF_CENTS.items())
    lists = " ".join(f"when '{d}' then '{c}'" for d, c in LIST.items())
    # Valid BSNs: 8-digit bases whose 11-proef check digit is a single digit.
    con.execute(f"""
        create or replace temp table patients as
        with bases as (
            select b, cast(b as varchar) as d from range(10000000, 10000000 + {patients * 2}) as t(b)
        ),
        checked as (
            select b, d, (9*d[1]::int + 8*d[2]::int + 7*d[3]::int + 6*d[4]::int + 5*d[5]::int
                          + 4*d[6]::int + 3*d[7]::int + 2*d[8]::int) % 11 as check_digit
            from bases
        )
        select row_number() over (order by b) - 1 as patient_idx, d || check_digit as bsn
        from checked where check_digit < 10
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
            case when h % 10 = 0 then date '2022-01-01' else date '2023-01-01' end
                + cast(hash({seed}, unit_id, i, 'd') % 365 as integer) as datum_prestatie,
            case when h % 100 < 15 then '012' else case discipline {lists} end end as prestatiecodelijst,
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
    con.execute(f"create or replace temp table numbered as select *, row_number() over (order by unit_id, i) - 1 as k from generated_claims")
    con.execute("drop table generated_claims")
    parquet_rows = n - pm304_lines
    files = max(1, -(-parquet_rows // lines_per_file))
    for f in range(files):
        name = f"claims/claims_2023_{f + 1:03d}.parquet"
        target = str(claims_dir.parent / name)
        con.execute(f"""
            copy (select declaratie_id, praktijk_agb, zorgverlener_agb, bsn, datum_prestatie, prestatiecodelijst,
                         prestatiecode, cast(aantal as integer) as aantal,
                         cast(cents as decimal(12, 2)) / 100 as declaratiebedrag, uzovi
                  from numbered where k >= {pm304_lines} and (k - {pm304_lines}) // {lines_per_file} = {f}
                  order by k)
            to '{target}' (format parquet, compression zstd)
        """)
        counts[name] = con.execute(f"select count(*) from numbered where k >= {pm304_lines} "
                                   f"and (k - {pm304_lines}) // {lines_per_file} = {f}").fetchall()[0][0]
    files = -(-pm304_lines // lines_per_file) if pm304_lines else 0
    for f in range(files):
        name = f"claims/pm304_2023_{f + 1:03d}.asc"
        counts[name] = write_pm304_file(con, f"k < {pm304_lines} and k // {lines_per_file} = {f}",
                                        claims_dir.parent / name)
    return counts


def write_pm304_file(con: duckdb.DuckDBPyConnection, where: str, target: Path) -> int:
    """One PM304 file: a message per praktijk and uzovi, per patient a 02 and its 04 records."""
    rec04 = record_sql("04", {
        "Identificatie detailrecord": _num("k", 12), "Burgerservicenummer (bsn) verzekerde": "bsn",
        "Uzovi-nummer": "uzovi", "Datum prestatie": "strftime(datum_prestatie, '%Y%m%d')",
        "Aanduiding prestatiecodelijst": "prestatiecodelijst", "Prestatiecode": "prestatiecode",
        "Aantal uitgevoerde prestaties": _num("aantal", 4), "Zorgverlenerscode behandelaar/uitvoerder": "zorgverlener_agb",
        "Declaratiebedrag (incl. btw)": _num("abs(cents)", 8),
        "Indicatie debet/credit (02)": "case when cents < 0 then 'C' else 'D' end",
        "Referentienummer dit prestatierecord": "declaratie_id"})
    rec02 = record_sql("02", {
        "Identificatie detailrecord": _num("first_k", 12), "Burgerservicenummer (bsn) verzekerde": "bsn",
        "Uzovi-nummer": "uzovi", "Datum geboorte verzekerde": "'19800101'", "Naam verzekerde (01)": "'JANSEN'",
        "Postcode (huisadres) verzekerde": "'1234AB'", "Huisnummer (huisadres) verzekerde": "'00001'"})
    rec01 = record_sql("01", {
        "Code externe-integratiebericht": "'154'", "Versienummer berichtstandaard": "'03'",
        "Subversienummer berichtstandaard": "'02'", "Soort bericht": "'P'", "Uzovi-nummer": "uzovi",
        "Praktijkcode": "praktijk_agb", "Valutacode": "'EUR'"})
    rec99 = record_sql("99", {
        "Aantal verzekerdenrecords": _num("n02", 6), "Aantal debiteurrecords": "'000000'",
        "Aantal prestatierecords": _num("n04", 6), "Aantal commentaarrecords": "'000000'",
        "Totaal aantal detailrecords": _num("n02 + n04", 7), "Totaal declaratiebedrag": _num("abs(total)", 11),
        "Indicatie debet/credit": "case when total < 0 then 'C' else 'D' end"})
    quoted = str(target).replace("'", "''")
    con.execute(f"""
        copy (
            with part as (select * from numbered where {where}),
            messages as (
                select praktijk_agb, uzovi, min(k) as first_k, count(*) as n04, sum(cents) as total,
                    count(distinct bsn) as n02
                from part group by praktijk_agb, uzovi
            ),
            patients as (
                select praktijk_agb, uzovi, bsn, min(k) as first_k from part group by praktijk_agb, uzovi, bsn
            ),
            lines as (
                select m.first_k as msg, 0 as pat, 0 as kind, 0 as seq, {rec01} as line from messages as m
                union all
                select m.first_k, p.first_k, 1, 0, {rec02.replace('first_k', 'p.first_k')}
                from patients as p join messages as m using (praktijk_agb, uzovi)
                union all
                select m.first_k, p.first_k, 2, part.k, {rec04.replace('bsn', 'part.bsn').replace('uzovi', 'part.uzovi')}
                from part join messages as m using (praktijk_agb, uzovi)
                join patients as p on p.praktijk_agb = part.praktijk_agb and p.uzovi = part.uzovi and p.bsn = part.bsn
                union all
                select m.first_k, 9223372036854775807, 9, 0, {rec99} from messages as m
            )
            select line || chr(13) from lines order by msg, pat, kind, seq
        ) to '{quoted}' (format csv, header false, quote '', escape '', delim '\\x01')
    """)
    return con.execute(f"select count(*) from numbered where {where}").fetchall()[0][0]
