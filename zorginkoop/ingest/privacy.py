"""Patient privacy at ingest: the 11-proef for BSNs and a keyed pseudonym (HMAC-SHA256).

The raw BSN is only ever held in memory while a file loads (its distinct values with their
pseudonyms, see pseudonyms and in_memory); it is never written to a DuckDB table, Parquet,
logs or Prefect artifacts. The key comes from
ZORGINKOOP_PSEUDONYM_KEY, else from a generated key file outside the project
(ZORGINKOOP_PSEUDONYM_KEY_FILE, default ~/.config/zorginkoop/pseudonym.key, mode 0600),
so that pseudonyms stay the same from one run to the next.
"""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
import pyarrow as pa

from zorginkoop.settings import settings


def key_file() -> Path:
    return settings().pseudonym_key_file.expanduser()


def pseudonym_key() -> bytes:
    from_env = settings().pseudonym_key
    if from_env:
        return from_env.get_secret_value().encode("utf-8")
    path = key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    os.chmod(path, 0o600)
    return path.read_text().strip().encode("utf-8")


def register_macros(con: duckdb.DuckDBPyConnection, key: bytes | None = None) -> None:
    """Temporary (never persisted) macros: elfproef(bsn) and pseudonym(bsn) = HMAC-SHA256(key, bsn)."""
    key = pseudonym_key() if key is None else key
    if len(key) > 64:  # HMAC: keys longer than the block size are hashed first
        import hashlib
        key = hashlib.sha256(key).digest()
    block = key.ljust(64, b"\0")
    inner = bytes(b ^ 0x36 for b in block).hex()
    outer = bytes(b ^ 0x5C for b in block).hex()
    con.execute(f"""
        create or replace temp macro pseudonym(bsn) as
            sha256(unhex('{outer}') || unhex(sha256(unhex('{inner}') || cast(bsn as blob))))
    """)
    # 11-proef on the number itself (digit i is n // 10^(9-i) % 10): arithmetic, no string slicing.
    digit = lambda i: f"(n // {10 ** (9 - i)} % 10)"  # noqa: E731
    weighted = " + ".join(f"{w} * {digit(i)}" for i, w in enumerate(ELFPROEF_WEIGHTS, start=1))
    con.execute(f"""
        create or replace temp macro elfproef_number(n) as ({weighted}) % 11 = 0;
        create or replace temp macro elfproef(bsn) as
            coalesce(regexp_full_match(bsn, '[0-9]{{9}}') and bsn <> '000000000'
                     and elfproef_number(try_cast(bsn as bigint)), false)
    """)


# The weights of the 11-proef, digit by digit: the BSN passes when the weighted sum is divisible by 11.
ELFPROEF_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def elfproef(bsn: str) -> bool:
    """The 11-proef in Python (synthetic BSNs, tests), the same test as the SQL macro elfproef(bsn):
    nine ASCII digits, not all zero, weighted sum divisible by 11."""
    return (len(bsn) == 9 and bsn.isascii() and bsn.isdigit() and bsn != "000000000"
            and sum(int(d) * w for d, w in zip(bsn, ELFPROEF_WEIGHTS)) % 11 == 0)


def pseudonyms(con: duckdb.DuckDBPyConnection, distinct_bsns: str) -> pa.Table:
    """The 11-proef and the keyed pseudonym once per distinct BSN that the query `distinct_bsns`
    selects (one column, bsn; patients recur, so far fewer than the rows): columns bsn, bsn_ok and
    patient_pseudonym (only for a BSN that passes). Fetched into memory: it holds the BSN, so it is
    never a DuckDB table (see in_memory); rows get their pseudonym, or their quarantine, by a join."""
    return con.sql(f"""
        select bsn, elfproef(bsn) as bsn_ok, case when elfproef(bsn) then pseudonym(bsn) end as patient_pseudonym
        from ({distinct_bsns})
    """).to_arrow_table()


@contextmanager
def in_memory(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    """An in-memory table (one that holds BSNs) readable as `name` by this connection's queries, for
    the block only: DuckDB reads it where it lies, so no BSN reaches the database or its spill files."""
    con.register(name, table)
    try:
        yield
    finally:
        con.unregister(name)
