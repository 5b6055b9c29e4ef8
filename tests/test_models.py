"""The SQL runner: one model per file, one graph over the layers, run in dependency order, rules stacked
and checked against their column contract."""

from __future__ import annotations

import json
import logging

import duckdb
import pytest

from zorginkoop.analysis.runs import WHATIF_SELECT
from zorginkoop.domains import domains, get_domain
from zorginkoop.engine.models import (STACKED, Graph, ModelError, ModelRun, layer_models, layer_paths, model_order, recording,
                               run, run_layer, stack_rule_models)


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


def _project(tmp_path, files: dict[str, str], layers=("staged", "intermediate", "rules", "decisions", "exports")):
    """A graph from files {"<layer>/<name>.sql": sql}, in one folder per layer."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return Graph.load(layers, lambda layer: [d for d in [tmp_path / layer] if d.is_dir()])


def test_a_model_that_reads_a_later_layer_is_refused(tmp_path):
    with pytest.raises(ModelError) as refused:
        _project(tmp_path, {"staged/a.sql": "select * from decisions.b", "decisions/b.sql": "select 1 as x"})
    message = str(refused.value)
    assert "staged.a" in message and "decisions.b" in message and "staged -> intermediate" in message


def test_references_cross_layers_and_sources_are_no_models(tmp_path):
    graph = _project(tmp_path, {
        "staged/a.sql": "-- reads decisions.b only in this comment\nselect * from validated.a, policy.parameters",
        "intermediate/b.sql": "select 'rules.x' as note, * from staged.a",
        "decisions/c.sql": "select * from intermediate.b join staged.a using (x)",
    })
    assert graph.models["staged.a"].refs == frozenset()
    assert graph.models["staged.a"].sources == {"validated.a", "policy.parameters"}
    assert graph.models["decisions.c"].refs == {"intermediate.b", "staged.a"}
    assert list(graph.models) == ["staged.a", "intermediate.b", "decisions.c"]


def test_plus_select_runs_a_model_and_what_it_needs(tmp_path):
    graph = _project(tmp_path, {
        "staged/a.sql": "select 1 as x", "staged/other.sql": "select 2 as x",
        "intermediate/b.sql": "select x + 1 as x from staged.a",
        "exports/c.sql": "select x from intermediate.b", "exports/d.sql": "select x from staged.other",
    })
    assert graph.select("+c") == ["staged.a", "intermediate.b", "exports.c"]
    assert graph.select("b+") == ["intermediate.b", "exports.c"]
    assert graph.select("layer:exports", exclude="d") == ["exports.c"]
    con = duckdb.connect()
    runs = run(con, graph, select="+exports.c")
    assert [r.model for r in runs] == ["staged.a", "intermediate.b", "exports.c"]
    assert con.execute("select x from exports.c").fetchall() == [(2,)]
    assert con.execute("select count(*) from duckdb_tables() where table_name in ('other', 'd')").fetchall() == [(0,)]


def test_plus_zorgzoeker_takes_only_what_the_zorgzoeker_needs():
    graph = Graph.for_domain(get_domain("paramedie"))
    chosen = graph.select("+zorgzoeker")
    assert chosen[-1] == "exports.zorgzoeker" and "decisions.zorgzoeker_units" in chosen
    assert "exports.decisions" not in chosen and "exports.case_reviews" not in chosen
    assert chosen.index("staged.acceptances") < chosen.index("decisions.acceptance_status")


@pytest.mark.parametrize("name", sorted(domains()))
def test_the_whole_graph_runs_each_model_after_what_it_reads(name):
    graph = Graph.for_domain(get_domain(name))
    order = graph.select()
    for position, key in enumerate(order):
        assert graph.models[key].refs <= set(order[:position]), key
    rules = [k for k in order if k.startswith("rules.") and k != STACKED]
    assert graph.models[STACKED].refs == set(rules) and order.index(STACKED) > max(order.index(r) for r in rules)


def test_a_rule_model_that_breaks_the_column_contract_is_an_error(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "schema.yml").write_text(
        "columns:\n  - name: praktijk_agb\n    data_type: varchar\n  - name: rule\n  - name: result\n")
    graph = _project(tmp_path, {
        "rules/good.sql": "select 'A' as praktijk_agb, 'GOOD' as rule, 'pass' as result",
        "rules/misspelt.sql": "select 'A' as praktijk_agb, 'MISSPELT' as rule, 'pass' as reslut",
    }, layers=("rules",))
    with pytest.raises(ModelError) as broken:
        run(duckdb.connect(), graph)
    message = str(broken.value)
    assert "rules.misspelt" in message and "column result is missing" in message
    assert "column reslut is not in the contract" in message


@pytest.mark.parametrize("name", sorted(domains()))
def test_every_rule_model_keeps_the_declared_contract(name):
    graph = Graph.for_domain(get_domain(name))
    assert [c.name for c in graph.contracts["rules"].columns] == [
        "praktijk_agb", "discipline", "rule", "result", "detail", "reason_code"]


@pytest.mark.parametrize("name", sorted(domains()))
def test_whatif_reruns_only_what_depends_on_the_policy(name):
    graph = Graph.for_domain(get_domain(name))
    chosen = set(graph.select(WHATIF_SELECT))
    readers = {k for k, m in graph.models.items() if any(s.startswith("policy.") for s in m.sources)}
    needed = graph.upstream(["exports.decisions"]) | {"exports.decisions"}
    assert chosen == (readers | graph.downstream(readers)) & needed
    assert not any(k.startswith("staged.") for k in chosen)
    assert {STACKED, "decisions.unit_outcomes", "exports.decisions"} <= chosen


def test_each_model_is_logged_and_returned_with_seconds_and_rows(tmp_path, caplog):
    graph = _project(tmp_path, {"staged/a.sql": "select * from range(3)",
                                "staged/b.sql": "-- materialized: view\nselect * from staged.a"})
    with caplog.at_level(logging.INFO, logger="zorginkoop.engine.models"), recording() as recorded:
        runs = run(duckdb.connect(), graph)
    assert [(r.model, r.rows) for r in runs] == [("staged.a", 3), ("staged.b", None)]
    assert recorded == runs and all(r.seconds >= 0 for r in runs)
    assert "staged.a" in caplog.text and "3 rows" in caplog.text


def test_the_manifest_lists_each_models_timing(tmp_path, policy):
    from zorginkoop.engine.pipeline import write_manifest

    path = write_manifest(tmp_path, policy, tmp_path, [], [], {}, {"select": 1.0},
                          [ModelRun("staged.a", 0.5, 3), ModelRun("staged.b", 0.1, None)])
    manifest = json.loads(path.read_text())
    assert manifest["model_timings"] == [{"model": "staged.a", "seconds": 0.5, "rows": 3},
                                         {"model": "staged.b", "seconds": 0.1, "rows": None}]
    assert manifest["timings_seconds"] == {"select": 1.0}


def _side_by_side_project(tmp_path, fail: str | None = None):
    models = {
        "staged/a.sql": "select range as x from range(50000)",
        "staged/b.sql": "select range as y from range(30000)",
        "intermediate/ab.sql": "select x, y from staged.a join staged.b on x = y",
        "intermediate/a2.sql": "select x * 2 as x2 from staged.a",
        "decisions/c.sql": "select count(*) as n, sum(x2) as s from intermediate.a2 join intermediate.ab on x2 = y",
    }
    if fail:
        models[fail] = "select * from staged.no_such_table"
    return _project(tmp_path, models)


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_models_built_side_by_side_are_the_same_and_come_back_in_graph_order(tmp_path, workers):
    """Two workers build the models whose inputs are ready at once; the tables, the order of the
    ModelRuns and what recording() sees are those of one worker."""
    graph = _side_by_side_project(tmp_path)
    con = duckdb.connect()
    with recording() as recorded:
        runs = run(con, graph, workers=workers)
    assert [r.model for r in runs] == list(graph.models) == [r.model for r in recorded]
    assert con.execute("select n, s from decisions.c").fetchall() == [(15000, 224985000)]


def test_a_failed_model_beside_others_stops_the_run_with_that_model_named(tmp_path):
    """The model that fails is named; nothing that reads it is built; with workers the first failure
    in the graph's order is the one raised."""
    graph = _side_by_side_project(tmp_path, fail="intermediate/a2.sql")  # decisions.c reads it
    con = duckdb.connect()
    with pytest.raises(RuntimeError, match=r"a2\.sql failed: .*no_such_table"):
        run(con, graph, workers=2)
    assert con.execute("select count(*) from duckdb_tables() where table_name = 'c'").fetchall() == [(0,)]


