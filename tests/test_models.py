"""The SQL runner: one model per file, run in dependency order, rules stacked."""

from __future__ import annotations

import duckdb
import pytest

from zorginkoop.domains import domains, get_domain
from zorginkoop.models import layer_models, layer_paths, model_order, run_layer, stack_rule_models


def test_models_run_after_the_models_they_name():
    models = {"c": "select * from staged.b", "a": "select 1 as x", "b": "select * from staged.a"}
    assert model_order("staged", models) == ["a", "b", "c"]


def test_a_model_named_only_in_a_comment_is_no_dependency():
    models = {"a": "-- feeds staged.b\nselect 1 as x", "b": "select * from staged.a"}
    assert model_order("staged", models) == ["a", "b"]


def test_run_layer_and_stack(tmp_path):
    layer = tmp_path / "rules"
    layer.mkdir()
    (layer / "one.sql").write_text("-- rule ONE\nselect 'A' as praktijk_agb, 'ONE' as rule, 'pass' as result;\n")
    (layer / "two.sql").write_text("select 'fail' as result, 'TWO' as rule, 'A' as praktijk_agb")
    con = duckdb.connect()
    names = run_layer(con, layer)
    stack_rule_models(con, names)
    assert con.execute("select rule, result from rules.stacked order by rule").fetchall() == [("ONE", "pass"), ("TWO", "fail")]


@pytest.mark.parametrize("name", sorted(domains()))
def test_every_model_has_a_header_comment(name):
    domain = get_domain(name)
    for layer in domain.layers:
        for model, path in layer_paths(domain.layer_dirs(layer)).items():
            assert path.read_text().startswith("--"), f"{path} has no header comment"


@pytest.mark.parametrize("name", sorted(domains()))
def test_each_rule_file_is_findable_by_its_rule_code(name):
    rules = layer_models(get_domain(name).layer_dirs("rules"))
    for model, sql in rules.items():
        if model != "compliance_checks":
            assert f"'{model.upper()}' as rule" in sql, model


def test_a_domain_model_overrides_a_common_one_of_the_same_name(tmp_path):
    common, domain = tmp_path / "common" / "rules", tmp_path / "ggz" / "rules"
    common.mkdir(parents=True)
    domain.mkdir(parents=True)
    (common / "a.sql").write_text("select 'common' as source")
    (common / "b.sql").write_text("select 'common' as source")
    (domain / "b.sql").write_text("select 'domain' as source")
    con = duckdb.connect()
    assert sorted(run_layer(con, [common, domain])) == ["a", "b"]
    assert con.execute("select source from rules.b").fetchall() == [("domain",)]


def test_progress_is_quiet_in_ci_and_when_asked(monkeypatch):
    from zorginkoop import progress

    monkeypatch.setenv("CI", "true")
    progress.enable(True)
    assert not progress.enabled()
    progress.enable(False)
    assert list(progress.items([1, 2], "x")) == [1, 2]
    with progress.stage("nothing shown"):
        pass
