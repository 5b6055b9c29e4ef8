"""Vektis EI PM304 v3.2 (paramedical declarations), parsed inside DuckDB.

Each line is read as one column and sliced by the positions of the published record
layout (seeds/paramedie/pm304_layout.csv), never in a Python loop over lines. A file
holds one or more messages (01 voorlooprecord ... 99 sluitrecord). A message is loaded
only when every line is 310 positions of a known record type and its sluitrecord's
counts and signed total match what was read; otherwise all its lines go to quarantine.
Prestatierecords (04) of an accepted message with a BSN that fails the 11-proef are
quarantined one by one. BSN, names, addresses and birth dates are never stored. The writers of these
files (synthetic bundles, tests) are in zorginkoop.synthetic.pm304, at the same positions.

Speed without giving up privacy or line numbers (one statement per file, see load_pm304):
- Line and message numbers come from one streaming window over the file (row_number, and the
  running count of 01 lines), the same numbering as before: the file's own line order.
- The 11-proef and the HMAC run once per distinct BSN (patients recur: ~8.5 lines each), in
  the build side of a hash join inside that same statement; each line gets its pseudonym by
  the join. The BSN exists only in that query's hash table (a few MB, far below any spill
  threshold) and in the streaming operators; no table, temp or persistent, ever holds a BSN,
  and the raw line (names, addresses, birth dates in the 02 records) never reaches a table.
- Fields near the end of a 04 line are cut from two short segments, since substr walks the
  line from its start.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from zorginkoop.paths import SEEDS_DIR

RECORD_LENGTH = 310
RECORD_TYPES = ("01", "02", "04", "98", "99")
EXTENSIONS = ("txt", "dat", "asc")


@cache
def layout() -> dict[tuple[str, str], tuple[int, int]]:
    with (SEEDS_DIR / "paramedie" / "pm304_layout.csv").open(encoding="utf-8") as fh:
        return {(r["record"], r["field"]): (int(r["start"]), int(r["width"])) for r in csv.DictReader(fh)}


def field(record: str, name: str, column: str = "line") -> str:
    start, width = layout()[(record, name)]
    return f"substr({column}, {start}, {width})"


@dataclass
class Pm304Result:
    lines: int
    loaded: int
    quarantined: int
    messages: int
    messages_rejected: int


def _lines_sql(path: Path, encoding: str = "utf-8") -> str:
    quoted = str(path).replace("'", "''")
    return (f"read_csv('{quoted}', columns={{'line': 'VARCHAR'}}, header=false, delim='\\x01', quote='', "
            f"escape='', auto_detect=false, strict_mode=false, encoding='{encoding}')")


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""create table if not exists raw.pm304_reconciliation (
        file varchar, message integer, first_line bigint, last_line bigint, praktijk_agb varchar,
        verzekerdenrecords_read bigint, verzekerdenrecords_declared bigint,
        prestatierecords_read bigint, prestatierecords_declared bigint,
        commentaarrecords_read bigint, commentaarrecords_declared bigint,
        detailrecords_read bigint, detailrecords_declared bigint,
        totaal_read decimal(18, 2), totaal_declared decimal(18, 2), ok boolean, reason varchar)""")


# Fields of a 04 line read from a few segments: substr counts characters, so each call walks the
# line from its start; a field cut from its segment's short copy walks only that segment. Same values:
# substr(substr(s, a, n), b, w) = substr(s, a + b - 1, w) when b + w - 1 <= n.
SEGMENTS_04 = {
    "_s04_date": ("Datum prestatie", "Aanduiding prestatiecodelijst", "Prestatiecode", "Aantal uitgevoerde prestaties"),
    "_s04_amount": ("Declaratiebedrag (incl. btw)", "Indicatie debet/credit (02)", "Referentienummer dit prestatierecord"),
}


def _segment(names: tuple[str, ...]) -> tuple[int, int]:
    spans = [layout()[("04", name)] for name in names]
    start = min(s for s, _ in spans)
    return start, max(s + w for s, w in spans) - start


