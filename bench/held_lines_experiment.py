"""An experiment, not the product: what would claim lines cost held in memory instead of stored?

Storing a claim line in the run's database file costs about 0.85 CPU-seconds per million lines
whatever its form (text, typed, dictionary-encoded, any compression; docs/decisions.md). This
measures the other way: each claim file cut straight into Arrow columns, dictionary-encoded where
values repeat (a column's text form computed once per distinct value, by DuckDB's own casts), the
patient's pseudonym made per distinct BSN and reused by index, and nothing written to DuckDB.
The readers that follow the load in the run (the duplicate search, Great Expectations' distinct
values, the staged claims and their aggregate) then read the held lines through a view.

    python bench/held_lines_experiment.py bench/data/market/claims

Each arm runs in a process of its own (its CPU seconds and peak memory are its own):
"stored", the product's load_files into a database file (checkpoint deferred, as in the run);
"held", this file's loaders. Regular PM304 files and Parquet files take the held path; any other
claim file (CSV, an irregular PM304 file) would need one too and is refused here. Both then run
the same readers. The experiment fails unless both arms hold the same lines: the same count and
the same sum of a hash of every column of every line.

Left out of both arms alike: the row checks' per-value checks and the quarantine of bad lines or
messages (no market file has any; a held loader must quarantine as the stored one does).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from zorginkoop.engine.database import DEFERRED_CHECKPOINT, connect, load_seeds, threads_shared_by
from zorginkoop.engine.models import run_model
from zorginkoop.engine.policy import load_policy
from zorginkoop.ingest import pm304, readahead
from zorginkoop.ingest.bundle import input_files
from zorginkoop.ingest.loader import load_files, prepare
from zorginkoop.ingest.privacy import in_memory, pseudonyms, register_macros
from zorginkoop.sqltext import identifier
from zorginkoop.validation.validate import _loaded_part, distinct_values

DOMAIN = load_policy("paramedie-2024").domain
SPEC = next(spec for spec in input_files(DOMAIN) if spec.table == "claims")
SUITE = _loaded_part(SPEC)
COLUMNS = [*SPEC.loaded_columns, "_file", "_line"]
ROW_HASH = f"hash({', '.join(SPEC.row_id)})"
# Every column of a line, for the check that both arms hold the same lines.
LINE_HASH = f"hash({', '.join(map(identifier, COLUMNS))})"
AGGREGATE = """select praktijk_agb, zorgverlener_agb, code_list_discipline, year(datum_prestatie) as jaar,
                      declaratiebedrag >= 0 as debet, count(*) as regels
               from staged.claims group by all"""
TEXT = pa.dictionary(pa.int32(), pa.string())


def _per_value(con, values: pa.Array, sql: str) -> pa.Array:
    """`sql` (over column v) for each value of a dictionary, by DuckDB, in the dictionary's order."""
    con.register("dictionary_values", pa.table({"v": values, "i": pa.array(np.arange(len(values), dtype=np.int64))}))
    try:
        return con.sql(f"select {sql} as t from dictionary_values order by i").to_arrow_table().column(0).combine_chunks().cast(pa.string())
    finally:
        con.unregister("dictionary_values")


