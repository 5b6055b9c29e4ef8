"""Names and values written into SQL text: quoted here, once, for every module that builds SQL."""

from __future__ import annotations

from pathlib import PurePath


def identifier(name: str) -> str:
    """A column or table name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str | PurePath) -> str:
    """A string (a file path, say) as a quoted SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"