def test_outputs_written_side_by_side_come_back_in_the_order_given(tmp_path):
    from zorginkoop.engine.outputs import write_queries

    con = duckdb.connect()
    con.execute("create table t as select range as x, 'v' || range as v from range(100000)")
    queries = {tmp_path / name / f"{q}.parquet": f"select * from t where x % 3 = {q} order by x"
               for name in ("one", "two") for q in range(3)}
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    one = write_queries(con, {k: v for k, v in queries.items() if k.parent.name == "one"}, workers=1)
    two = write_queries(con, {k: v for k, v in queries.items() if k.parent.name == "two"}, workers=2)
    assert list(one.values()) == list(two.values()) == [33334, 33333, 33333]
    assert [p.name for p in two] == ["0.parquet", "1.parquet", "2.parquet"]
    for path in one:
        assert path.read_bytes() == (tmp_path / "two" / path.name).read_bytes()


def test_of_two_failed_models_the_first_in_graph_order_is_raised_and_the_finished_are_recorded(tmp_path):
    """staged.a fails after some work, staged.b at once; a's failure is the one raised, and nothing
    starts after a failure. A model built beside a failure is logged and recorded."""
    graph = _project(tmp_path, {
        "staged/a.sql": "select case when sum(range) > 0 then error('a failed late') end as x from range(30000000)",
        "staged/b.sql": "select * from staged_none.missing",
        "staged/c.sql": "select 1 as x",
        "intermediate/d.sql": "select x from staged.c",
    })
    assert graph.select()[:3] == ["staged.a", "staged.b", "staged.c"]
    for workers in (1, 2):
        con = duckdb.connect()
        with recording() as recorded, pytest.raises(RuntimeError, match="a failed late"):
            run(con, graph, workers=workers)
        # two workers: a and b fill both places, c waits for one and never starts once b failed
        assert recorded == [] and con.execute("select count(*) from duckdb_tables()").fetchall() == [(0,)]
    con = duckdb.connect()
    with recording() as recorded, pytest.raises(RuntimeError, match="staged_none"):
        run(con, graph, select="staged.c staged.b intermediate.d", workers=2)
    # c builds beside b's failure (and d after it, when c was done first): recorded all the same
    assert [r.model for r in recorded] in (["staged.c"], ["staged.c", "intermediate.d"])
