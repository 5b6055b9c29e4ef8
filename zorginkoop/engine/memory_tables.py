"""Input tables kept in memory for the run instead of stored in its database file (suite meta
`in_memory`: the claim lines).

Storing a claim line costs DuckDB about 0.8 CPU-seconds per million whatever its form, half the
work of loading it (docs/decisions.md, "Claim lines kept in memory"). So the lines of such a table
are held as Arrow, one part per file, text dictionary-encoded (zorginkoop.ingest.lines), and
`raw.<table>` is a view over them. Every connection that reads them has them registered (expose:
database.connect and database.new_cursor do it); the tables live in this process, keyed by a name
unique to the run (recorded in raw.memory_tables), from ingest until the run's database closes
(release drops the views over them: the file keeps the lines' aggregate, never the lines).

A view has no DuckDB row id, so the kept table carries its own `rowid` column, numbered in the
order of the files' names when the parts are joined: the row checks find a line by it, as by a
stored table's row id.
"""

from __future__ import annotations

import logging
import threading
import uuid
from contextlib import contextmanager
from typing import Iterator

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zorginkoop.arrays import empty, from_numpy, to_numpy


log = logging.getLogger(__name__)

TEXT = pa.dictionary(pa.int32(), pa.string())
REGISTRY_TABLE = "raw.memory_tables"

_lock = threading.Lock()
_schemas: dict[str, pa.Schema] = {}            # source -> the lines' schema (without rowid)
_parts: dict[str, dict[str, pa.Table]] = {}   # source -> file name -> its lines
_joined: dict[str, pa.Table] = {}             # source -> every part, with rowid, in file order


def schema(columns: tuple[str, ...], distinct_columns: tuple[str, ...]) -> pa.Schema:
    """A kept table's columns: text dictionary-encoded, except a column whose values all differ
    (a claim line's id: a dictionary would be as large as the values), then _file and _line."""
    return pa.schema([*(pa.field(c, pa.string() if c in distinct_columns else TEXT) for c in columns),
                      pa.field("_file", TEXT), pa.field("_line", pa.int64())])


def create(con: duckdb.DuckDBPyConnection, table: str, table_schema: pa.Schema) -> str:
    """raw.<table> as a view over lines kept in memory (none yet); the name they are registered by."""
    source = f"memory_{table}_{uuid.uuid4().hex}"
    con.execute(f"create table if not exists {REGISTRY_TABLE} (table_name varchar, source varchar)")
    replaced = con.execute(f"select source from {REGISTRY_TABLE} where table_name = ?", [table]).fetchall()
    with _lock:
        for (old,) in replaced:  # the table made anew: its lines so far go
            for kept in (_schemas, _parts, _joined):
                kept.pop(old, None)
        _schemas[source], _parts[source] = table_schema, {}
        _joined[source] = _with_rowid([], table_schema)
    con.execute(f"delete from {REGISTRY_TABLE} where table_name = ?", [table])
    con.execute(f"insert into {REGISTRY_TABLE} values (?, ?)", [table, source])
    con.register(source, _joined[source])
    con.execute(f"create or replace view raw.{table} as select * from {source}")
    return source


def _source(con: duckdb.DuckDBPyConnection, table: str) -> str:
    return con.execute(f"select source from {REGISTRY_TABLE} where table_name = ?", [table]).fetchall()[0][0]


def add(con: duckdb.DuckDBPyConnection, table: str, file: str, lines: pa.Table) -> int:
    """Keep one file's lines (in the table's schema); their count."""
    source = _source(con, table)
    with _lock:
        assert lines.schema.equals(_schemas[source]), f"{file}: lines in another schema than raw.{table}: {lines.schema}"
        _parts[source][file] = lines
        _joined.pop(source, None)
    return lines.num_rows


def _with_rowid(parts: list[pa.Table], table_schema: pa.Schema) -> pa.Table:
    joined = pa.concat_tables(parts) if parts else empty(table_schema)
    return joined.append_column("rowid", from_numpy(np.arange(joined.num_rows, dtype=np.int64)))


def _table(source: str) -> pa.Table | None:
    with _lock:
        if source not in _parts:
            return None
        if source not in _joined:
            _joined[source] = _with_rowid(_sorted_parts(source), _schemas[source])
        return _joined[source]


def take(con: duckdb.DuckDBPyConnection, table: str, rowids) -> pa.Table:
    """The lines of raw.<table> with these row ids (its rowid column), read straight from Arrow,
    from each file's part on its own (a take across parts would first join every column whole)."""
    source = _source(con, table)
    rowids = np.asarray(rowids, dtype=np.int64)
    pieces, start = [], 0
    for part in _parts_in_order(source):  # numbered in this order (_table)
        ids = rowids[(rowids >= start) & (rowids < start + part.num_rows)]
        if len(ids):
            pieces.append(part.take(from_numpy(ids - start)).append_column("rowid", from_numpy(ids)))
        start += part.num_rows
    return pa.concat_tables(pieces) if pieces else empty(_table(source).schema)


def _sorted_parts(source: str) -> list[pa.Table]:
    """The files' lines in the order of their names: the order the rowid numbers them in."""
    return [_parts[source][f] for f in sorted(_parts[source])]


def _parts_in_order(source: str) -> list[pa.Table]:
    with _lock:
        return _sorted_parts(source)


