"""Loading a Great Expectations suite of an input file: seed references filled in, types checked.

A suite shared by several domains (expectations/common/) names a domain's vocabulary instead of
copying it: a value set written `{"seed": "disciplines", "column": "discipline"}` becomes that
column of seeds/<domain>/disciplines.csv, and `{value_set}` in the expectation's explain becomes
the list of values. So the disciplines a contract may name are the ones the SQL reads as
seeds.disciplines and the policy schema accepts, written once.

Every expectation type is either checked on each row in SQL (rowchecks.value_checks) or judged
on the whole table by Great Expectations alone; a type in neither list would be skipped by the
row checks without a word, so it refuses the suite when it is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

# Types rowchecks compiles to SQL: each judges one value of one column, so every row is judged.
ROW_CHECKED = frozenset({
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_match_regex",
    "expect_column_values_to_match_strftime_format",
    "expect_column_values_to_be_in_set",
})
# Types about the whole table, left to Great Expectations: key uniqueness is enforced row by row
# through the suite's meta.key (rowchecks.check_rows), the columns by ingest before loading.
TABLE_CHECKED = frozenset({
    "expect_column_values_to_be_unique",
    "expect_compound_columns_to_be_unique",
    "expect_table_columns_to_match_set",
})


class SuiteError(ValueError):
    """A suite the run cannot honour: a mistake in expectations/, not in the input bundle."""


def load_suite(path: Path, domain: str) -> dict:
    """The suite at `path` as the domain sees it: seed references resolved, every type known."""
    suite = json.loads(path.read_text(encoding="utf-8"))
    for expectation in suite.get("expectations", []):
        kind = expectation.get("type")
        if kind not in ROW_CHECKED | TABLE_CHECKED:
            raise SuiteError(
                f"suite {path}: expectation type '{kind}' is not supported; the run checks rows for "
                f"{', '.join(sorted(ROW_CHECKED))} and leaves {', '.join(sorted(TABLE_CHECKED))} to Great "
                "Expectations. Add the type to zorginkoop/validation/suites.py (and rowchecks.value_checks) or remove it.")
        _resolve_seed_values(expectation, path, domain)
    return suite


def _resolve_seed_values(expectation: dict, path: Path, domain: str) -> None:
    reference = expectation.get("kwargs", {}).get("value_set")
    if not isinstance(reference, dict):
        return
    from zorginkoop.domains import seed_rows  # domains import the engine's paths; keep this module light

    try:
        values = [row[reference["column"]] for row in seed_rows(domain, reference["seed"])]
    except (KeyError, FileNotFoundError) as exc:
        raise SuiteError(f"suite {path}: value_set {reference} does not name a column of "
                         f"seeds/{domain}/<seed>.csv ({exc})") from None
    expectation["kwargs"]["value_set"] = values
    meta = expectation.setdefault("meta", {})
    if "explain" in meta:
        meta["explain"] = meta["explain"].replace("{value_set}", ", ".join(values))