def _field04(name: str) -> str:
    for alias, names in SEGMENTS_04.items():
        if name in names:
            start, width = layout()[("04", name)]
            return f"substr({alias}, {start - _segment(names)[0] + 1}, {width})"
    return field("04", name)


def _lines_statement(source: str) -> str:
    """The numbered, sliced and pseudonymized lines of one file, as one statement (see load_pm304)."""
    f04 = _field04
    amount, sign = f04("Declaratiebedrag (incl. btw)"), f04("Indicatie debet/credit (02)")
    bsn, datum = field("04", "Burgerservicenummer (bsn) verzekerde"), f04("Datum prestatie")
    segments = ",\n".join(f"                case when record = '04' then substr(line, {start}, {width}) end as {alias}"
                          for alias, (start, width) in ((a, _segment(n)) for a, n in SEGMENTS_04.items()))
    s99 = lambda name: f"case when record = '99' then try_cast({field('99', name)} as bigint) end"  # noqa: E731
    return f"""
        create or replace temp table pm304_lines as
        with numbered as (
            -- Streaming window, in file order: the line number and the message number (the number of
            -- 01 lines up to and including this one; 0 before the first 01).
            select row_number() over () as line_no,
                count(*) filter (where substr(line, 1, 2) = '01')
                    over (rows between unbounded preceding and current row) as message,
                coalesce(line, '') as line, substr(line, 1, 2) as record
            from {source}
        ),

        pseudonyms as (
            -- One row per distinct BSN of the file's 04 lines: the 11-proef and the HMAC once per
            -- patient. Only this join's build side ever holds a BSN; it is never stored.
            select bsn, elfproef(bsn) as bsn_ok, case when elfproef(bsn) then pseudonym(bsn) end as patient_pseudonym
            from (select distinct {field('04', 'Burgerservicenummer (bsn) verzekerde', "coalesce(line, '')")} as bsn
                  from {source} where substr(line, 1, 2) = '04')
        ),

        typed as (
            -- The numbered stream, still with its line (which no table receives), gets its pseudonym.
            select numbered.*,
                length(line) as line_length,
                case when record = '01' then {field('01', 'Praktijkcode')} end as praktijk_agb,
                {s99('Aantal verzekerdenrecords')} as verzekerdenrecords_declared,
                {s99('Aantal prestatierecords')} as prestatierecords_declared,
                {s99('Aantal commentaarrecords')} as commentaarrecords_declared,
                {s99('Totaal aantal detailrecords')} as detailrecords_declared,
                case when record = '99' then try_cast({field('99', 'Totaal declaratiebedrag')} as bigint)
                    * case {field('99', 'Indicatie debet/credit')} when 'C' then -1 else 1 end end as totaal_cents_declared,
                case when record = '04' then coalesce(pseudonyms.bsn_ok, false) end as bsn_ok,
                pseudonyms.patient_pseudonym,
{segments}
            from numbered left join pseudonyms on record = '04' and {bsn} = pseudonyms.bsn
        )

        select
            line_no,
            record,
            case
                when line_length <> {RECORD_LENGTH} then format('regel heeft {{}} posities; PM304 v3.2 vraagt er {RECORD_LENGTH}', line_length)
                when record not in {RECORD_TYPES} then format('onbekend recordtype {{}}', record)
                when record = '04' and not regexp_full_match({amount}, '[0-9]{{8}}')
                    then format('declaratiebedrag {{}} is niet numeriek', {amount})
                when record = '04' and {sign} not in ('D', 'C')
                    then format('indicatie debet/credit {{}} is geen D of C', {sign})
            end as problem,
            praktijk_agb,
            bsn_ok,
            patient_pseudonym,
            case when record = '04' then trim({f04('Referentienummer dit prestatierecord')}) end as declaratie_id,
            case when record = '04' then {f04('Zorgverlenerscode behandelaar/uitvoerder')} end as zorgverlener_agb,
            case when record = '04' then substr({datum}, 1, 4) || '-' || substr({datum}, 5, 2) || '-' || substr({datum}, 7, 2) end as datum_prestatie,
            case when record = '04' then {f04('Aanduiding prestatiecodelijst')} end as prestatiecodelijst,
            case when record = '04' then trim({f04('Prestatiecode')}) end as prestatiecode,
            case when record = '04' then cast(try_cast({f04('Aantal uitgevoerde prestaties')} as integer) as varchar) end as aantal,
            case when record = '04' then try_cast({amount} as bigint) * case {sign} when 'C' then -1 else 1 end end as cents,
            case when record = '04' then {f04('Uzovi-nummer')} end as uzovi,
            verzekerdenrecords_declared,
            prestatierecords_declared,
            commentaarrecords_declared,
            detailrecords_declared,
            totaal_cents_declared,
            message
        from typed
    """


