"""The SQL runner: one model per file, run in dependency order, rules stacked."""

from __future__ import annotations

import duckdb

from zorginkoop.domains import get_domain
from zorginkoop.models import layer_models, model_order, run_layer, stack_rule_models


def test_models_run_after_the_models_they_name():
    models = {"c": "select * from staged.b", "a": "select 1 as x", "b": "select * from staged.a"}
    assert model_order("staged", models) == ["a", "b", "c"]


def test_run_layer_and_stack(tmp_path):
    layer = tmp_path / "rules"
    layer.mkdir()
    (layer / "one.sql").write_text("-- rule ONE\nselect 'A' as praktijk_agb, 'ONE' as rule, 'pass' as result;\n")
    (layer / "two.sql").write_text("select 'fail' as result, 'TWO' as rule, 'A' as praktijk_agb")
    con = duckdb.connect()
    names = run_layer(con, layer)
    stack_rule_models(con, names)
    assert con.execute("select rule, result from rules.stacked order by rule").fetchall() == [("ONE", "pass"), ("TWO", "fail")]


def test_every_paramedie_model_has_a_header_comment():
    domain = get_domain("paramedie")
    for layer in domain.layers:
        for name, sql in layer_models(domain.sql_dir / layer).items():
            assert sql.startswith("--"), f"sql/paramedie/{layer}/{name}.sql has no header comment"


def test_each_rule_file_is_findable_by_its_rule_code():
    rules = layer_models(get_domain("paramedie").sql_dir / "rules")
    for name, sql in rules.items():
        if name != "compliance_checks":
            assert f"'{name.upper()}' as rule" in sql, name


def test_progress_is_quiet_in_ci_and_when_asked(monkeypatch):
    from zorginkoop import progress

    monkeypatch.setenv("CI", "true")
    progress.enable(True)
    assert not progress.enabled()
    progress.enable(False)
    assert list(progress.items([1, 2], "x")) == [1, 2]
    with progress.stage("nothing shown"):
        pass
