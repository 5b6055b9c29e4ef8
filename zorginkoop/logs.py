"""What the console shows of the logs: an expected error once, tracebacks only with --debug.

Prefect logs a failed task and flow itself (`Task run failed with exception ...` with its
traceback, the flow's `Encountered exception ...` with it again, and each `Finished in state
Failed(...)`), to its API handler (the run's log in the Prefect database and UI) and, by
propagation, to the root logger's console handler. The command then prints the message
itself. This handler is that console handler (installed before Prefect is imported, so Prefect
leaves the root logger alone): it drops Prefect's records of an ExpectedError (bad input, bad
policy: the command's own message says it), and shows no traceback unless --debug. The
Prefect log keeps everything, tracebacks included.
"""

from __future__ import annotations

import functools
import logging
import re
import sys

from zorginkoop.errors import ExpectedError

FORMAT = "%(levelname)s %(name)s: %(message)s"
RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")
# Per model and per suite, a line each: for the Prefect log and --debug, not an analyst's console.
DETAIL_LOGGERS = ("zorginkoop.engine.models", "zorginkoop.validation.validate")


def _subclasses(cls: type) -> set[type]:
    return {cls}.union(*(_subclasses(sub) for sub in cls.__subclasses__()))


@functools.cache
def _expected_names() -> re.Pattern:
    """The names of the expected errors, as they appear in a Failed state's message."""
    names = sorted(c.__name__ for c in _subclasses(ExpectedError) if c is not ExpectedError)
    return re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")


class ExpectedErrorFilter(logging.Filter):
    """Drops Prefect's records of an expected error: the command prints its message itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], ExpectedError):
            return False
        # `Finished in state Failed('Task run encountered an exception BadInputError: ...')`: no exc_info
        if record.name.startswith(RUN_LOGGERS) and record.levelno >= logging.INFO:
            return not _expected_names().search(record.getMessage())
        return True


class DetailFilter(logging.Filter):
    """Keeps the per-model and per-suite INFO lines off the console (warnings still show)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or not record.name.startswith(DETAIL_LOGGERS)


class ConsoleFormatter(logging.Formatter):
    """The message line; the traceback only when asked for (--debug)."""

    def __init__(self, tracebacks: bool):
        super().__init__(FORMAT)
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if not self.tracebacks and (record.exc_info or record.exc_text or record.stack_info):
            # A copy: the record is shared with the Prefect log's handler, which keeps the traceback.
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None, "stack_info": None})
        return super().format(record)


class ConsoleHandler(logging.StreamHandler):
    """The console: Prefect sees a user handler on the root logger and keeps its own off it.

    Writes to sys.stderr as it is at the time (as logging's last resort does), so a CliRunner
    that swapped it for a while leaves no closed stream behind."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def setup_console(level: int, debug: bool = False) -> None:
    """The root logger's console handler, replacing one set up before; --debug shows every record in full."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, ConsoleHandler)]:
        root.removeHandler(handler)
    handler = ConsoleHandler()
    handler.setFormatter(ConsoleFormatter(tracebacks=debug))
    if not debug:
        handler.addFilter(ExpectedErrorFilter())
        handler.addFilter(DetailFilter())
    root.addHandler(handler)
    root.setLevel(level)
