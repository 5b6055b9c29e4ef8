"""Ingest: load every input file of the bundle as text into raw.<table>.

Raw tables keep each value exactly as written (VARCHAR), plus `_file` and
`_line` so that every row can be traced to its source line. Files load side by side
(ingest_workers), so raw tables are not in line order: readers order by (_file, _line). Typing happens in
the staged SQL layer, after validation. Private columns (the insured's BSN) are
checked for presence and never loaded: a BSN that passes the 11-proef is replaced
by its keyed pseudonym as the row is loaded, a row whose BSN fails it goes to
raw.quarantine. The 11-proef and the HMAC run once per distinct BSN, into an in-memory
Arrow table (the only place a BSN is held) that the loading queries join; no DuckDB table
ever holds a BSN. PM304 files take the same path through zorginkoop.ingest.pm304.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from zorginkoop.engine import memory_tables
from zorginkoop.engine.database import cursor_per_thread, threads_shared_by
from zorginkoop.ingest import lines, readahead
from zorginkoop.ingest.bundle import InputFile
from zorginkoop import progress
from zorginkoop.errors import BadInputError, raise_all
from zorginkoop.ingest.pm304 import EXTENSIONS as PM304_EXTENSIONS
from zorginkoop.ingest.pm304 import create_tables as create_pm304_tables
from zorginkoop.ingest.pm304 import load_pm304
from zorginkoop.ingest.privacy import in_memory, pseudonyms, register_macros
from zorginkoop.validation.rowchecks import create_codes_table, record_codes
from zorginkoop.settings import settings
from zorginkoop.sqltext import identifier, literal

CSV_OPTIONS = "delim=',', quote='\"', escape='\"', header=true, all_varchar=true, encoding='utf-8', strict_mode=true"


@dataclass
class FileReport:
    """What happened to one input file; written into manifest.json."""

    table: str
    path: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_deduplicated: int = 0
    rows_quarantined: int = 0
    notes: list[str] = field(default_factory=list)


def _source(path: Path) -> str:
    if path.suffix.lower() == ".parquet":
        return f"read_parquet({literal(path)})"
    return f"read_csv({literal(path)}, {CSV_OPTIONS})"


def _header(con: duckdb.DuckDBPyConnection, path: Path, rel: str) -> list[str]:
    try:
        return [d[0] for d in con.execute(f"select * from {_source(path)} limit 0").description]
    except duckdb.Error as exc:
        raise BadInputError(rel, f"cannot be read as {'Parquet' if path.suffix == '.parquet' else 'UTF-8 CSV with a header row'}: {str(exc).splitlines()[0]}",
                            hint="Export the file as UTF-8 CSV, comma-separated, with a header row") from exc


def create_raw_table(con: duckdb.DuckDBPyConnection, spec: InputFile) -> None:
    if spec.in_memory:  # a view over lines kept in memory, none yet
        memory_tables.create(con, spec.table, spec.memory_schema)
        return
    # DuckDB's default for text (a dictionary, FSST) looks for repeats that a column of distinct
    # values does not have: zstd writes such a column at the same size in half the CPU time
    # (a quarter of a CPU-second per 2 million claim lines); reading it costs the same.
    zstd = spec.distinct_columns
    cols = ", ".join(f"{identifier(c)} varchar{' using compression zstd' if c in zstd else ''}"
                     for c in spec.loaded_columns)
    con.execute(f"create or replace table raw.{spec.table} ({cols}, _file varchar, _line bigint)")


def create_quarantine_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""create table if not exists raw.quarantine
                   (file varchar, line bigint, "column" varchar, value varchar, reason varchar)""")
    create_codes_table(con)


def prepare(con: duckdb.DuckDBPyConnection, specs: list[InputFile]) -> None:
    """The raw schema, its empty tables, and the privacy macros (the pseudonym key is read here)."""
    con.execute("create schema if not exists raw")
    create_quarantine_table(con)
    create_pm304_tables(con)
    register_macros(con)
    for spec in specs:
        create_raw_table(con, spec)


def load_file(con: duckdb.DuckDBPyConnection, spec: InputFile, path: Path, rel: str) -> FileReport:
    """Append one file to raw.<table> (or to the lines kept in memory, registered anew on con);
    rel is how the file is named in messages and outputs."""
    report = _load_one(con, spec, path, rel)
    memory_tables.expose(con)
    return report


