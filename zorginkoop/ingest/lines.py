"""A file's lines as Arrow, for a table kept in memory (engine.memory_tables): every text column
dictionary-encoded, each distinct value's text made once by DuckDB's own cast (the same text a
stored raw table holds), and the patient's pseudonym made once per distinct BSN and given to each
line by its index into them (no join over the lines).

Parquet files are read this way straight from the file (parquet_lines; pyarrow hands string
columns over dictionary-encoded); regular PM304 files from their cut bytes (pm304.claim_lines);
any other file through the loader's own query (normalized).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from zorginkoop.arrays import combined, from_numpy, texts, to_numpy
from zorginkoop.engine.memory_tables import TEXT
from zorginkoop.ingest.privacy import pseudonyms

AS_TEXT = "cast(v as varchar)"


def text_per_value(con: duckdb.DuckDBPyConnection, values: pa.Array, sql: str = AS_TEXT) -> pa.Array:
    """`sql` (an expression of v) for each value, by DuckDB, in the values' order: as text."""
    con.register("distinct_values", pa.table({"v": values, "i": from_numpy(np.arange(len(values), dtype=np.int64))}))
    try:
        found = con.sql(f"select {sql} as t from distinct_values order by i").to_arrow_table()
    finally:
        con.unregister("distinct_values")
    return combined(found.column(0)).cast(pa.string())


def dictionary_text(con: duckdb.DuckDBPyConnection, array: pa.Array | pa.ChunkedArray, sql: str = AS_TEXT) -> pa.DictionaryArray:
    """A column as dictionary-encoded text: `sql` run once per distinct value (a null stays null)."""
    if isinstance(array, pa.ChunkedArray):
        array = combined(array)
    encoded = array if pa.types.is_dictionary(array.type) else pc.dictionary_encode(array)
    values = encoded.dictionary
    if pa.types.is_fixed_size_binary(values.type):  # bytes cut from a line: text, as DuckDB reads the line
        values = values.cast(pa.binary()).cast(pa.string())
    return text_dictionary(encoded.indices, text_per_value(con, values, sql))


def text_dictionary(indices: pa.Array, values: pa.Array) -> pa.DictionaryArray:
    """Lines as indices into distinct texts; a null text becomes a null line, so that no dictionary
    holds a null (Arrow cannot join the dictionaries of two files that do)."""
    indices = indices.cast(pa.int32())
    if values.null_count:
        null_text = to_numpy(pc.is_null(values))
        at = to_numpy(indices, null=0)
        missing = null_text[at] | to_numpy(pc.is_null(indices))
        indices = from_numpy(at.astype(np.int32), missing)
        values = values.fill_null(texts([""])[0])
    return pa.DictionaryArray.from_arrays(indices, values)


def patients(con: duckdb.DuckDBPyConnection, bsn: pa.DictionaryArray) -> tuple[pa.Table, pa.DictionaryArray, np.ndarray]:
    """From the lines' BSNs as text: the 11-proef and pseudonym of each distinct BSN (privacy.pseudonyms:
    bsn, bsn_ok, patient_pseudonym), each line's pseudonym by index into them, and which lines pass
    (a line without a BSN does not; as in the loader's query, an empty BSN is among the distinct ones,
    judged failing). The table holds BSNs: it stays in memory, never in DuckDB."""
    con.register("distinct_bsns", pa.table({"bsn": bsn.dictionary}))
    try:
        found = pseudonyms(con, "select bsn from distinct_bsns")
    finally:
        con.unregister("distinct_bsns")
    if bsn.null_count:
        found = pa.concat_tables([found, pa.table([pa.nulls(1, found.schema.field("bsn").type), from_numpy(np.zeros(1, dtype=bool)),
                                                   pa.nulls(1, found.schema.field("patient_pseudonym").type)], schema=found.schema)])
    return (found, *by_line(bsn, found))


def by_line(bsn: pa.DictionaryArray, found: pa.Table) -> tuple[pa.DictionaryArray, np.ndarray]:
    """Each line's pseudonym, by its BSN's index into `found` (privacy.pseudonyms of the distinct
    BSNs), and whether the line passes (its BSN is there and passes the 11-proef)."""
    at = pc.index_in(bsn.dictionary, value_set=combined(found.column("bsn")))  # each distinct BSN's row
    per_value = found.take(at)
    pseudonym = text_dictionary(bsn.indices, combined(per_value.column("patient_pseudonym")).cast(pa.string()))
    ok = pc.take(combined(per_value.column("bsn_ok")), bsn.indices)
    return pseudonym, to_numpy(ok, null=False)


def normalized(lines: pa.Table, schema: pa.Schema) -> pa.Table:
    """Lines from a query (text, _file, _line) in the kept table's schema: text dictionary-encoded."""
    columns = []
    for field in schema:
        column = lines.column(field.name)
        if field.type == TEXT:
            column = pc.dictionary_encode(column.cast(pa.string()))
            column = pa.chunked_array([c.cast(TEXT) for c in column.chunks], type=TEXT)
        columns.append(column.cast(field.type))
    return pa.table(columns, schema=schema)


def one_value(text: str, rows: int) -> pa.DictionaryArray:
    """The same text on every line (the file's name)."""
    return pa.DictionaryArray.from_arrays(from_numpy(np.zeros(rows, dtype=np.int32)), texts([text]))


def _simple(field: pa.Field) -> bool:
    kind = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
    return any(test(kind) for test in (pa.types.is_string, pa.types.is_large_string, pa.types.is_integer,
                                       pa.types.is_floating, pa.types.is_decimal, pa.types.is_date,
                                       pa.types.is_timestamp, pa.types.is_boolean))


def parquet_lines(con: duckdb.DuckDBPyConnection, schema: pa.Schema, path: Path, rel: str,
                  pseudonymize: dict[str, str]) -> tuple[pa.Table, pa.Table] | None:
    """A Parquet file's lines in the kept table's schema, and the pseudonyms of its distinct BSNs
    (patients); its lines whose BSN is empty or fails the 11-proef are left out (the loader
    quarantines them). None when a column has a type this path does not read (nested, binary):
    the loader's query reads such a file."""
    (private, pseudo), = pseudonymize.items()
    names = [f.name for f in schema if f.name not in ("_file", "_line", pseudo)] + [private]
    fields = {f.name: f for f in pq.read_schema(path)}
    if not all(_simple(fields[name]) for name in names):
        return None
    text = {f.name for f in schema if f.type == TEXT} | {private}
    read = pq.read_table(path, columns=names, read_dictionary=[n for n in names if n in text and
                                                               (pa.types.is_string(fields[n].type) or pa.types.is_large_string(fields[n].type))])
    columns: dict[str, pa.Array] = {}
    for name in names:
        if name == private:
            found, columns[pseudo], keep = patients(con, dictionary_text(con, read.column(name)))
        elif name in text:
            columns[name] = dictionary_text(con, read.column(name))
        elif pa.types.is_string(fields[name].type) or pa.types.is_large_string(fields[name].type):
            columns[name] = combined(read.column(name)).cast(pa.string())  # a column whose values all differ
        else:
            columns[name] = text_per_value(con, combined(read.column(name)))
    columns["_file"] = one_value(rel, read.num_rows)
    columns["_line"] = from_numpy(np.arange(1, read.num_rows + 1, dtype=np.int64))  # as file_row_number + 1
    table = pa.table([columns[f.name] for f in schema], schema=schema)
    return (table if keep.all() else table.filter(from_numpy(keep))), found
