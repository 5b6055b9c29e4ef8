"""Row-level validation in DuckDB, derived from each input file's Great Expectations suite.

Every expectation about values becomes a SQL check that judges every row (evaluated once per
distinct value, see column_values). Rows are then
sorted into three kinds, and the counts always add up (read = loaded + deduplicated +
quarantined):
- an exact duplicate of an earlier row (every loaded column equal): dropped and counted;
- a row with a value that fails an expectation, or that shares its key with a row that
  says something else: quarantined, one raw.quarantine row per problem, with file, line,
  column, value and a reason a person understands;
- every other row: loaded into validated.<table> (a view: raw.<table> without the lines in
  raw.kept_out, the duplicates and quarantined lines), which the staged SQL reads.
Some problems are not about a row but about how the whole file was written (DD-MM-YYYY
dates, decimal commas); those refuse the file, as does more quarantine than the policy's
quarantine_tolerance allows.

Tables are checked side by side (TableChecks, ZORGINKOOP_INGEST_WORKERS at a time), each on a
connection of its own: a small table's checks are a dozen short statements, mostly waiting on
one core, and its temp tables (column_values, the problem tables) belong to its connection.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from zorginkoop.arrays import from_numpy
from zorginkoop.engine import memory_tables
from zorginkoop.engine.database import new_cursor
from zorginkoop.ingest.bundle import InputFile
from zorginkoop.errors import BadInputError, raise_all
from zorginkoop.settings import settings
from zorginkoop.sqltext import identifier, literal
from zorginkoop.validation.suites import TABLE_CHECKED, SuiteError

# Patterns that mean "the file is written in another convention", not "this row is wrong".
FILE_FORMATS = {
    "date": (r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}$",
             "dates are written DD-MM-YYYY (or with slashes)",
             "Export the file with ISO dates, YYYY-MM-DD; the run does not guess day and month"),
    "decimal": (r"^-?\d+,\d+$",
                "numbers are written with a decimal comma",
                "Export the file with a decimal point (98.4, not 98,4); the run does not guess"),
}


@dataclass
class RowCheckResult:
    table: str
    file: str
    rows_read: int
    rows_deduplicated: int
    rows_quarantined: int


def _reason(column: str, explain: str) -> str:
    """SQL for the reason text; `{value}` and `{length}` in the suite's explain are filled in."""
    value = f"coalesce({identifier(column)}, '')"
    text = literal(explain if "{value}" in explain else f"{column} '{{value}}': {explain}")
    return f"replace(replace({text}, '{{value}}', {value}), '{{length}}', cast(length({value}) as varchar))"


def value_checks(spec: InputFile) -> list[tuple[str, str, str]]:
    """(column, SQL condition that is true for a bad value, SQL reason) for each value expectation
    (suites.ROW_CHECKED); the whole-table types (suites.TABLE_CHECKED) are left to Great Expectations."""
    checks = []
    for e in spec.suite_json()["expectations"]:
        kwargs, explain = e["kwargs"], e.get("meta", {}).get("explain", e["type"])
        column = kwargs.get("column")
        if column is None or column in spec.private_columns:
            continue
        c = identifier(column)
        kind = e["type"]
        if kind == "expect_column_values_to_not_be_null":
            checks.append((column, f"{c} is null", literal(f"{column} is empty: {explain}")))
        elif kind == "expect_column_values_to_match_regex":
            checks.append((column, f"{c} is not null and not regexp_full_match({c}, {literal(kwargs['regex'])})",
                           _reason(column, explain)))
        elif kind == "expect_column_values_to_match_strftime_format":
            checks.append((column, f"{c} is not null and regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
                                   f"and try_strptime({c}, {literal(kwargs['strftime_format'])}) is null",
                           _reason(column, explain)))
        elif kind == "expect_column_values_to_be_in_set":
            values = ", ".join(literal(v) for v in kwargs["value_set"])
            checks.append((column, f"{c} is not null and {c} not in ({values})", _reason(column, explain)))
        elif kind not in TABLE_CHECKED:  # load_suite refuses it first; never skip a check silently
            raise SuiteError(f"suite {spec.suite_path}: no row check for expectation type '{kind}'")
    return checks


def file_format_columns(spec: InputFile) -> dict[str, str]:
    """column -> 'date' or 'decimal', for the columns whose whole-file convention is checked."""
    kinds = {}
    for e in spec.suite_json()["expectations"]:
        column = e["kwargs"].get("column")
        if e["type"] == "expect_column_values_to_match_strftime_format":
            kinds[column] = "date"
        elif e["type"] == "expect_column_values_to_match_regex" and r"\." in e["kwargs"]["regex"]:
            kinds[column] = "decimal"
    return kinds


