"""Vektis EI PM304 v3.2 writers: the declaration files a paramedical practice sends.

Two writers of the same records: one in Python (render_record, render_message) for the sample
bundle and for tests that build a file line by line, one in SQL (record_sql, write_pm304_file) for
millions of lines at insurer and market scale. Both put every field at the position of the one
layout file the parser reads too (seeds/paramedie/pm304_layout.csv, `zorginkoop.ingest.pm304.layout`).
"""

from __future__ import annotations

import random
from pathlib import Path

import duckdb

from zorginkoop.ingest.pm304 import RECORD_LENGTH, layout
from zorginkoop.synthetic.people import SURNAMES
from zorginkoop.sqltext import literal


def render_record(record: str, values: dict[str, str]) -> str:
    """One 310-position line: each value put at its field's position (values already formatted:
    numbers zero-padded to the field width, text left-aligned). Used by the generator and tests."""
    line = [" "] * RECORD_LENGTH
    line[0:2] = record
    for name, value in values.items():
        start, width = layout()[(record, name)]
        text = str(value)
        if len(text) > width:
            raise ValueError(f"PM304 {record} {name}: {text!r} is longer than {width}")
        line[start - 1:start - 1 + width] = text.ljust(width)
    return "".join(line)


def render_message(praktijk_agb: str, uzovi: str, prestaties: list[dict], patients: dict[str, dict] | None = None) -> list[str]:
    """A whole message (01, per patient a 02 and its 04 records, 99) for the given prestaties.

    Each prestatie has: bsn, zorgverlener_agb, datum (YYYYMMDD), lijst, code, aantal, cents (signed), ref."""
    patients = patients or {}
    lines = [render_record("01", {"Code externe-integratiebericht": "154", "Versienummer berichtstandaard": "03",
                                  "Subversienummer berichtstandaard": "02", "Soort bericht": "P",
                                  "Uzovi-nummer": uzovi, "Praktijkcode": praktijk_agb, "Valutacode": "EUR"})]
    by_patient: dict[str, list[dict]] = {}
    for p in prestaties:
        by_patient.setdefault(p["bsn"], []).append(p)
    total, detail, n02, n04 = 0, 0, 0, 0
    for bsn, items in by_patient.items():
        person = patients.get(bsn, {})
        n02 += 1
        lines.append(render_record("02", {"Identificatie detailrecord": f"{len(lines):012d}", "Burgerservicenummer (bsn) verzekerde": bsn,
                                          "Uzovi-nummer": uzovi, "Datum geboorte verzekerde": person.get("geboortedatum", "19800101"),
                                          "Naam verzekerde (01)": person.get("naam", ""), "Postcode (huisadres) verzekerde": person.get("postcode", ""),
                                          "Huisnummer (huisadres) verzekerde": person.get("huisnummer", "00001")}))
        for p in items:
            n04 += 1
            cents = p["cents"]
            total += cents
            lines.append(render_record("04", {
                "Identificatie detailrecord": f"{len(lines):012d}", "Burgerservicenummer (bsn) verzekerde": bsn,
                "Uzovi-nummer": uzovi, "Datum prestatie": p["datum"], "Aanduiding prestatiecodelijst": p["lijst"],
                "Prestatiecode": p["code"], "Aantal uitgevoerde prestaties": f"{p['aantal']:04d}",
                "Zorgverlenerscode behandelaar/uitvoerder": p["zorgverlener_agb"],
                "Declaratiebedrag (incl. btw)": f"{abs(cents):08d}", "Indicatie debet/credit (02)": "C" if cents < 0 else "D",
                "Referentienummer dit prestatierecord": p["ref"]}))
    detail = n02 + n04
    lines.append(render_record("99", {"Aantal verzekerdenrecords": f"{n02:06d}", "Aantal debiteurrecords": "000000",
                                      "Aantal prestatierecords": f"{n04:06d}", "Aantal commentaarrecords": "000000",
                                      "Totaal aantal detailrecords": f"{detail:07d}", "Totaal declaratiebedrag": f"{abs(total):011d}",
                                      "Indicatie debet/credit": "C" if total < 0 else "D"}))
    return lines


def write_pm304_files(claims_dir: Path, claims: list[dict], rng: random.Random, year: int,
                      practices_per_file: int = 40) -> dict[str, int]:
    """PM304 files of the claims of `year`: one message per practice and uzovi, CRLF line ends as
    Vektis files have. Returns prestatierecords per file."""
    messages: dict[tuple[str, str], list[dict]] = {}
    for c in claims:
        cents = int(round(float(c["declaratiebedrag"]) * 100))
        messages.setdefault((c["praktijk_agb"], c["uzovi"]), []).append({
            "bsn": c["bsn"], "zorgverlener_agb": c["zorgverlener_agb"], "datum": c["datum_prestatie"].strftime("%Y%m%d"),
            "lijst": c["prestatiecodelijst"], "code": c["prestatiecode"], "aantal": c["aantal"], "cents": cents,
            "ref": c["declaratie_id"]})
    # Insured people from 8 to 83 years old in the claims' year, with a name and an address the run must never store.
    patients = {c["bsn"]: {"naam": rng.choice(SURNAMES).upper(),
                           "geboortedatum": f"{rng.randint(year - 83, year - 8)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}",
                           "postcode": f"{rng.randint(1000, 9999)}AB", "huisnummer": f"{rng.randint(1, 300):05d}"} for c in claims}
    keys = sorted(messages)
    counts = {}
    for n, start in enumerate(range(0, len(keys), practices_per_file), 1):
        lines = []
        for key in keys[start:start + practices_per_file]:
            lines += render_message(key[0], key[1], messages[key], patients)
        name = f"claims/pm304_{year}_{n:03d}.asc"
        (claims_dir.parent / name).write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
        counts[name] = sum(len(messages[k]) for k in keys[start:start + practices_per_file])
    return counts


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


def write_pm304_file(con: duckdb.DuckDBPyConnection, where: str, target: Path) -> int:
    """One PM304 file from the claim lines of table `numbered` that match `where`: a message per
    praktijk and uzovi, per patient a 02 and its 04 records. Returns the number of claim lines."""
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
    quoted = literal(target)
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
        ) to {quoted} (format csv, header false, quote '', escape '', delim '\\x01')
    """)
    return con.execute(f"select count(*) from numbered where {where}").fetchall()[0][0]
