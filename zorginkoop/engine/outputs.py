"""Writing a command's outputs: a staging directory, the files, one atomic switch, clean-up.

Every command that writes outputs (`run`, `claims load`, `publish`) goes through output_writer:

    with output_writer(path) as staging:
        rows = write_query(con, "select * from exports.decisions", staging / "decisions.parquet")

The output path is a symlink to .<name>.runs/<run id>/. Files are written into
.<name>.runs/.staging-<pid>/ beside it (same file system, so renames are atomic); only when the
block ends without an exception is the staging directory renamed to its run id and the symlink
switched, in one rename. A failed run removes its staging directory; a killed run leaves it, and
the next run into the same path removes it (recover). The previous run is kept, older ones go.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from zorginkoop.engine.database import cursor_per_thread
from zorginkoop.errors import BadInputError
from zorginkoop.settings import settings
from zorginkoop.sqltext import literal

DATABASE_NAME = "zorginkoop.duckdb"
DATA_DOCS_DIR = "data_docs"
MANIFEST_NAME = "manifest.json"
# What the commands write into a run directory: a real output directory holding only these may be moved in.
KNOWN_OUTPUTS = (".parquet", ".csv", MANIFEST_NAME, DATABASE_NAME, DATA_DOCS_DIR, "report.html", "selectie.xlsx")
# No Bloom filters: they cost a fifth of writing claims.parquet, and a BI tool reads a whole output.
FORMATS = {"parquet": "format parquet, compression zstd, compression_level 1, write_bloom_filter false",
           "csv": "format csv, header true"}


def write_query(con, query: str, target: Path) -> int:
    """Write a query's rows to target (Parquet with zstd, or CSV with a header, by its suffix); returns the row count."""
    options = FORMATS[target.suffix.lstrip(".")]
    return con.execute(f"copy ({query}) to {literal(target)} ({options})").fetchall()[0][0]


def write_queries(con, queries: dict[Path, str], workers: int | None = None) -> dict[Path, int]:
    """write_query for each target -> query, up to `workers` (ZORGINKOOP_MODEL_WORKERS) side by side,
    each on a connection of its own (a small table's writer keeps one core busy, not two);
    returns the row counts in the order given."""
    workers = settings().model_workers if workers is None else workers
    cursor = cursor_per_thread(con)

    def write(target: Path) -> int:
        return write_query(cursor(), queries[target], target)

    if workers <= 1 or len(queries) <= 1:
        return {target: write_query(con, query, target) for target, query in queries.items()}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="output") as pool:
        counts = dict(zip(queries, pool.map(write, queries)))
    return counts


def publish(staging: Path, output_dir: Path) -> Path:
    """Make a finished staging directory the current output with atomic renames; keep the previous run.

    A real directory from an earlier version is moved into the runs directory first (only our
    own files are in it, check_output_dir made sure).
    """
    runs = staging.parent
    run_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}"
    final, n = runs / run_id, 1
    while final.exists():  # a second run of the same process within the same second
        final, n = runs / f"{run_id}.{n}", n + 1
    os.rename(staging, final)  # from here on the run is complete (its name has no leading dot)
    previous = output_dir.resolve() if output_dir.is_symlink() else None
    if output_dir.is_dir() and not output_dir.is_symlink():
        previous = runs / f"{final.name}-previous"
        os.rename(output_dir, previous)
    _link(output_dir, final)
    for old in _complete_runs(runs):
        if old not in (final, previous):
            shutil.rmtree(old, ignore_errors=True)
    return final


@contextmanager
def output_writer(output_dir: Path, publish: Callable[[Path, Path], object] = publish) -> Iterator[Path]:
    """A fresh staging directory for the outputs; published when the block succeeds, removed either way.

    publish is the switch itself; the selection flow passes it wrapped as a Prefect task.
    """
    # abspath, not resolve(): the output path is a symlink to the current run and must stay one
    output_dir = Path(os.path.abspath(output_dir))
    staging = _staging_dir_for(output_dir)
    try:
        yield staging
        publish(staging, output_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def runs_dir(output_dir: Path) -> Path:
    """Where complete runs live; the output path itself is a symlink to the current one."""
    return output_dir.parent / f".{output_dir.name}.runs"


def check_output_dir(output_dir: Path) -> None:
    """Refuse an output directory that holds files no run wrote: publishing would move them."""
    if output_dir.is_dir() and not output_dir.is_symlink():
        foreign = sorted(p.name for p in output_dir.iterdir() if not p.name.endswith(KNOWN_OUTPUTS))
        if foreign:
            raise BadInputError(str(output_dir), "the output directory holds files that are not outputs of a run",
                                examples=foreign, hint="Choose an empty or new directory for --output")


def recover(output_dir: Path) -> None:
    """Start cleanly after a crash: drop staging directories of dead runs, and relink the
    newest complete run when a run died between moving old outputs aside and linking new ones."""
    runs = runs_dir(output_dir)
    if not runs.is_dir():
        return
    for stale in runs.glob(".staging-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or not _pid_alive(int(pid)) or int(pid) == os.getpid():
            shutil.rmtree(stale, ignore_errors=True)
    complete = _complete_runs(runs)
    if complete and not output_dir.exists():
        _link(output_dir, complete[-1])


def _staging_dir_for(output_dir: Path) -> Path:
    """A fresh staging directory for this run, on the same file system as the output."""
    check_output_dir(output_dir)
    recover(output_dir)
    staging = runs_dir(output_dir) / f".staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def _complete_runs(runs: Path) -> list[Path]:
    # A staging directory becomes a run by one rename to a name without the leading dot.
    return sorted((p for p in runs.iterdir() if not p.name.startswith(".") and p.is_dir()), key=lambda p: p.name)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _link(output_dir: Path, target: Path) -> None:
    temporary = output_dir.parent / f".{output_dir.name}.link-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(os.path.relpath(target, output_dir.parent), temporary)
    os.replace(temporary, output_dir)  # atomic: readers see the old run or the new one, never a mix
