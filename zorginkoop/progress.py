"""Progress in the terminal for long stages: on in an interactive terminal, quiet under
`--quiet`, in CI and when output goes to a file or pipe (logs stay clean)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterable, Iterator, TypeVar

from rich.console import Console
from rich.progress import track

T = TypeVar("T")
_enabled = False


def enable(on: bool) -> None:
    global _enabled
    _enabled = on and not os.environ.get("CI") and Console(stderr=True).is_terminal


def enabled() -> bool:
    return _enabled


@contextmanager
def stage(description: str) -> Iterator[None]:
    """A spinner with the stage's name while it runs."""
    if not _enabled:
        yield
        return
    with Console(stderr=True).status(f"[bold]{description}[/]"):
        yield


def items(iterable: Iterable[T], description: str, total: int | None = None) -> Iterable[T]:
    """A progress bar over the items (input files, for instance)."""
    if not _enabled:
        return iterable
    return track(iterable, description=description, total=total, console=Console(stderr=True), transient=True)
