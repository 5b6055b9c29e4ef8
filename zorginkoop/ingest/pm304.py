"""Vektis EI PM304 v3.2 (paramedical declarations): sliced by the positions of the published
record layout (seeds/paramedie/pm304_layout.csv), never in a Python loop over lines.

A file holds one or more messages (01 voorlooprecord ... 99 sluitrecord). A message is loaded
only when every line is 310 positions of a known record type and its sluitrecord's counts and
signed total match what was read; otherwise all its lines go to quarantine. Prestatierecords (04)
of an accepted message with a BSN that fails the 11-proef are quarantined one by one. BSN, names,
addresses and birth dates are never stored. The writers of these files (synthetic bundles, tests)
are in zorginkoop.synthetic.pm304, at the same positions.

Speed without giving up privacy or line numbers (see load_pm304):
- Only the FIELDS the run needs are cut, each from the lines of its own record type only (a 99
  record's counts are not cut from a million 04 lines) and already as the claim line keeps it
  (trimmed, dates as JJJJ-MM-DD), numbered (line and message) in file order, into an in-memory
  Arrow table. A regular file (every line 310 bytes) is cut by numpy from the mapped file, in two
  ranges side by side; any other file by DuckDB's line reader (a streaming window numbers the
  lines). tests/test_pm304_paths.py holds both to the same table and the same rows.
- The 11-proef and the HMAC run once per distinct BSN (patients recur, ~8.5 lines each), into a
  second in-memory table; lines get their pseudonym by a join. Neither table is ever a DuckDB
  table, so no BSN reaches a database file or its spill files; the raw line (names, addresses,
  birth dates in the 02 records) is never copied at all.
- The statements that fill raw.claims, raw.quarantine and raw.pm304_reconciliation read those
  tables in parallel; none depends on row order (each orders by line_no or takes the first value
  in line order).
"""

from __future__ import annotations

import codecs
import csv
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zorginkoop.arrays import combined, from_numpy, to_numpy
from zorginkoop.engine import memory_tables
from zorginkoop.engine.database import cursor_per_thread
from zorginkoop.ingest import lines as lines_module
from zorginkoop.ingest import readahead
from zorginkoop.ingest.privacy import in_memory, pseudonyms
from zorginkoop.paths import SEEDS_DIR
from zorginkoop.sqltext import literal

RECORD_LENGTH = 310
RECORD_TYPES = ("01", "02", "04", "98", "99")
EXTENSIONS = readahead.PM304_EXTENSIONS


@cache
def layout() -> dict[tuple[str, str], tuple[int, int]]:
    with (SEEDS_DIR / "paramedie" / "pm304_layout.csv").open(encoding="utf-8") as fh:
        return {(r["record"], r["field"]): (int(r["start"]), int(r["width"])) for r in csv.DictReader(fh)}


@dataclass
class Pm304Result:
    lines: int
    loaded: int
    quarantined: int
    messages: int
    messages_rejected: int
    sha256: str