def _encoded(con, array: pa.Array, sql: str = "cast(v as varchar)") -> pa.DictionaryArray:
    """A column as text, dictionary-encoded: each distinct value's text computed once."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = array if pa.types.is_dictionary(array.type) else pc.dictionary_encode(array)
    values = encoded.dictionary
    if pa.types.is_fixed_size_binary(values.type):  # bytes cut from a PM304 line: text, as DuckDB reads the line
        values = values.cast(pa.binary()).cast(pa.string())
    return pa.DictionaryArray.from_arrays(encoded.indices, _per_value(con, values, sql))


def _fixed(values: np.ndarray) -> pa.Array:
    """Rows of bytes (n, width) as a fixed-size binary array, without a copy."""
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(values.shape[1]), len(values), [None, pa.py_buffer(values)])


def _patients(con, bsn: pa.DictionaryArray) -> tuple[pa.DictionaryArray, np.ndarray]:
    """The pseudonym of each line, by index into the pseudonyms of the distinct BSNs; and which lines pass."""
    con.register("distinct_bsns", pa.table({"bsn": bsn.dictionary}))
    try:
        found = pseudonyms(con, "select bsn from distinct_bsns")
    finally:
        con.unregister("distinct_bsns")
    # pseudonyms keeps the order of its input (one projection of a registered table)
    assert found.column("bsn").combine_chunks().equals(bsn.dictionary.cast(pa.string())), "pseudonyms reordered the BSNs"
    ok = found.column("bsn_ok").combine_chunks().to_numpy(zero_copy_only=False)
    indices = bsn.indices.to_numpy()
    pseudonym = pa.DictionaryArray.from_arrays(bsn.indices, found.column("patient_pseudonym").combine_chunks().cast(pa.string()))
    return pseudonym, ok[indices]


def held_pm304(con, path: Path, rel: str) -> pa.Table:
    raw, digest = readahead.take(path)
    fields = pm304._fixed_width_fields(raw)
    if fields is None:
        raise SystemExit(f"{rel}: not a regular PM304 file; the held path here reads only those")
    width = len(raw) // fields.num_rows
    lines = np.frombuffer(raw, dtype=np.uint8).reshape(-1, width)
    is_04 = pm304._record_codes(lines) == pm304._code("04")
    with in_memory(con, "pm304_fields", fields):
        con.execute(pm304.MESSAGES)
        messages = con.sql("select message, praktijk_agb, reason is null as accepted from pm304_messages order by message").to_arrow_table()
        con.execute("drop table pm304_messages")
    digest.result()
    assert messages.column("message").to_pylist() == list(range(1, messages.num_rows + 1)), "messages are numbered 1.."
    message_of_line = np.cumsum(pm304._record_codes(lines) == pm304._code("01")) - 1  # 0-based index into messages

    def cut(name: str) -> np.ndarray:  # one field of every 04 line, rows of bytes
        start, size = pm304.layout()[("04", name)]
        items = np.ndarray((len(lines),), dtype=f"V{size}", buffer=lines, offset=start - 1, strides=(lines.strides[0],))
        return items[is_04].view(np.uint8).reshape(-1, size)

    def field(column: str, sql: str = "cast(v as varchar)") -> pa.DictionaryArray:
        _, name, _ = pm304.FIELDS[column]
        return _encoded(con, _fixed(cut(name)), sql)

    text = "cast(v as varchar)"
    sign_and_amount = np.concatenate([cut(pm304.FIELDS["bedrag"][1]), cut(pm304.FIELDS["debet_credit"][1])], axis=1)
    bsn = pc.dictionary_encode(_fixed(cut(pm304.FIELDS["bsn"][1])))
    pseudonym, bsn_ok = _patients(con, pa.DictionaryArray.from_arrays(bsn.indices, bsn.dictionary.cast(pa.binary()).cast(pa.string())))
    line_message = message_of_line[is_04]
    praktijk = pa.DictionaryArray.from_arrays(pa.array(line_message.astype(np.int32)), messages.column("praktijk_agb").combine_chunks().cast(pa.string()))
    referentie = cut(pm304.FIELDS["referentie"][1])
    columns = {
        "declaratie_id": pc.ascii_trim(pa.StringArray.from_buffers(len(referentie), pa.py_buffer(np.arange(len(referentie) + 1, dtype=np.int32) * referentie.shape[1]), pa.py_buffer(referentie)), " "),
        "praktijk_agb": praktijk,
        "zorgverlener_agb": field("zorgverlener"),
        "datum_prestatie": field("datum", "substr(cast(v as varchar), 1, 4) || '-' || substr(cast(v as varchar), 5, 2) || '-' || substr(cast(v as varchar), 7, 2)"),
        "prestatiecodelijst": field("prestatiecodelijst"),
        "prestatiecode": field("prestatiecode", "trim(cast(v as varchar))"),
        "aantal": field("aantal", "cast(try_cast(cast(v as varchar) as integer) as varchar)"),
        "declaratiebedrag": _encoded(con, _fixed(sign_and_amount),
                                     "cast(cast(try_cast(substr(cast(v as varchar), 1, 8) as bigint) * case substr(cast(v as varchar), 9, 1) "
                                     "when 'C' then -1 else 1 end * 0.01 as decimal(18, 2)) as varchar)"),
        "uzovi": field("uzovi"),
        "patient_pseudonym": pseudonym,
        "_file": pa.DictionaryArray.from_arrays(pa.array(np.zeros(len(line_message), dtype=np.int32)), pa.array([rel])),
        "_line": pa.array(np.flatnonzero(is_04) + 1),
    }
    keep = bsn_ok & messages.column("accepted").to_numpy(zero_copy_only=False)[line_message]
    table = pa.table([columns[c] for c in COLUMNS], names=COLUMNS)
    return table if keep.all() else table.filter(pa.array(keep))


def held_parquet(con, path: Path, rel: str) -> pa.Table:
    readahead.sha256(path)  # the manifest's digest, as the stored path takes it
    (private, pseudo), = SPEC.pseudonymize.items()
    names = [*[c for c in SPEC.loaded_columns if c != pseudo], private]
    strings = [f.name for f in pq.read_schema(path) if f.name in names and pa.types.is_string(f.type) and f.name != "declaratie_id"]
    read = pq.read_table(path, columns=names, read_dictionary=strings)
    columns = {}
    for name in names:
        array = read.column(name).combine_chunks()
        if name == private:
            encoded = _encoded(con, array)
            pseudonym, bsn_ok = _patients(con, encoded)
        elif name == "declaratie_id":
            columns[name] = array.cast(pa.string())
        else:
            columns[name] = _encoded(con, array)
    columns[pseudo] = pseudonym
    columns["_file"] = pa.DictionaryArray.from_arrays(pa.array(np.zeros(read.num_rows, dtype=np.int32)), pa.array([rel]))
    columns["_line"] = pa.array(np.arange(1, read.num_rows + 1, dtype=np.int64))
    table = pa.table([columns[c] for c in COLUMNS], names=COLUMNS)
    return table if bsn_ok.all() else table.filter(pa.array(bsn_ok))


def _normalized(table: pa.Table) -> pa.Table:
    """One schema for every file: text as dictionary<int32, string>, the id as string, the line as int64."""
    return pa.table([table.column(c).cast(TEXT) if c not in ("declaratie_id", "_line") else table.column(c)
                     for c in COLUMNS], names=COLUMNS)


def readers(con) -> dict:
    """What follows the load in the run, the same in both arms, on validated.claims (a view of the lines)."""
    def duplicates() -> list[str]:
        return [str(v) for v in con.execute(f"select count(*) from (select h, lag(h) over (order by h) as previous "
                                             f"from (select {ROW_HASH} as h from validated.claims)) where h = previous").fetchall()[0]]

    def aggregate() -> list[str]:
        run_model(con, DOMAIN.model_path("staged", "claims"))
        return [str(v) for v in con.execute(f"select count(*), sum(regels) from ({AGGREGATE})").fetchall()[0]]

    readers = {
        "duplicate search": duplicates,
        "distinct values": lambda: sum(len(v) for v in distinct_values(con, SPEC, SUITE).values()),
        "aggregate": aggregate,
    }
    found, timings = {}, {}
    for name, reader in readers.items():
        wall, cpu = time.perf_counter(), time.process_time()
        found[name] = reader()
        timings[name] = (time.perf_counter() - wall, time.process_time() - cpu)
    # not a reader of the run: the check that both arms hold the same lines
    found["lines"] = [str(v) for v in con.execute(f"select count(*), sum({LINE_HASH}::hugeint) from validated.claims").fetchall()[0]]
    return {"found": found, "readers": timings}


def arm(name: str, files: list[Path], db: Path) -> dict:
    started, cpu = time.perf_counter(), time.process_time()
    with connect(db) as con:
        con.execute(f"set checkpoint_threshold = '{DEFERRED_CHECKPOINT}'")
        prepare(con, [SPEC])
        load_seeds(con, DOMAIN.name)
        con.execute("create schema if not exists validated")
        if name == "stored":
            load_files(con, [(SPEC, path, f"claims/{path.name}") for path in files])
            con.execute("create view validated.claims as select * from raw.claims")
        else:
            def load(path: Path) -> pa.Table:
                cursor = con.cursor()
                register_macros(cursor)
                loader = held_pm304 if path.suffix.lstrip(".").lower() in pm304.EXTENSIONS else held_parquet
                try:
                    return _normalized(loader(cursor, path, f"claims/{path.name}"))
                finally:
                    cursor.close()
            # two files side by side, a DuckDB thread each, as the run loads them (threads are the database's)
            with threads_shared_by(con, 2), ThreadPoolExecutor(max_workers=2) as pool:
                tables = list(pool.map(load, sorted(files, key=lambda p: -p.stat().st_size)))
            con.register("held_claims", pa.concat_tables(tables))
            con.execute("create view validated.claims as select * from held_claims")
        loaded_cpu, loaded_wall = time.process_time() - cpu, time.perf_counter() - started
        result = readers(con)
    return {"arm": name, "load": (loaded_wall, loaded_cpu),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **result}


def main() -> int:
    if sys.argv[1] == "--arm":  # one arm, in this process
        files = sorted(p for p in Path(sys.argv[3]).iterdir() if p.suffix.lstrip(".").lower() in SPEC.extensions)
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(arm(sys.argv[2], files, Path(tmp) / "claims.duckdb")))
        return 0
    results = []
    for name in ("stored", "held"):
        done = subprocess.run([sys.executable, __file__, "--arm", name, sys.argv[1]], capture_output=True, text=True)
        if done.returncode:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        results.append(json.loads(done.stdout.splitlines()[-1]))
    for r in results:
        steps = {"load": r["load"], **r["readers"]}
        readers = (sum(wall for wall, _ in r["readers"].values()), sum(cpu for _, cpu in r["readers"].values()))
        print(f"{r['arm']}: peak RSS {r['peak_rss_mb']:.0f} MB; " + "; ".join(
            f"{name} {wall:.1f} s {cpu:.1f} CPU-s" for name, (wall, cpu) in {**steps, "readers": readers}.items()))
    same = results[0]["found"] == results[1]["found"]
    print(f"duplicates, distinct values, aggregate and lines: {results[0]['found']}, "
          f"{'the same in both arms' if same else 'NOT the same held: ' + str(results[1]['found'])}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
