"""One vocabulary: disciplines, outcomes and the suites' value sets come from seeds/<domain>/,
and a suite with an expectation type the run cannot honour is refused when it is loaded."""

from __future__ import annotations

import json
import typing
from dataclasses import replace

import duckdb
import pytest

from zorginkoop.ingest.bundle import input_files
from zorginkoop.engine.database import load_seeds
from zorginkoop.domains import BESLUITEN, domains
from zorginkoop.validation.rowchecks import value_checks
from zorginkoop.validation.suites import ROW_CHECKED, TABLE_CHECKED, SuiteError

DOMAINS = sorted(domains())


@pytest.mark.parametrize("name", DOMAINS)
def test_sql_and_python_read_the_same_disciplines(name):
    domain = domains()[name]
    con = duckdb.connect()
    load_seeds(con, name)
    in_sql = [r[0] for r in con.execute("select discipline from seeds.disciplines order by cast(volgorde as integer)").fetchall()]
    assert in_sql == list(domain.disciplines)
    # The policy file may name exactly these disciplines in its contract terms.
    term = typing.get_type_hints(domain.policy_model.model_fields["contract_terms"].annotation.__args__[0])["discipline"]
    assert typing.get_args(term) == domain.disciplines


@pytest.mark.parametrize("name", DOMAINS)
def test_discipline_value_sets_come_from_the_seed(name):
    domain = domains()[name]
    for spec in input_files(domain):
        for e in spec.suite_json()["expectations"]:
            if e["type"] == "expect_column_values_to_be_in_set" and e["kwargs"]["column"] == "discipline":
                assert e["kwargs"]["value_set"] == list(domain.disciplines), spec.suite_path
                assert "{value_set}" not in e["meta"]["explain"]


@pytest.mark.parametrize("name", DOMAINS)
def test_reviews_suite_knows_the_besluiten(name):
    reviews = next(s for s in input_files(domains()[name]) if s.table == "reviews")
    sets = [e["kwargs"]["value_set"] for e in reviews.suite_json()["expectations"]
            if e["type"] == "expect_column_values_to_be_in_set" and e["kwargs"]["column"] == "besluit"]
    assert sets == [list(BESLUITEN)]


@pytest.mark.parametrize("name", DOMAINS)
def test_every_suite_uses_known_types_only(name):
    for spec in input_files(domains()[name]):
        kinds = {e["type"] for e in spec.suite_json()["expectations"]}
        assert kinds <= ROW_CHECKED | TABLE_CHECKED, spec.suite_path


def test_unsupported_expectation_type_is_refused_at_suite_load(tmp_path):
    spec = next(s for s in input_files(domains()["paramedie"]) if s.table == "contracts")
    suite = spec.suite_json()
    suite["expectations"].append({"type": "expect_column_value_lengths_to_equal",
                                  "kwargs": {"column": "praktijk_agb", "value": 8}})
    path = tmp_path / "contracts.json"
    path.write_text(json.dumps(suite))
    broken = replace(spec, suite_path=path)
    with pytest.raises(SuiteError, match=r"contracts\.json.*expect_column_value_lengths_to_equal"):
        broken.suite_json()
    with pytest.raises(SuiteError, match="expect_column_value_lengths_to_equal"):
        value_checks(broken)
