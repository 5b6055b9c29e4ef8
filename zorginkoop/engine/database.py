"""Opening the run's DuckDB database, with the same settings everywhere."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from zorginkoop.paths import SEEDS_DIR
from zorginkoop.settings import settings
from zorginkoop.engine import memory_tables
from zorginkoop.sqltext import literal


log = logging.getLogger(__name__)


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
    memory_tables.expose(con)  # the claim lines a run keeps in memory, when this database has them
    return con


# DuckDB writes logged tables into the file (a checkpoint, compressing them on one thread) whenever
# the log passes checkpoint_threshold (16 MB), and when its last connection closes. A held run
# defers that to the one checkpoint at the end (docs/decisions.md, "One database for the run").
DEFERRED_CHECKPOINT = "1TB"


class HeldDatabase:
    """The run's database file held open from its first stage to its last: in one process, every
    connect() to the same path shares this DuckDB instance, so the stages open no file of their own
    and the tables they write reach the file in one checkpoint, when the hold ends.

    close_beside() ends the hold on a thread of its own, so that the checkpoint (one core) runs
    beside work that does not touch the database (the report); wait() joins it. Leaving the block
    closes it in any case: a failed run leaves no open file behind."""

    def __init__(self, db_path: Path) -> None:
        self.con: duckdb.DuckDBPyConnection | None = connect(db_path)
        self.con.execute(f"set checkpoint_threshold = '{DEFERRED_CHECKPOINT}'")
        self.con.execute("set fsync_mode = 'none'")
        self._closing: threading.Thread | None = None
        self._error: BaseException | None = None

    def _close(self) -> None:
        try:
            if self.con is not None:
                memory_tables.release(self.con)  # the views over lines kept in memory go with them
                self.con.execute("set fsync_mode = 'standard'")
                self.con.close()  # the last connection: DuckDB checkpoints here
        except BaseException as exc:  # noqa: BLE001 (re-raised by wait, on the caller's thread)
            self._error = exc
        finally:
            self.con = None

    def close_beside(self) -> None:
        if self._closing is None:
            self._closing = threading.Thread(target=self._close, name="database-checkpoint")
            self._closing.start()

    def wait(self) -> None:
        """The hold ended and the file complete; raises what closing it raised."""
        if self._closing is None:
            self._close()
        else:
            self._closing.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def __enter__(self) -> "HeldDatabase":
        return self

    def __exit__(self, exc_type, *_) -> None:
        try:
            self.wait()
        except Exception:
            if exc_type is None:
                raise
            # the run's own error is the one to report
            log.warning("closing the run's database after a failure failed too", exc_info=True)


def cursor_per_thread(con: duckdb.DuckDBPyConnection,
                      prepare: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
                      kept: bool = True) -> Callable[[], duckdb.DuckDBPyConnection]:
    """For work side by side on a pool of threads: a function that gives the calling thread its own
    connection to con's database (made, and prepared, on its first call). Temp tables and macros
    belong to a connection; the database's settings are shared. kept: with the lines kept in
    memory registered (new_cursor), for work that reads them."""
    local = threading.local()

    def cursor() -> duckdb.DuckDBPyConnection:
        if not hasattr(local, "con"):
            local.con = new_cursor(con, kept)
            if prepare:
                prepare(local.con)
        return local.con

    return cursor


def new_cursor(con: duckdb.DuckDBPyConnection, kept: bool = True) -> duckdb.DuckDBPyConnection:
    """A connection of its own to con's database, for work beside con's: with the claim lines kept
    in memory registered (a connection sees only what is registered on it) unless `kept` is False
    (registering them joins every file's lines so far: work that does not read them goes without)."""
    cursor = con.cursor()
    cursor.execute("set enable_progress_bar = false")
    if kept:
        memory_tables.expose(cursor)
    return cursor


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