def _lines_sql(path: Path, encoding: str = "utf-8") -> str:
    return (f"read_csv({literal(path)}, columns={{'line': 'VARCHAR'}}, header=false, delim='\\x01', quote='', "
            f"escape='', auto_detect=false, strict_mode=false, encoding='{encoding}')")


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""create table if not exists raw.pm304_reconciliation (
        file varchar, message integer, first_line bigint, last_line bigint, praktijk_agb varchar,
        verzekerdenrecords_read bigint, verzekerdenrecords_declared bigint,
        prestatierecords_read bigint, prestatierecords_declared bigint,
        commentaarrecords_read bigint, commentaarrecords_declared bigint,
        detailrecords_read bigint, detailrecords_declared bigint,
        totaal_read decimal(18, 2), totaal_declared decimal(18, 2), ok boolean, reason varchar)""")


# The only fields ever read from a PM304 line, by the name the loading query gives them. Each is cut
# only from the lines of its own record type (null on the others), and some as the claim line keeps
# them: "trim" drops the spaces that pad the value (SQL's trim; on the general path also other
# Unicode spaces, which never reach the numpy path), "iso_date" writes JJJJMMDD as JJJJ-MM-DD. No
# field of a 02 record (name, address, birth date) is among them; the BSN is read from the 04
# record only to be replaced by its pseudonym in the loading query.
FIELDS = {
    "praktijkcode": ("01", "Praktijkcode", None),
    "verzekerdenrecords": ("99", "Aantal verzekerdenrecords", None),
    "prestatierecords": ("99", "Aantal prestatierecords", None),
    "commentaarrecords": ("99", "Aantal commentaarrecords", None),
    "detailrecords": ("99", "Totaal aantal detailrecords", None),
    "totaal": ("99", "Totaal declaratiebedrag", None),
    "totaal_debet_credit": ("99", "Indicatie debet/credit", None),
    "bsn": ("04", "Burgerservicenummer (bsn) verzekerde", None),
    "uzovi": ("04", "Uzovi-nummer", None),
    "datum": ("04", "Datum prestatie", "iso_date"),
    "prestatiecodelijst": ("04", "Aanduiding prestatiecodelijst", None),
    "prestatiecode": ("04", "Prestatiecode", "trim"),
    "aantal": ("04", "Aantal uitgevoerde prestaties", None),
    "zorgverlener": ("04", "Zorgverlenerscode behandelaar/uitvoerder", None),
    "bedrag": ("04", "Declaratiebedrag (incl. btw)", None),
    "debet_credit": ("04", "Indicatie debet/credit (02)", None),
    "referentie": ("04", "Referentienummer dit prestatierecord", "trim"),
}


def _field_sql(record: str, name: str, form: str | None) -> str:
    """One of the FIELDS as the general path (_fields_by_sql) cuts it from `line`."""
    start, width = layout()[(record, name)]
    value = f"substr(line, {start}, {width})"
    if form == "trim":
        value = f"trim({value})"
    elif form == "iso_date":
        assert width == 8, f"{name}: a JJJJMMDD date has 8 positions, the layout says {width}"
        value = f"substr(line, {start}, 4) || '-' || substr(line, {start + 4}, 2) || '-' || substr(line, {start + 6}, 2)"
    return f"case when substr(line, 1, 2) = '{record}' then {value} end"


def _fields_by_sql(source: str) -> str:
    """Any file (the general path): DuckDB numbers the lines in one streaming window, in file order
    (row_number, and the running count of 01 lines), and cuts each field by substr from the lines
    of its record type (null on the others), trimmed or dated as FIELDS says (_field_sql)."""
    slices = ",\n                ".join(f"{_field_sql(*spec)} as {column}" for column, spec in FIELDS.items())
    return f"""
            select row_number() over () as line_no,
                count(*) filter (where substr(line, 1, 2) = '01')
                    over (rows between unbounded preceding and current row) as message,
                length(line) as line_length,
                substr(line, 1, 2) as record,
                {slices}
            from (select coalesce(line, '') as line from {source})"""


def _unusual_bytes(data: np.ndarray, chunk: int = 1 << 22) -> tuple[int, int]:
    """How many bytes are control characters (below 32) and how many are above ASCII; in chunks,
    so that the comparisons reuse a small buffer instead of allocating one as large as the file."""
    controls = high = 0
    shifted, flags = np.empty(chunk, dtype=np.uint8), np.empty(chunk, dtype=bool)
    for start in range(0, len(data), chunk):
        part = data[start:start + chunk]
        size = len(part)
        np.subtract(part, 32, out=shifted[:size])  # wraps: controls become 224..255, high bytes 96..223
        np.greater_equal(shifted[:size], 96, out=flags[:size])
        unusual = np.count_nonzero(flags[:size])
        if unusual:
            np.greater_equal(shifted[:size], 224, out=flags[:size])
            below = np.count_nonzero(flags[:size])
            controls, high = controls + below, high + unusual - below
    return controls, high


def _is_utf8(raw) -> bool:
    try:
        codecs.utf_8_decode(raw, "strict", True)
        return True
    except UnicodeDecodeError:
        return False


def _record_codes(lines: np.ndarray) -> np.ndarray:
    """The record type of every line (its first two bytes) as one number, to compare with _code."""
    return lines[:, 0].astype(np.uint16) << 8 | lines[:, 1]


def _code(record: str) -> int:
    return ord(record[0]) << 8 | ord(record[1])


def _high_bytes_in_fields(lines: np.ndarray, codes: np.ndarray) -> bool:
    """Whether a byte above ASCII is in a line's record type, or in a field its record type has
    (codes: _record_codes of the lines); one gather of the fields' positions per record type."""
    if np.count_nonzero(lines[:, :2] >= 128):
        return True
    positions: dict[str, set[int]] = {}
    for record, name, _ in FIELDS.values():
        start, width = layout()[(record, name)]
        positions.setdefault(record, set()).update(range(start - 1, start - 1 + width))
    return any(np.count_nonzero(np.take(lines[codes == _code(record)], sorted(columns), axis=1) >= 128)
               for record, columns in positions.items())