def _load_one(con: duckdb.DuckDBPyConnection, spec: InputFile, path: Path, rel: str) -> FileReport:
    started = readahead.start(path)  # its SHA-256, hashed beside the load
    try:
        return _load_file(con, spec, path, rel)
    finally:
        readahead.discard(path, started)  # taken by a load that succeeded; let go when it failed


def _load_file(con: duckdb.DuckDBPyConnection, spec: InputFile, path: Path, rel: str) -> FileReport:
    if path.suffix.lstrip(".").lower() in PM304_EXTENSIONS:
        result = load_pm304(con, path, rel, spec.memory_schema if spec.in_memory else None)
        return FileReport(spec.table, rel, result.sha256, rows_read=result.lines,
                          rows_loaded=result.lines - result.quarantined, rows_quarantined=result.quarantined,
                          notes=[f"PM304: {result.messages} bericht(en), {result.messages_rejected} niet geladen, "
                                 f"{result.loaded} prestatieregels geladen"])
    header = _header(con, path, rel)
    missing = [c for c in spec.columns if c not in header]
    if missing:
        raise BadInputError(rel, f"missing column(s) {', '.join(missing)}", column=missing[0],
                            examples=header, hint=f"The file has the columns shown; the contract requires {', '.join(spec.columns)}")
    plain = [c for c in spec.loaded_columns if c not in spec.pseudonymize.values()]
    select = ", ".join(f"cast(_rows.{identifier(c)} as varchar) as {identifier(c)}" for c in plain)
    # Line 1 is the CSV header, so data row n sits on line n + 1; Parquet rows count from 1 and
    # come numbered by the reader (no window, which would run on one thread).
    if path.suffix.lower() == ".parquet":
        source, line = f"read_parquet({literal(path)}, file_row_number=true)", "file_row_number + 1"
    else:
        source, line = _source(path), "row_number() over () + 1"
    rows = f"(select *, {line} as _source_line from {source}) as _rows"
    try:
        if not spec.pseudonymize:
            loaded = _keep(con, spec, rel, f"select {select}, {literal(rel)} as _file, _source_line as _line from {rows}")
            return FileReport(spec.table, rel, readahead.sha256(path), rows_read=loaded, rows_loaded=loaded)
        (private, pseudo), = spec.pseudonymize.items()
        # Claims kept in memory from a Parquet file: read by pyarrow and encoded per distinct value
        # (lines.parquet_lines), the pseudonyms made per distinct BSN on the way.
        straight = lines.parquet_lines(con, spec.memory_schema, path, rel, spec.pseudonymize) \
            if spec.in_memory and path.suffix.lower() == ".parquet" else None
        if straight is None:
            distinct = f"select distinct cast({identifier(private)} as varchar) as bsn from {source}"
            patients = pseudonyms(con, distinct)
        else:
            kept_lines, patients = straight
        # Every distinct BSN (an empty one too) is judged, so without a failing one no row is rejected
        # and the file is not read a third time to find none (an empty file is read: all() of nothing is null).
        any_rejected = not pc.all(patients["bsn_ok"], skip_nulls=False).as_py()
        with in_memory(con, "bsn_pseudonyms", patients):
            rows += f" left join bsn_pseudonyms on cast(_rows.{identifier(private)} as varchar) = bsn_pseudonyms.bsn"
            valid = "coalesce(bsn_pseudonyms.bsn_ok, false)"
            if straight is not None:
                loaded = memory_tables.add(con, spec.table, rel, kept_lines)
            else:
                loaded = _keep(con, spec, rel, f"select {select}, bsn_pseudonyms.patient_pseudonym as {identifier(pseudo)}, "
                                               f"{literal(rel)} as _file, _source_line as _line from {rows} where {valid}")
            if any_rejected:
                con.execute(f"create or replace temp table rejected as select {select}, {literal(rel)} as _file, "
                            f"_source_line as _line from {rows} where not {valid}")
    except (duckdb.Error, pa.ArrowException) as exc:
        raise BadInputError(rel, f"cannot be read: {str(exc).splitlines()[0]}",
                            hint="Check the encoding (UTF-8), the delimiter (comma) and the quoting") from exc
    rejected = 0
    if any_rejected:
        con.execute("insert into raw.quarantine select _file, _line, ?, null, ? from rejected order by _line",
                    [private, "BSN ontbreekt of voldoet niet aan de 11-proef; regel niet geladen"])
        record_codes(con, spec, "rejected", "true")
        rejected = con.execute("select count(*) from rejected").fetchall()[0][0]
        con.execute("drop table rejected")
    return FileReport(spec.table, rel, readahead.sha256(path), rows_read=loaded + rejected, rows_loaded=loaded,
                      rows_quarantined=rejected)