def refuse_foreign_formats(con: duckdb.DuckDBPyConnection, spec: InputFile) -> list[BadInputError]:
    """A file whose dates or decimals are written in another convention, found among the distinct
    values of those columns (column_values); only for such a file are its rows read for examples."""
    errors = []
    kinds = {c: k for c, k in file_format_columns(spec).items() if c in spec.loaded_columns}
    if not kinds:
        return errors
    values, sets = column_values(con, spec, fresh=True)
    for column, kind in kinds.items():
        pattern, problem, hint = FILE_FORMATS[kind]
        found = con.execute(f"select count(*) from {values} where _set = {sets[column]} "
                            f"and regexp_full_match({identifier(column)}, {literal(pattern)})").fetchall()[0][0]
        if not found:
            continue
        rows = con.execute(f"""
            select _file, {identifier(column)}, _line from raw.{spec.table}
            where regexp_full_match({identifier(column)}, {literal(pattern)}) order by _file, _line limit 5
        """).fetchall()
        errors.append(BadInputError(rows[0][0], problem, column=column, examples_formatted=True,
                                    examples=[f"'{v}' (line {line})" for _, v, line in rows], hint=hint))
    return errors


def column_values(con: duckdb.DuckDBPyConnection, spec: InputFile, fresh: bool = False) -> tuple[str, dict[str, int]]:
    """The temp table of every distinct value of each checked column of raw.<table>, made in one
    grouping-sets scan, and per column the `_set` (grouping_id) that marks its values.
    refuse_foreign_formats makes it afresh; check_rows, which runs right after it on the same
    rows, takes it when it is there and drops it.

    Every check is about one column's value, so it is evaluated once per distinct value: a claims
    file has millions of lines but some thousands of distinct codes, amounts and dates."""
    columns = list(dict.fromkeys([c for c, _, _ in value_checks(spec)]
                                 + [c for c in file_format_columns(spec) if c in spec.loaded_columns]))
    name = _values_table(spec)
    # grouping_id has a bit per column, set where the column is rolled up: a column's own set has all but its own.
    sets = {c: (1 << len(columns)) - 1 - (1 << (len(columns) - 1 - i)) for i, c in enumerate(columns)}
    if columns and spec.in_memory:  # from the lines' dictionaries, not a scan (memory_tables.distinct)
        exists = con.execute("select count(*) from duckdb_tables() where temporary and table_name = ?", [name]).fetchall()[0][0]
        if fresh or not exists:
            found, parts = [], memory_tables.lines(con, spec.table, validated=False)
            for column in columns:
                values, has_null = memory_tables.distinct(con, spec.table, column, validated=False, parts=parts)
                values = pa.concat_arrays([pa.nulls(1, values.type), values]) if has_null else values
                found.append(pa.table({**{c: values if c == column else pa.nulls(len(values), pa.string()) for c in columns},
                                       "_set": from_numpy(np.full(len(values), sets[column], dtype=np.int64))}))
            con.register("distinct_found", pa.concat_tables(found))
            try:
                con.execute(f"create or replace temp table {name} as select * from distinct_found")
            finally:
                con.unregister("distinct_found")
    elif columns:
        quoted = ", ".join(identifier(c) for c in columns)
        grouping = ", ".join(f"({identifier(c)})" for c in columns)
        create = "create or replace temp table" if fresh else "create temp table if not exists"
        con.execute(f"{create} {name} as select {quoted}, grouping_id({quoted}) as _set "
                    f"from raw.{spec.table} group by grouping sets ({grouping})")
    return name, sets


def _values_table(spec: InputFile) -> str:
    return f"column_values_{spec.table}"


def _failing_filter(con: duckdb.DuckDBPyConnection, spec: InputFile, checks: list[tuple[str, str, str]]) -> tuple[str, list[str]]:
    """SQL that is true for a row with a value failing any check, and the temp tables it reads.

    The checks run on the distinct values of each column (column_values); the rows are then found
    by a join on the (usually empty) sets of bad values, not by running every regex on every row."""
    if not checks:
        return "false", []
    values, sets = column_values(con, spec)
    terms, tables = [], []
    for i, column in enumerate(dict.fromkeys(c for c, _, _ in checks)):
        c, name = identifier(column), f"bad_values_{i}"
        bad = " or ".join(f"coalesce({condition}, false)" for col, condition, _ in checks if col == column)
        con.execute(f"create or replace temp table {name} as select {c} from {values} where _set = {sets[column]} and ({bad})")
        tables.append(name)
        has_null, has_value = con.execute(
            f"select count(*) filter (where {c} is null) > 0, count(*) filter (where {c} is not null) > 0 from {name}").fetchall()[0]
        if has_null:
            terms.append(f"{c} is null")
        if has_value:
            terms.append(f"{c} in (select {c} from {name} where {c} is not null)")
    return " or ".join(terms) or "false", tables