# The 04 fields that only a claim line holds: claims kept in memory are cut from the lines again by
# claim_lines, so those files' tables of fields go without them (MESSAGES and the quarantine do not read them).
CLAIM_ONLY = ("referentie", "zorgverlener", "datum", "prestatiecodelijst", "prestatiecode", "aantal", "uzovi")


def _fixed_width_fields(raw, parts: int = 2, without: tuple[str, ...] = ()) -> pa.Table | None:
    """The FIELDS of every line, cut by numpy from the bytes (raw: any buffer), when the file is
    regular: every line exactly 310 bytes and one kind of line end (CRLF or LF, also after the last
    line), no other control byte, and no byte above ASCII in a field read, unless the file is
    ISO-8859-1 (not valid UTF-8: a byte is a position, as the general path reads it) and those bytes
    are in bytes no field of the line's record type reads (names in 02 records, say). Otherwise
    None: the general path reads the file. Both give the same table (tests/test_pm304_paths.py).
    The lines are cut in `parts` ranges side by side (numpy releases the GIL); the table has one
    chunk per range."""
    ending = bytes(raw[RECORD_LENGTH:RECORD_LENGTH + 2])
    width = RECORD_LENGTH + (2 if ending == b"\r\n" else 1 if ending[:1] == b"\n" else 0)
    if width == RECORD_LENGTH or len(raw) % width:
        return None
    lines = np.frombuffer(raw, dtype=np.uint8).reshape(-1, width)
    bounds = np.linspace(0, len(lines), parts + 1).astype(int)
    kept = [(int(a), int(b)) for a, b in zip(bounds, bounds[1:]) if b > a]  # no empty range (fewer lines than parts)
    starts, ranges = [a for a, _ in kept], [lines[a:b] for a, b in kept]

    def scan(part: np.ndarray) -> tuple[bool, int, np.ndarray]:
        ends = part[:, RECORD_LENGTH:]
        ended = bool((ends[:, -1] == 10).all() and (width == RECORD_LENGTH + 1 or (ends[:, 0] == 13).all()))
        controls, high = _unusual_bytes(part.reshape(-1))
        return ended and controls == len(part) * (width - RECORD_LENGTH), high, _record_codes(part)

    with ThreadPoolExecutor(max_workers=len(ranges)) as pool:
        scanned = list(pool.map(scan, ranges))
        if not all(clean for clean, _, _ in scanned):
            return None  # a line end or a control byte inside a line
        codes = [range_codes for _, _, range_codes in scanned]
        if any(high for _, high, _ in scanned) and (_is_utf8(raw) or _high_bytes_in_fields(lines, np.concatenate(codes))):
            return None  # UTF-8 with multi-byte characters (a position is not a byte), or such a byte in a field
        firsts = [0, *np.cumsum([np.count_nonzero(c == _code("01")) for c in codes])[:-1]]
        batches = list(pool.map(lambda job: _columns(*job, without=without), zip(ranges, codes, starts, firsts)))
    return pa.Table.from_batches(batches)