def _keep(con: duckdb.DuckDBPyConnection, spec: InputFile, rel: str, query: str) -> int:
    """The rows of `query` (the loaded columns, _file, _line) appended to raw.<table>, or kept in
    memory for a table that is (in_memory); how many."""
    if spec.in_memory:
        return memory_tables.add(con, spec.table, rel, lines.normalized(con.sql(query).to_arrow_table(), spec.memory_schema))
    columns = ", ".join(map(identifier, (*spec.loaded_columns, "_file", "_line")))
    return con.execute(f"insert into raw.{spec.table} ({columns}) select {columns} from ({query})").fetchall()[0][0]


MANY_FILES_PER_WORKER = 2


def ingest_workers() -> int:
    """How many files load at once (ZORGINKOOP_INGEST_WORKERS, see settings.py). A CSV file's numbering
    of its lines runs on one thread (a streaming window); two files side by side keep both cores of a
    small machine busy. Each worker has its own connection to the same database."""
    return settings().ingest_workers


def load_files(con: duckdb.DuckDBPyConnection, jobs: list[tuple[InputFile, Path, str]]) -> list[FileReport | BadInputError]:
    """Load (spec, path, name) jobs side by side (ingest_workers, largest file first), each worker on
    its own connection; the result per job, in the jobs' order: its report or why it was refused."""
    cursor = cursor_per_thread(con, register_macros)  # the macros belong to a connection

    def load(job: tuple[InputFile, Path, str]) -> FileReport | BadInputError:
        try:
            return _load_one(cursor(), *job)  # the kept lines are registered once, after every file
        except BadInputError as exc:
            return exc

    by_size = sorted(range(len(jobs)), key=lambda i: -jobs[i][1].stat().st_size)
    results: dict[int, FileReport | BadInputError] = {}
    workers = max(1, min(ingest_workers(), len(jobs)))
    # The threads are shared only among many files (a bundle): with a few, one of them is most of
    # the work, and it would run on a share while the other workers wait.
    shared = workers if len(jobs) > MANY_FILES_PER_WORKER * workers else 1
    with threads_shared_by(con, shared), ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest") as pool:
        futures = {pool.submit(load, jobs[i]): i for i in by_size}
        for future in progress.items(as_completed(futures), "Loading input files", total=len(futures)):
            results[futures[future]] = future.result()
    memory_tables.expose(con)  # the lines kept in memory, now all of them, for this connection's readers
    return [results[i] for i in range(len(jobs))]


def ingest_bundle(con: duckdb.DuckDBPyConnection, specs: list[InputFile], input_dir: Path) -> list[FileReport]:
    """Load every file of the bundle; raise one error listing every file that cannot be loaded.

    Files load in parallel (ingest_workers), largest first so that the long ones overlap; the
    reports and errors keep the bundle's order, and every raw table is read by its users in an
    explicit order (by _file, _line), so the outputs do not depend on which file finished first."""
    if not input_dir.is_dir():
        raise BadInputError(str(input_dir), "the input directory does not exist")
    prepare(con, specs)
    jobs, entries = [], []  # entries: the bundle's order, a missing file's error or a job's index
    for spec in specs:
        paths = spec.find(input_dir)
        if not paths and spec.required and spec.is_directory:
            folder = spec.path[:-1]
            entries.append(BadInputError(folder, f"no input files in this required folder ({spec.description})",
                                         hint=f"Put files named *.{', *.'.join(spec.extensions)} in {input_dir / folder}"))
        elif not paths and spec.required:
            entries.append(BadInputError(spec.path, f"required file is missing ({spec.description})",
                                         hint=f"Put it at {input_dir / spec.path}"))
        for path in paths:
            entries.append(len(jobs))
            jobs.append((spec, path, path.relative_to(input_dir).as_posix()))
    results = load_files(con, jobs)
    ordered = [results[e] if isinstance(e, int) else e for e in entries]
    errors = [r for r in ordered if isinstance(r, BadInputError)]
    raise_all(errors)
    return [r for r in ordered if isinstance(r, FileReport)]