def load_pm304(con: duckdb.DuckDBPyConnection, path: Path, rel: str) -> Pm304Result:
    """Parse one PM304 file into raw.claims, raw.quarantine and raw.pm304_reconciliation.

    One statement numbers and slices every line into the fields the run needs and replaces the
    BSN by its pseudonym (computed once per distinct BSN); the line itself, and with it every
    name, address and birth date of the insured, is never stored (not even in DuckDB's spill
    files). pm304_lines is not kept in line order: every use orders by line_no or aggregates
    order-independently (the first value in line order, as arg_min over line_no).
    """
    create_tables(con)
    # Vektis files are ASCII or ISO-8859-1: read as UTF-8 (fast; ASCII is valid UTF-8) and only when
    # that fails as ISO-8859-1, which DuckDB decodes several times slower.
    try:
        con.execute(_lines_statement(_lines_sql(path, "utf-8")))
    except duckdb.Error:
        con.execute(_lines_statement(_lines_sql(path, "latin-1")))
    con.execute("""
        create or replace temp table pm304_messages as
        with per_message as (
            select
                message,
                min(line_no) as first_line,
                max(line_no) as last_line,
                count(*) filter (where record = '01') as voorlooprecords,
                count(*) filter (where record = '99') as sluitrecords,
                max(line_no) filter (where record = '99') as sluitrecord_line,
                arg_min(praktijk_agb, line_no) filter (where record = '01' and praktijk_agb is not null) as praktijk_agb,
                count(*) filter (where record = '02') as verzekerdenrecords_read,
                count(*) filter (where record = '04') as prestatierecords_read,
                count(*) filter (where record = '98') as commentaarrecords_read,
                count(*) filter (where record not in ('01', '99')) as detailrecords_read,
                coalesce(sum(cents) filter (where record = '04' and problem is null), 0) as totaal_cents_read,
                arg_min(verzekerdenrecords_declared, line_no) filter (where record = '99' and verzekerdenrecords_declared is not null) as verzekerdenrecords_declared,
                arg_min(prestatierecords_declared, line_no) filter (where record = '99' and prestatierecords_declared is not null) as prestatierecords_declared,
                arg_min(commentaarrecords_declared, line_no) filter (where record = '99' and commentaarrecords_declared is not null) as commentaarrecords_declared,
                arg_min(detailrecords_declared, line_no) filter (where record = '99' and detailrecords_declared is not null) as detailrecords_declared,
                arg_min(totaal_cents_declared, line_no) filter (where record = '99' and totaal_cents_declared is not null) as totaal_cents_declared,
                min(line_no) filter (where problem is not null) as problem_line,
                arg_min(problem, line_no) filter (where problem is not null) as problem
            from pm304_lines
            group by message
        )
        select
            *,
            case
                when problem is not null then format('regel {}: {}', problem_line, problem)
                when voorlooprecords = 0 then 'regels zonder voorlooprecord (01)'
                when sluitrecords = 0 then 'bericht zonder sluitrecord (99)'
                when sluitrecords > 1 or sluitrecord_line <> last_line then 'sluitrecord (99) is niet de laatste regel van het bericht'
                when verzekerdenrecords_declared is distinct from verzekerdenrecords_read then
                    format('sluitrecord: {} verzekerdenrecords, gelezen {}', verzekerdenrecords_declared, verzekerdenrecords_read)
                when prestatierecords_declared is distinct from prestatierecords_read then
                    format('sluitrecord: {} prestatierecords, gelezen {}', prestatierecords_declared, prestatierecords_read)
                when commentaarrecords_declared is distinct from commentaarrecords_read then
                    format('sluitrecord: {} commentaarrecords, gelezen {}', commentaarrecords_declared, commentaarrecords_read)
                when detailrecords_declared is distinct from detailrecords_read then
                    format('sluitrecord: {} detailrecords, gelezen {}', detailrecords_declared, detailrecords_read)
                when totaal_cents_declared is distinct from totaal_cents_read then
                    format('sluitrecord: totaal declaratiebedrag {} cent, gelezen {} cent', totaal_cents_declared, totaal_cents_read)
            end as reason
        from per_message
    """)
    con.execute("""
        insert into raw.pm304_reconciliation
        select ?, message, first_line, last_line, praktijk_agb,
            verzekerdenrecords_read, verzekerdenrecords_declared, prestatierecords_read, prestatierecords_declared,
            commentaarrecords_read, commentaarrecords_declared, detailrecords_read, detailrecords_declared,
            totaal_cents_read / 100, totaal_cents_declared / 100, reason is null, reason
        from pm304_messages order by message
    """, [rel])
    # Rejected messages: every line to quarantine, with the message's reason. No line content is copied.
    con.execute("""
        insert into raw.quarantine
        select ?, lines.line_no, null, null,
            format('PM304-bericht {} (regels {}-{}) niet geladen: {}', messages.message, messages.first_line,
                   messages.last_line, messages.reason)
        from pm304_lines as lines join pm304_messages as messages using (message)
        where messages.reason is not null
        order by lines.line_no
    """, [rel])
    con.execute("""
        insert into raw.quarantine_codes
        select distinct ?, messages.first_line, 'praktijk_agb', messages.praktijk_agb
        from pm304_messages as messages
        where messages.reason is not null and regexp_full_match(messages.praktijk_agb, '[0-9]{8}')
    """, [rel])
    accepted = """
        from pm304_lines as lines
        join pm304_messages as messages using (message)
        where messages.reason is null and lines.record = '04'
    """
    con.execute(f"""
        insert into raw.quarantine
        select ?, lines.line_no, 'bsn', null, 'BSN voldoet niet aan de 11-proef; prestatieregel niet geladen'
        {accepted} and not lines.bsn_ok
        order by lines.line_no
    """, [rel])
    con.execute(f"""
        insert into raw.quarantine_codes
        select ?, lines.line_no, 'praktijk_agb', messages.praktijk_agb
        {accepted} and not lines.bsn_ok
        order by lines.line_no
    """, [rel])
    con.execute(f"""
        insert into raw.claims (declaratie_id, praktijk_agb, zorgverlener_agb, patient_pseudonym, datum_prestatie,
            prestatiecodelijst, prestatiecode, aantal, declaratiebedrag, uzovi, _file, _line)
        select
            lines.declaratie_id, messages.praktijk_agb, lines.zorgverlener_agb, lines.patient_pseudonym,
            lines.datum_prestatie, lines.prestatiecodelijst, lines.prestatiecode, lines.aantal,
            cast(cast(lines.cents as decimal(18, 2)) / 100 as varchar), lines.uzovi, ?, lines.line_no
        {accepted} and lines.bsn_ok
    """, [rel])
    stats = con.execute("""
        select (select count(*) from pm304_lines), count(*), count(*) filter (where reason is not null)
        from pm304_messages
    """).fetchall()[0]
    loaded = con.execute("select count(*) from raw.claims where _file = ?", [rel]).fetchall()[0][0]
    quarantined = con.execute("select count(*) from raw.quarantine where file = ?", [rel]).fetchall()[0][0]
    con.execute("drop table pm304_lines; drop table pm304_messages")
    return Pm304Result(lines=stats[0], loaded=loaded, quarantined=quarantined, messages=stats[1], messages_rejected=stats[2])
