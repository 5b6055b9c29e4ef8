"""An input file's SHA-256 (for the manifest), and a PM304 file's bytes mapped, read in a thread of their own.

`claims load` starts this for the first files it will load before it imports DuckDB, numpy and
pyarrow (half a second on one core): the file is read and hashed by hashlib (without the GIL) on
the other core meanwhile. Only the standard library is imported here, so starting costs nothing.
The loaders take what was started, or start it then: pm304.load_pm304 cuts the mapped bytes while
they are hashed; the CSV and Parquet loader only needs the digest (sha256), so those files are
read, not mapped (a mapped file that shrinks under its reader kills the process).
"""

from __future__ import annotations

import hashlib
import mmap
import threading
from concurrent.futures import Future
from pathlib import Path

# The extensions of Vektis PM304 files (pm304.EXTENSIONS): these are mapped, for the parser.
PM304_EXTENSIONS = ("txt", "dat", "asc")

# path -> (the file's version, future of its mapped bytes or None, future of its digest)
Entry = tuple[tuple[int, ...] | None, Future, Future]
_started: dict[Path, Entry] = {}
_lock = threading.Lock()


def _mapped(path: Path) -> mmap.mmap | bytes:
    """The file's bytes, mapped (read ahead by the kernel, no copy); unmapped when the last reference goes."""
    with path.open("rb") as fh:
        if path.stat().st_size == 0:
            return b""
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    for advice in ("MADV_SEQUENTIAL", "MADV_WILLNEED"):
        if hasattr(mmap, advice):
            mapped.madvise(getattr(mmap, advice))
    return mapped


def _read(path: Path, raw: Future, digest: Future) -> None:
    try:
        if path.suffix.lstrip(".").lower() in PM304_EXTENSIONS:
            data = _mapped(path)
            raw.set_result(data)
            digest.set_result(hashlib.sha256(data).hexdigest())  # hashlib releases the GIL
        else:
            raw.set_result(None)
            with path.open("rb") as fh:
                digest.set_result(hashlib.file_digest(fh, "sha256").hexdigest())
    except BaseException as exc:  # noqa: BLE001 (handed to whoever takes the file)
        for future in (raw, digest):
            if not future.done():
                future.set_exception(exc)


def _version(path: Path) -> tuple[int, ...] | None:
    """What tells one content of the file from another: which file it is, its size and when it
    last changed (ctime, which no copy tool sets back)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


def _new(path: Path, version) -> Entry:
    entry = (version, Future(), Future())
    threading.Thread(target=_read, args=(path, entry[1], entry[2]), name="readahead", daemon=True).start()
    return entry


def start(path: Path) -> Future:
    """Read the file in a daemon thread, unless that was started already for the file as it is now
    (a file changed since is read again). Returns the future of its digest, for discard: never the
    bytes, which are let go as soon as the load that took them is done with them."""
    path = Path(path).resolve()
    version = _version(path)
    with _lock:
        entry = _started.get(path)
        if entry is None or entry[0] != version:
            entry = _started[path] = _new(path, version)
    return entry[2]


def take(path: Path) -> tuple[mmap.mmap | bytes | None, Future]:
    """The file's mapped bytes (PM304; None for any other file; waiting for the mapping only) and the
    future of its SHA-256 hex digest. What was read ahead is taken by one load only: a second load
    of the same file reads it again."""
    path = Path(path).resolve()
    version = _version(path)
    with _lock:
        entry = _started.pop(path, None)
        if entry is None or entry[0] != version:
            entry = _new(path, version)
    return entry[1].result(), entry[2]


def discard(path: Path, started: Future) -> None:
    """Let go of what start returned when no load took it (a load that failed)."""
    path = Path(path).resolve()
    with _lock:
        entry = _started.get(path)
        if entry is not None and entry[2] is started:
            del _started[path]


def sha256(path: Path) -> str:
    """The file's SHA-256 hex digest (read ahead when started earlier)."""
    return take(path)[1].result()