def _iso_dates(values: np.ndarray) -> np.ndarray:
    """JJJJMMDD as JJJJ-MM-DD, byte by byte (whatever the bytes are, as the general path's substr)."""
    assert values.shape[1] == 8, "a JJJJMMDD date has 8 positions"
    out = np.full((len(values), 10), ord("-"), dtype=np.uint8)
    out[:, 0:4], out[:, 5:7], out[:, 8:10] = values[:, 0:4], values[:, 4:6], values[:, 6:8]
    return out


def _columns(lines: np.ndarray, codes: np.ndarray, first_line: int, messages_before: int,
             without: tuple[str, ...] = ()) -> pa.RecordBatch:
    """One range of lines as Arrow columns: each field copied from the lines of its record type
    only, in one strided copy (a value is one numpy item of the field's size), no Python per value."""
    count, stride = len(lines), lines.strides[0]
    rows = {record: codes == _code(record) for record in {record for record, _, _ in FIELDS.values()} | {"01"}}  # 01: messages
    validity = {record: (pa.py_buffer(np.packbits(mask, bitorder="little")), count - int(np.count_nonzero(mask)))
                for record, mask in rows.items()}
    before = {record: np.concatenate(([0], np.cumsum(mask, dtype=np.int64))) for record, mask in rows.items()}
    offsets: dict[tuple[str, int], pa.Buffer] = {}  # per record type and width: all values the same size

    def cut(start: int, size: int, mask: np.ndarray | None = None) -> np.ndarray:
        items = np.ndarray((count,), dtype=f"V{size}", buffer=lines, offset=start - 1, strides=(stride,))
        return (items.copy() if mask is None else items[mask]).view(np.uint8).reshape(-1, size)

    def strings(record: str, values: np.ndarray) -> pa.Array:
        key = (record, values.shape[1])
        if key not in offsets:
            offsets[key] = pa.py_buffer(before[record] * values.shape[1])  # a null (another record type) is empty
        bitmap, nulls = validity[record]
        return pa.LargeStringArray.from_buffers(count, offsets[key], pa.py_buffer(values), bitmap, nulls)

    columns = {
        "line_no": from_numpy(np.arange(first_line + 1, first_line + count + 1, dtype=np.int64)),
        "message": from_numpy(messages_before + np.cumsum(rows["01"], dtype=np.int64)),
        "line_length": from_numpy(np.full(count, RECORD_LENGTH, dtype=np.int64)),
        "record": pa.LargeStringArray.from_buffers(
            count, pa.py_buffer(np.arange(0, (count + 1) * 2, 2, dtype=np.int64)), pa.py_buffer(cut(1, 2))),
    }
    for column, (record, name, form) in FIELDS.items():
        if column in without:
            continue
        values = cut(*layout()[(record, name)], rows[record])
        if form == "trim":  # only printable ASCII reaches a field here; of it, SQL's trim drops spaces
            columns[column] = pc.ascii_trim(strings(record, values), " ")
        elif form == "iso_date":
            columns[column] = strings(record, _iso_dates(values))
        else:
            columns[column] = strings(record, values)
    return pa.RecordBatch.from_arrays(list(columns.values()), names=list(columns))


# The signed amount of a 04 line in cents, as read (its sluitrecord check and its claim line).
CENTS = "try_cast(lines.bedrag as bigint) * case lines.debet_credit when 'C' then -1 else 1 end"

