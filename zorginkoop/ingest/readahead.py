"""An input file's bytes, mapped, and its SHA-256 (for the manifest), read in a thread of their own.

`claims load` starts this for the files it is given before it imports DuckDB, numpy and pyarrow
(half a second on one core): the kernel maps the file and hashlib hashes it (without the GIL) on
the other core meanwhile. Only the standard library is imported here, so starting costs nothing.
The loaders take what was started, or start it then: pm304.load_pm304 cuts the mapped bytes while
they are hashed; the CSV and Parquet loader only needs the digest (sha256).
"""

from __future__ import annotations

import hashlib
import mmap
import threading
from concurrent.futures import Future
from pathlib import Path

_started: dict[Path, tuple[tuple[int, int] | None, Future, Future]] = {}  # path -> version, bytes, digest
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
        data = _mapped(path)
        raw.set_result(data)
        digest.set_result(hashlib.sha256(data).hexdigest())  # hashlib releases the GIL
    except BaseException as exc:  # noqa: BLE001 (handed to whoever takes the file)
        for future in (raw, digest):
            if not future.done():
                future.set_exception(exc)


def _version(path: Path) -> tuple[int, int] | None:
    """What tells one content of the file from another: its size and modification time."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def start(path: Path) -> None:
    """Map and hash the file in a daemon thread, unless that was started already for the file as
    it is now (a file changed since is read again)."""
    path = Path(path).resolve()
    version = _version(path)
    with _lock:
        started = _started.get(path)
        if started is not None and started[0] == version:
            return
        futures = (Future(), Future())
        _started[path] = (version, *futures)
    threading.Thread(target=_read, args=(path, *futures), name="readahead", daemon=True).start()


def take(path: Path) -> tuple[mmap.mmap | bytes, Future]:
    """The file's bytes (waiting for the mapping only) and the future of its SHA-256 hex digest."""
    start(path)
    with _lock:
        _, raw, digest = _started.pop(Path(path).resolve())
    return raw.result(), digest


def discard(path: Path) -> None:
    """Let go of what was read ahead and not taken (a file whose load failed)."""
    with _lock:
        _started.pop(Path(path).resolve(), None)


def sha256(path: Path) -> str:
    """The file's SHA-256 hex digest (read ahead when started earlier)."""
    return take(path)[1].result()
