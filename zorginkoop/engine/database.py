"""Opening the run's DuckDB database, with the same settings everywhere."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from zorginkoop.paths import SEEDS_DIR
from zorginkoop.settings import settings
from zorginkoop.sqltext import literal


def connect(db_path: Path | str, read_only: bool = False, temp_directory: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The run's settings on a new connection; temp_directory is where it spills unless
    ZORGINKOOP_TEMP_DIRECTORY says otherwise (an in-memory database would spill into ./.tmp)."""
    con = duckdb.connect(str(db_path), read_only=read_only)
    # Output order must not depend on thread scheduling (byte-identical reruns).
    con.execute("set preserve_insertion_order = true")
    con.execute("set enable_progress_bar = false")
    config = settings()
    if config.threads:
        con.execute(f"set threads = {config.threads}")
    # Memory bound for large runs: DuckDB spills to temp_directory above memory_limit.
    if config.memory_limit:
        con.execute(f"set memory_limit = '{config.memory_limit}'")
    temp_directory = config.temp_directory or temp_directory
    if temp_directory:
        con.execute(f"set temp_directory = {literal(temp_directory)}")
    return con


@contextmanager
def threads_shared_by(con: duckdb.DuckDBPyConnection, workers: int) -> Iterator[None]:
    """DuckDB's threads divided among `workers` statements that run side by side (files loading,
    each on a connection of its own): two of them on two cores run a thread each, not two that take
    turns on each core (docs/decisions.md, "Loading side by side"). For many files only: a file
    that is most of the work would run on a share while the other workers wait (load_files).
    The threads are the database's, not a connection's: they are set back as they were after the block."""
    total = int(con.execute("select current_setting('threads')").fetchall()[0][0])
    shared = max(1, total // max(1, workers))
    if shared == total:
        yield
        return
    con.execute(f"set threads = {shared}")
    try:
        yield
    finally:
        con.execute(f"set threads = {total}")


def load_seeds(con: duckdb.DuckDBPyConnection, domain_name: str) -> list[str]:
    """seeds/<domain>/*.csv -> seeds.<name>: public code lists, as text."""
    con.execute("create schema if not exists seeds")
    names = []
    for path in sorted((SEEDS_DIR / domain_name).glob("*.csv")):
        con.execute(f"create or replace table seeds.{path.stem} as "
                    f"select * from read_csv({literal(path)}, header=true, all_varchar=true)")
        names.append(path.stem)
    return names