# Per message of the file (the lines from one 01 up to the next): what was read against what its
# sluitrecord declares, and why it is not loaded (the first problem line, else the first mismatch).
MESSAGES = f"""
    create or replace temp table pm304_messages as
    with lines as (
        select
            line_no,
            message,
            record,
            case
                when line_length <> {RECORD_LENGTH} then format('regel heeft {{}} posities; PM304 v3.2 vraagt er {RECORD_LENGTH}', line_length)
                when record not in {RECORD_TYPES} then format('onbekend recordtype {{}}', record)
                when record = '04' and not regexp_full_match(bedrag, '[0-9]{{8}}')
                    then format('declaratiebedrag {{}} is niet numeriek', bedrag)
                when record = '04' and debet_credit not in ('D', 'C')
                    then format('indicatie debet/credit {{}} is geen D of C', debet_credit)
            end as problem,
            case when record = '01' then praktijkcode end as praktijk_agb,
            case when record = '04' then {CENTS} end as cents,
            case when record = '99' then try_cast(verzekerdenrecords as bigint) end as verzekerdenrecords_declared,
            case when record = '99' then try_cast(prestatierecords as bigint) end as prestatierecords_declared,
            case when record = '99' then try_cast(commentaarrecords as bigint) end as commentaarrecords_declared,
            case when record = '99' then try_cast(detailrecords as bigint) end as detailrecords_declared,
            case when record = '99' then try_cast(totaal as bigint)
                * case totaal_debet_credit when 'C' then -1 else 1 end end as totaal_cents_declared
        from pm304_fields as lines
    ),

    per_message as (
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
        from lines
        group by message
    )

    select
        *,
        case
            when problem is not null then format('regel {{}}: {{}}', problem_line, problem)
            when voorlooprecords = 0 then 'regels zonder voorlooprecord (01)'
            when sluitrecords = 0 then 'bericht zonder sluitrecord (99)'
            when sluitrecords > 1 or sluitrecord_line <> last_line then 'sluitrecord (99) is niet de laatste regel van het bericht'
            when verzekerdenrecords_declared is distinct from verzekerdenrecords_read then
                format('sluitrecord: {{}} verzekerdenrecords, gelezen {{}}', verzekerdenrecords_declared, verzekerdenrecords_read)
            when prestatierecords_declared is distinct from prestatierecords_read then
                format('sluitrecord: {{}} prestatierecords, gelezen {{}}', prestatierecords_declared, prestatierecords_read)
            when commentaarrecords_declared is distinct from commentaarrecords_read then
                format('sluitrecord: {{}} commentaarrecords, gelezen {{}}', commentaarrecords_declared, commentaarrecords_read)
            when detailrecords_declared is distinct from detailrecords_read then
                format('sluitrecord: {{}} detailrecords, gelezen {{}}', detailrecords_declared, detailrecords_read)
            when totaal_cents_declared is distinct from totaal_cents_read then
                format('sluitrecord: totaal declaratiebedrag {{}} cent, gelezen {{}} cent', totaal_cents_declared, totaal_cents_read)
        end as reason
    from per_message
"""


def accepted_04(joins: str = "") -> str:
    """From the 04 lines of the messages that are loaded (with their praktijk from the 01 record),
    with further joins."""
    return f"""
        from pm304_fields as lines
        join pm304_messages as messages using (message)
        {joins}
        where messages.reason is null and lines.record = '04'"""


# The distinct BSNs of the 04 lines, for privacy.pseudonyms: the 11-proef and the HMAC once per patient.
DISTINCT_BSNS = "select distinct bsn from pm304_fields where record = '04'"
WITH_PSEUDONYM = accepted_04("join pm304_pseudonyms as pseudonyms on lines.bsn = pseudonyms.bsn")