# Up to this many lines kept out of a table kept in memory are left out of validated.<table> by id.
KEPT_OUT_BY_ID = 10_000


def _rows_by_id(con: duckdb.DuckDBPyConnection, spec: InputFile, ids: str, name: str) -> None:
    """Temp table `name`: the rows of raw.<table> whose row ids the query `ids` selects (a pass over
    the few columns it reads), whole, with `_row`, their id. DuckDB reads a stored row by its id
    without a scan; the rows of a table kept in memory are taken from its Arrow table by their
    `rowid` (through the view, DuckDB would convert every column of every line to filter them)."""
    if not spec.in_memory:
        con.execute(f"create or replace temp table {name} as select raw_rows.*, raw_rows.rowid as _row "
                    f"from raw.{spec.table} as raw_rows where rowid in ({ids})")
        return
    found = con.execute(f"select rowid from ({ids}) order by 1").fetchnumpy()["rowid"]
    con.register("taken_rows", memory_tables.take(con, spec.table, found))
    try:
        con.execute(f"create or replace temp table {name} as select * exclude (rowid), rowid as _row from taken_rows")
    finally:
        con.unregister("taken_rows")


def check_rows(con: duckdb.DuckDBPyConnection, spec: InputFile) -> list[RowCheckResult]:
    """Deduplicate, check and split raw.<table> into validated.<table> and raw.quarantine.

    Set-based: the checks run once per distinct value of each column, one scan then finds the
    rows holding a bad value (only those few are taken apart per check), a sort of row hashes
    finds the candidates for exact duplicates and one aggregate the keys that occur more than once
    (only their rows are compared), and the counts come from the small tables of problems.
    """
    table, columns = spec.table, spec.loaded_columns
    cols = ", ".join(identifier(c) for c in columns)
    checks = value_checks(spec)
    con.execute("create schema if not exists validated")
    # Exact duplicates: per group of equal rows the first (file, line) stays. Only rows whose hash
    # occurs more than once are compared column by column, so the exact comparison runs on a
    # handful of rows. Equal rows agree on any column, so the hash is of the suite's row_id (a claim
    # line's id, patient, date and code: a third of the time of all twelve columns), else of its
    # key, else of every column. A repeated hash is found as equal to its neighbour once the hashes
    # are sorted: on 20 million rows a sort of one integer takes half the time of an aggregate with
    # 20 million groups.
    row_hash = f"hash({', '.join(identifier(c) for c in spec.row_id or spec.key) or cols})"  # loaded: bundle.input_files
    con.execute(f"""
        create or replace temp table repeated_hashes as
        select h from (select h, lag(h) over (order by h) as previous from (select {row_hash} as h from raw.{table}))
        where h = previous
    """)
    _rows_by_id(con, spec, f"select rowid from raw.{table} where {row_hash} in (select h from repeated_hashes)", "duplicate_candidates")
    con.execute(f"""
        create or replace temp table duplicate_rows as
        select _file, _line, _row from (
            select _file, _line, _row, row_number() over (partition by {cols} order by _file, _line) as copy_number
            from duplicate_candidates
        )
        where copy_number > 1
    """)
    con.execute("drop table repeated_hashes; drop table duplicate_candidates")
    con.execute(f"""
        create or replace temp view checking as
        select raw_rows.*, raw_rows.rowid as _row, duplicate_rows._line is not null as _duplicate
        from raw.{table} as raw_rows
        left join duplicate_rows using (_file, _line)
    """)
    # Rows failing any value check: found by their row ids in a pass over the columns with a bad
    # value only, then read whole by id (_rows_by_id; a filter on every column read all twelve
    # columns of 20 million claim lines: 0.9-1.4 CPU-seconds). Each check then runs on these rows only.
    failing, bad_value_tables = _failing_filter(con, spec, checks)
    _rows_by_id(con, spec, f"select rowid from raw.{table} where {failing}", "failing_candidates")
    con.execute("create or replace temp table failing_rows as "
                "select failing_candidates.*, false as _duplicate from failing_candidates "
                "anti join duplicate_rows using (_file, _line)")
    con.execute("drop table failing_candidates")
    for name in [*bad_value_tables, _values_table(spec)]:
        con.execute(f"drop table if exists {name}")
    problems = " union all ".join(
        f"select _file, _line, {literal(column)} as col, cast({identifier(column)} as varchar) as value, {reason} as reason "
        f"from failing_rows where {condition}"
        for column, condition, reason in checks) or "select null, null, null, null, null where false"
    con.execute(f"create or replace temp table value_problems as {problems}")
    key = list(spec.key)
    if key:
        key_cols = ", ".join(identifier(k) for k in key)
        key_text = " || ', ' || ".join(f"coalesce({identifier(k)}, '')" for k in key)
        same_key = " and ".join(f"candidates.{identifier(k)} is not distinct from repeated.{identifier(k)}" for k in key)
        con.execute(f"""
            insert into value_problems
            with candidates as (
                select * from checking
                where not _duplicate
                    and not exists (select 1 from value_problems as p where p._file = checking._file and p._line = checking._line)
            ),
            repeated as (
                select {key_cols} from candidates group by all having count(*) > 1
            ),
            conflicts as (
                select *, count(*) over (partition by {key_cols}) as n,
                    list(_line) over (partition by {key_cols}) as lines
                from (select candidates.* from candidates semi join repeated on {same_key})
            )
            select _file, _line, {literal(', '.join(key))}, {key_text},
                format('key ({{}}) = {{}} occurs on {{}} rows that disagree (lines {{}}); all are kept out',
                       {literal(', '.join(key))}, {key_text}, n, array_to_string(list_sort(lines)[1:5], ', '))
            from conflicts where n > 1
        """)
    con.execute("""
        insert into raw.quarantine
        select _file, _line, col, value, reason from value_problems order by _file, _line, col
    """)
    con.execute("create or replace temp table quarantined_lines as select distinct _file, _line from value_problems")
    _rows_by_id(con, spec, f"select rowid from raw.{table} semi join quarantined_lines using (_file, _line)", "quarantined_rows")
    record_codes(con, spec, "quarantined_rows", "true")
    _drop_validated(con, table)
    # The lines kept out, by (file, line); validated.<table> is raw.<table> without them, a view: a
    # copy of millions of claim lines for one bad line would cost more than the rest of their checks.
    con.execute(f"delete from raw.kept_out where file in (select distinct _file from raw.{table})")
    kept_out = con.execute("""
        insert into raw.kept_out
        select _file, _line from duplicate_rows union all select _file, _line from quarantined_lines
    """).fetchall()[0][0]
    source = f"raw.{table} as raw_rows anti join raw.kept_out on kept_out.file = raw_rows._file and kept_out.line = raw_rows._line" \
        if kept_out else f"raw.{table}"  # every row passes: no join to pay for
    if spec.in_memory and 0 < kept_out <= KEPT_OUT_BY_ID:
        # Lines kept in memory are left out by their row ids, a handful of numbers: a join on (file,
        # line) would hash every line's file name each time a reader reads them.
        ids = [r for (r,) in con.execute("select _row from duplicate_rows union all select _row from quarantined_rows "
                                         "order by 1").fetchall()]
        source = f"raw.{table} where rowid not in ({', '.join(map(str, ids))})"
    con.execute(f"create view validated.{table} as select {cols}, _file, _line from {source}")
    # A duplicate is never checked, so no line is both deduplicated and quarantined.
    rows = con.execute(f"""
        with read as (select _file, count(*) as n from raw.{table} group by _file),
        duplicates as (select _file, count(*) as n from duplicate_rows group by _file),
        quarantined as (select _file, count(*) as n from quarantined_lines group by _file)
        select _file, read.n, coalesce(duplicates.n, 0), coalesce(quarantined.n, 0)
        from read left join duplicates using (_file) left join quarantined using (_file)
        order by _file
    """).fetchall()
    con.execute("drop view checking; drop table value_problems; drop table duplicate_rows; drop table failing_rows; "
                "drop table quarantined_lines; drop table quarantined_rows")
    return [RowCheckResult(table, f, read, dup, quarantined) for f, read, dup, quarantined in rows]