def lines(con: duckdb.DuckDBPyConnection, table: str, validated: bool) -> list[tuple[pa.Table, np.ndarray | None]]:
    """Each file's part of raw.<table>, in rowid order, with which of its lines are in
    validated.<table> (without the lines raw.kept_out names) when `validated`: a mask, or None for
    all of them. Found once, for every column that distinct and least then read."""
    source = _source(con, table)
    left_out: dict[str, np.ndarray] = {}
    if validated:
        for file, kept_out in con.execute("select file, list(line) from raw.kept_out group by file").fetchall():
            left_out[file] = np.asarray(kept_out, dtype=np.int64)
    found = []
    for part in _parts_in_order(source):
        if not part.num_rows:
            continue
        name = part.column("_file").chunk(0).dictionary[0].as_py()  # a part is one file
        mask = ~np.isin(to_numpy(part.column("_line")), left_out[name]) if name in left_out else None
        found.append((part, mask))
    return found


def _chunks(parts: list[tuple[pa.Table, np.ndarray | None]], column: str) -> Iterator[tuple[pa.Array, np.ndarray | None]]:
    """A column of the parts chunk by chunk, each with its slice of the part's mask."""
    for part, mask in parts:
        start = 0
        for chunk in part.column(column).chunks:
            yield chunk, None if mask is None else mask[start:start + len(chunk)]
            start += len(chunk)


def _used(chunk: pa.Array, mask: np.ndarray | None) -> tuple[pa.Array, bool]:
    """What the lines of a chunk (those in the mask) hold, without nulls: for a dictionary column
    its distinct values, found by counting the indices the lines use (no line's text is read);
    for another column the values themselves. And whether a line holds none."""
    if pa.types.is_dictionary(chunk.type):
        size = len(chunk.dictionary)
        at = to_numpy(chunk.indices, null=size)  # a null line counts in slot `size`
        used = np.bincount(at if mask is None else at[mask], minlength=size + 1)
        return chunk.dictionary.filter(from_numpy(used[:size] > 0)), bool(used[size])
    chunk = chunk if mask is None else chunk.filter(from_numpy(mask))
    return chunk.drop_null(), chunk.null_count > 0


def distinct(con: duckdb.DuckDBPyConnection, table: str, column: str, validated: bool,
             parts: list[tuple[pa.Table, np.ndarray | None]] | None = None) -> tuple[pa.Array, bool]:
    """Every distinct non-null value of a text column (unsorted), and whether a line has none. From
    the dictionaries (_used): a scan through the view would turn every line into DuckDB's strings
    to find some thousand values. parts: lines(con, table, validated), when the caller reads
    several columns."""
    found, has_null = [], False
    for chunk, mask in _chunks(lines(con, table, validated) if parts is None else parts, column):
        values, none = _used(chunk, mask)
        found.append(values if pa.types.is_dictionary(chunk.type) else pc.unique(values))
        has_null = has_null or none
    return (pc.unique(pa.concat_arrays(found)) if found else pa.nulls(0, pa.string())), has_null


def least(con: duckdb.DuckDBPyConnection, table: str, column: str, validated: bool,
          parts: list[tuple[pa.Table, np.ndarray | None]] | None = None) -> tuple[str | None, bool]:
    """The least non-null value of a text column (by its bytes, as DuckDB orders text), and whether a
    line has none; for a column whose values all differ, where distinct would hash every line."""
    least_value, has_null = None, False
    for chunk, mask in _chunks(lines(con, table, validated) if parts is None else parts, column):
        values, none = _used(chunk, mask)
        has_null = has_null or none
        low = pc.min(values.cast(pa.binary())).as_py()  # bytes: the order DuckDB sorts text in
        if low is not None and (least_value is None or low < least_value):
            least_value = low
    return (least_value.decode("utf-8") if least_value is not None else None), has_null


def expose(con: duckdb.DuckDBPyConnection) -> None:
    """Register the kept tables of con's database on con (a connection sees only its own)."""
    try:
        sources = con.execute(f"select source from {REGISTRY_TABLE}").fetchall()
    except duckdb.CatalogException:
        return  # a database without kept tables
    for (source,) in sources:
        table = _table(source)
        if table is not None:
            con.register(source, table)


def release(con: duckdb.DuckDBPyConnection) -> None:
    """The end of a run: the views over the kept lines go (raw., validated. and staged.<table>: a
    view over lines that are no longer there would fail whoever opens the file), and the lines with
    them. What the run derived from them (tables) stays."""
    try:
        rows = con.execute(f"select table_name, source from {REGISTRY_TABLE}").fetchall()
    except duckdb.CatalogException:
        return
    views = {(s, v) for s, v in con.execute("select schema_name, view_name from duckdb_views() where not internal").fetchall()}
    for table, source in rows:
        for schema_name in ("staged", "validated", "raw"):
            if (schema_name, table) in views:
                con.execute(f"drop view {schema_name}.{table}")
        con.execute(f"delete from {REGISTRY_TABLE} where source = ?", [source])
        with _lock:
            for kept in (_schemas, _parts, _joined):
                kept.pop(source, None)


@contextmanager
def released(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """release(con) when the block ends, however it ends (a command whose database is let go). When
    it ends in an error, that error is the one reported: a release that fails too is logged."""
    try:
        yield
    except BaseException:
        try:
            release(con)
        except duckdb.Error:
            log.warning("letting go of the lines kept in memory after a failure failed too", exc_info=True)
        raise
    release(con)