# Claim lines of the loaded messages whose BSN passes the 11-proef; the BSN goes no further.
# The text of aantal and declaratiebedrag, also made per distinct value by claim_lines.
AANTAL = "cast(try_cast({} as integer) as varchar)"
BEDRAG = "cast(cast({} * 0.01 as decimal(18, 2)) as varchar)"  # exact: a decimal division would be a double
CLAIM_LINES = f"""
    select
        lines.referentie as declaratie_id,
        messages.praktijk_agb as praktijk_agb,
        lines.zorgverlener as zorgverlener_agb,
        pseudonyms.patient_pseudonym as patient_pseudonym,
        lines.datum as datum_prestatie,
        lines.prestatiecodelijst as prestatiecodelijst,
        lines.prestatiecode as prestatiecode,
        {AANTAL.format("lines.aantal")} as aantal,
        {BEDRAG.format(CENTS)} as declaratiebedrag,
        lines.uzovi as uzovi,
        ? as _file,
        lines.line_no as _line
    {WITH_PSEUDONYM} and pseudonyms.bsn_ok
"""
CLAIMS = f"""
    insert into raw.claims (declaratie_id, praktijk_agb, zorgverlener_agb, patient_pseudonym, datum_prestatie,
        prestatiecodelijst, prestatiecode, aantal, declaratiebedrag, uzovi, _file, _line)
    {CLAIM_LINES}
"""