class TableChecks:
    """refuse_foreign_formats and check_rows for several tables, side by side, largest first; each
    table keeps one connection (a cursor of con) for both, as check_rows takes the distinct values
    refuse_foreign_formats made on it. Results, and the first failure, come in the tables' order."""

    def __init__(self, con: duckdb.DuckDBPyConnection, specs: list[InputFile]) -> None:
        assert len({spec.table for spec in specs}) == len(specs), "one spec per table"
        # made once here: created side by side they would conflict
        con.execute("create schema if not exists validated")
        create_codes_table(con)
        self.specs = sorted(specs, key=lambda spec: -con.execute(f"select count(*) from raw.{spec.table}").fetchall()[0][0])
        self.order = [spec.table for spec in specs]
        self._cursors = {spec.table: new_cursor(con) for spec in specs}

    def _each(self, call, specs: list[InputFile]) -> dict[str, object]:
        # Every table keeps all of DuckDB's threads (database.threads_shared_by is not for this):
        # the claims' checks are most of the work, and on a share of the threads they took 6.5 s
        # at market instead of 4.1 s while the other worker had long finished the small tables.
        with ThreadPoolExecutor(max_workers=settings().ingest_workers, thread_name_prefix="rowchecks") as pool:
            futures = {spec.table: pool.submit(call, self._cursors[spec.table], spec) for spec in specs}
            try:
                return {table: futures[table].result() for table in self.order if table in futures}
            except BaseException:
                for future in futures.values():
                    future.cancel()
                for cursor in self._cursors.values():  # stop the tables still being checked
                    cursor.interrupt()
                raise

    def refuse(self, specs: list[InputFile] | None = None, errors: list[BadInputError] | None = None) -> None:
        """Raise every file written in another convention, of the given tables (default all), after
        the errors found before (one BadInputError, or BadInputErrors listing them all)."""
        wanted = {spec.table for spec in specs} if specs is not None else set(self.order)
        found = self._each(refuse_foreign_formats, [spec for spec in self.specs if spec.table in wanted])
        errors = [*(errors or []), *(error for table in self.order if table in found for error in found[table])]
        raise_all(errors)

    def results(self) -> list[RowCheckResult]:
        """check_rows of every table: per file, what was read, deduplicated and quarantined."""
        found = self._each(check_rows, self.specs)
        return [result for table in self.order for result in found[table]]

    def close(self) -> None:
        for cursor in self._cursors.values():
            cursor.close()

    def __enter__(self) -> TableChecks:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _drop_validated(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """validated.<table>: a view on raw.<table> (a database written before raw.kept_out has a table)."""
    for (kind,) in con.execute("select 'view' from duckdb_views() where schema_name = 'validated' and view_name = ? "
                               "union all select 'table' from duckdb_tables() where schema_name = 'validated' and table_name = ?",
                               [table, table]).fetchall():
        con.execute(f"drop {kind} validated.{table}")


CODE_COLUMNS = ("agb", "big_nummer", "kp_nummer")


def create_codes_table(con: duckdb.DuckDBPyConnection) -> None:
    """raw.quarantine_codes (record_codes), and raw.kept_out: every line check_rows kept out of validated."""
    con.execute("create table if not exists raw.quarantine_codes (file varchar, line bigint, code_column varchar, code varchar)")
    con.execute("create table if not exists raw.kept_out (file varchar, line bigint)")


def record_codes(con: duckdb.DuckDBPyConnection, spec: InputFile, source: str, where: str) -> None:
    """Remember which AGB, BIG and KP codes a quarantined row names, so the rules can send the
    units it is about to review instead of deciding them on incomplete data."""
    create_codes_table(con)
    if not spec.sends_units_to_review:
        return
    columns = [c for c in spec.loaded_columns if any(k in c for k in CODE_COLUMNS)]
    for column in columns:
        # An AGB code that lost its leading zeros is also traced with them restored: only to find
        # the unit to review, never to load the row.
        restored = (f"case when length({identifier(column)}) < 8 then lpad({identifier(column)}, 8, '0') else {identifier(column)} end"
                    if "agb" in column else identifier(column))
        con.execute(f"""
            insert into raw.quarantine_codes
            select distinct _file, _line, {literal(column)}, {restored} from {source}
            where {where} and regexp_full_match({identifier(column)}, '[0-9]{{4,12}}')
        """)


def quarantine_summary(con: duckdb.DuckDBPyConnection, file: str, limit: int = 5) -> list[str]:
    rows = con.execute("""
        select "column", reason, line from raw.quarantine where file = ? order by line, "column", reason limit ?
    """, [file, limit]).fetchall()
    return [f"line {line}: {reason}" for _, reason, line in rows]