def claim_lines(con: duckdb.DuckDBPyConnection, raw, rel: str, schema: pa.Schema) -> pa.Table:
    """The claim lines of a regular file (_fixed_width_fields read it), as CLAIM_LINES selects them,
    for claims kept in memory (zorginkoop.ingest.lines): each 04 field cut once more by numpy, from
    the 04 lines only, dictionary-encoded, its text made per distinct value (the forms of FIELDS,
    AANTAL and BEDRAG); the praktijk from the line's message, the pseudonym by index into
    pm304_pseudonyms; lines of a rejected message or with a failing BSN left out. Reads the
    connection's pm304_messages and pm304_pseudonyms (load_pm304). tests/test_pm304_paths.py holds
    it to CLAIM_LINES."""
    width = RECORD_LENGTH + (2 if bytes(raw[RECORD_LENGTH:RECORD_LENGTH + 2]) == b"\r\n" else 1)
    lines = np.frombuffer(raw, dtype=np.uint8).reshape(-1, width)
    codes = _record_codes(lines)
    is_04 = codes == _code("04")
    message = np.cumsum(codes == _code("01"))[is_04]  # as MESSAGES numbers them: 01 lines so far
    found = con.sql("select message, coalesce(praktijk_agb, '') as praktijk_agb, reason is null as accepted "
                    "from pm304_messages order by message").to_arrow_table()
    numbers = to_numpy(found.column("message"))
    accepted = np.zeros(numbers.max() + 1 if len(numbers) else 1, dtype=bool)
    accepted[numbers] = to_numpy(found.column("accepted"))
    row_of = np.zeros(len(accepted), dtype=np.int32)  # message number -> its row in found (every line's message is there)
    row_of[numbers] = np.arange(len(numbers), dtype=np.int32)

    def cut(field: str) -> np.ndarray:  # one FIELDS field of every 04 line, as rows of bytes
        record, name, _ = FIELDS[field]
        start, size = layout()[(record, name)]
        items = np.ndarray((len(lines),), dtype=f"V{size}", buffer=lines, offset=start - 1, strides=(lines.strides[0],))
        return items[is_04].view(np.uint8).reshape(-1, size)

    def fixed(values: np.ndarray) -> pa.Array:
        return pa.FixedSizeBinaryArray.from_buffers(pa.binary(values.shape[1]), len(values), [None, pa.py_buffer(values)])

    # each column's distinct values are registered on the thread's own connection (no kept lines read there)
    cursor = cursor_per_thread(con, kept=False)

    def text(field: str, sql: str = lines_module.AS_TEXT) -> pa.DictionaryArray:
        return lines_module.dictionary_text(cursor(), fixed(cut(field)), sql)

    found_pseudonyms = con.sql("select * from pm304_pseudonyms").to_arrow_table()

    def patients() -> tuple[pa.DictionaryArray, np.ndarray]:
        bsn = pc.dictionary_encode(fixed(cut("bsn")))
        bsn = pa.DictionaryArray.from_arrays(bsn.indices, bsn.dictionary.cast(pa.binary()).cast(pa.string()))
        return lines_module.by_line(bsn, found_pseudonyms)

    def declaratie_id() -> pa.Array:  # a value per line: not dictionary-encoded
        referentie = cut("referentie")
        return pc.ascii_trim(pa.StringArray.from_buffers(
            len(referentie), pa.py_buffer(np.arange(len(referentie) + 1, dtype=np.int32) * referentie.shape[1]),
            pa.py_buffer(referentie)), " ")

    v = lines_module.AS_TEXT  # the value as text, in the forms below
    amount = layout()[FIELDS["bedrag"][:2]][1]
    # Each column on its own (numpy, Arrow and DuckDB let go of the GIL), the longest first, on as
    # many threads as the connection's DuckDB threads (one when many files load side by side and
    # share them, database.threads_shared_by).
    jobs = {
        "patient_pseudonym": patients,
        "declaratie_id": declaratie_id,
        "zorgverlener_agb": lambda: text("zorgverlener"),
        "datum_prestatie": lambda: text("datum", f"substr({v}, 1, 4) || '-' || substr({v}, 5, 2) || '-' || substr({v}, 7, 2)"),
        "prestatiecodelijst": lambda: text("prestatiecodelijst"),
        "prestatiecode": lambda: text("prestatiecode", f"trim({v})"),
        "aantal": lambda: text("aantal", AANTAL.format(v)),
        # amount and sign side by side, so that each distinct pair is turned into text once
        "declaratiebedrag": lambda: lines_module.dictionary_text(
            cursor(), fixed(np.concatenate([cut("bedrag"), cut("debet_credit")], axis=1)),
            BEDRAG.format(CENTS.replace("lines.bedrag", f"substr({v}, 1, {amount})")
                          .replace("lines.debet_credit", f"substr({v}, {amount + 1})"))),
        "uzovi": lambda: text("uzovi"),
    }
    workers = int(con.execute("select current_setting('threads')").fetchall()[0][0])
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs))), thread_name_prefix="claim_lines") as pool:
        columns = dict(zip(jobs, pool.map(lambda job: job(), jobs.values())))
    columns["patient_pseudonym"], bsn_ok = columns["patient_pseudonym"]
    columns |= {
        "praktijk_agb": pa.DictionaryArray.from_arrays(from_numpy(row_of[message]), combined(found.column("praktijk_agb")).cast(pa.string())),
        "_file": lines_module.one_value(rel, len(message)),
        "_line": from_numpy(np.flatnonzero(is_04) + 1),
    }
    keep = bsn_ok & accepted[message]
    table = pa.table([columns[f.name] for f in schema], schema=schema)
    return table if keep.all() else table.filter(from_numpy(keep))


def _fields(con: duckdb.DuckDBPyConnection, path: Path, raw: bytes, kept: bool = False) -> tuple[pa.Table, bool]:
    """The FIELDS of every line of the file, numbered, and whether the file is regular: sliced from
    the bytes when it is (_fixed_width_fields), else read by DuckDB (_fields_by_sql). Vektis files are ASCII or
    ISO-8859-1: the general path reads them as UTF-8 (ASCII is valid UTF-8) and only when that fails
    as ISO-8859-1. The table is only ever in memory: it holds the BSNs until the load replaces them."""
    fixed = _fixed_width_fields(raw, without=CLAIM_ONLY if kept else ())  # kept: claim_lines cuts those
    if fixed is not None:
        return fixed, True
    try:
        return con.sql(_fields_by_sql(_lines_sql(path, "utf-8"))).to_arrow_table(), False
    except duckdb.Error:
        return con.sql(_fields_by_sql(_lines_sql(path, "latin-1"))).to_arrow_table(), False


def load_pm304(con: duckdb.DuckDBPyConnection, path: Path, rel: str, kept: pa.Schema | None = None) -> Pm304Result:
    """Parse one PM304 file into raw.claims, raw.quarantine and raw.pm304_reconciliation; with
    `kept` (the schema of claims kept in memory, engine.memory_tables) its claim lines are kept in
    memory instead of inserted (claim_lines for a regular file, CLAIM_LINES for any other).

    The numbered FIELDS of every line are held in memory as an Arrow table (never in a DuckDB
    table: they include the BSN), read by the few statements below; the line itself, and with it
    every name, address and birth date of the insured, is never kept. Nothing here depends on the
    order rows are stored in: every use orders by line_no or takes the first value in line order
    (arg_min over line_no).
    """
    create_tables(con)
    raw, digest = readahead.take(path)  # hashed in a thread while the fields are cut
    fields, regular = _fields(con, path, raw, kept=kept is not None)
    sha256 = digest.result()
    if kept is None or not regular:
        raw = None  # the mapped file is let go of; claim_lines cuts it once more
    with in_memory(con, "pm304_fields", fields), in_memory(con, "pm304_pseudonyms", pseudonyms(con, DISTINCT_BSNS)):
        con.execute(MESSAGES)
        con.execute("""
            insert into raw.pm304_reconciliation
            select ?, message, first_line, last_line, praktijk_agb,
                verzekerdenrecords_read, verzekerdenrecords_declared, prestatierecords_read, prestatierecords_declared,
                commentaarrecords_read, commentaarrecords_declared, detailrecords_read, detailrecords_declared,
                totaal_cents_read / 100, totaal_cents_declared / 100, reason is null, reason
            from pm304_messages order by message
        """, [rel])
        messages, rejected = con.execute(
            "select count(*), count(*) filter (where reason is not null) from pm304_messages").fetchall()[0]
        if rejected:  # every line of a rejected message, with the message's reason; no line content is copied
            con.execute("""
                insert into raw.quarantine
                select ?, lines.line_no, null, null,
                    format('PM304-bericht {} (regels {}-{}) niet geladen: {}', messages.message, messages.first_line,
                           messages.last_line, messages.reason)
                from pm304_fields as lines join pm304_messages as messages using (message)
                where messages.reason is not null
                order by lines.line_no
            """, [rel])
            con.execute("""
                insert into raw.quarantine_codes
                select distinct ?, messages.first_line, 'praktijk_agb', messages.praktijk_agb
                from pm304_messages as messages
                where messages.reason is not null and regexp_full_match(messages.praktijk_agb, '[0-9]{8}')
            """, [rel])
        con.execute(f"""
            insert into raw.quarantine
            select ?, lines.line_no, 'bsn', null, 'BSN voldoet niet aan de 11-proef; prestatieregel niet geladen'
            {WITH_PSEUDONYM} and not pseudonyms.bsn_ok
            order by lines.line_no
        """, [rel])
        con.execute(f"""
            insert into raw.quarantine_codes
            select ?, lines.line_no, 'praktijk_agb', messages.praktijk_agb
            {WITH_PSEUDONYM} and not pseudonyms.bsn_ok
            order by lines.line_no
        """, [rel])
        if kept is None:
            loaded = con.execute(CLAIMS, [rel]).fetchall()[0][0]
        else:
            claims = claim_lines(con, raw, rel, kept) if regular else \
                lines_module.normalized(con.sql(CLAIM_LINES, params=[rel]).to_arrow_table(), kept)
            raw = None
            loaded = memory_tables.add(con, "claims", rel, claims)
    quarantined = con.execute("select count(*) from raw.quarantine where file = ?", [rel]).fetchall()[0][0]
    con.execute("drop table pm304_messages")
    return Pm304Result(lines=fields.num_rows, loaded=loaded, quarantined=quarantined, messages=messages,
                       messages_rejected=rejected, sha256=sha256)
