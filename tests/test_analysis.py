"""explain, what-if and diff on finished runs of the sample."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from typer.testing import CliRunner

from zorginkoop.engine import pipeline
from zorginkoop.analysis.runs import diff, explain, parse_settings, whatif
from zorginkoop.cli import app
from zorginkoop.errors import BadInputError
from zorginkoop.paths import SAMPLE_DIR


def finished_run(directory, policy):
    """A run directory as `zorginkoop run` leaves it (outputs plus zorginkoop.duckdb), without Prefect."""
    directory.mkdir(parents=True)
    db = directory / pipeline.DATABASE_NAME
    reports = pipeline.ingest(db, policy, SAMPLE_DIR)
    pipeline.validate(db, policy, reports, run_expectations=False)
    pipeline.select(db, policy)
    pipeline.export(db, policy, directory)
    return directory


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, policy):
    return finished_run(tmp_path_factory.mktemp("analysis") / "run", policy)


def test_explain_names_the_deciding_value_and_policy_section(run_dir):
    (unit,) = explain(run_dir, "04999902")
    assert (unit.discipline, unit.outcome, unit.reasons) == ("fysiotherapie", "NIET_AANBIEDEN", ["BEHANDELINDEX"])
    rule, result, detail, ref = unit.rules[0]  # failing rules first
    assert (rule, result) == ("BEHANDELINDEX", "fail")
    assert "BI 2022 V3 = 150" in detail and "drempel 150" in detail and "Behandel Index" in ref
    assert unit.naam and unit.route["prior_contract"] is True


def test_explain_every_unit_of_a_multi_discipline_practice(run_dir):
    units = explain(run_dir, "04999911")
    assert [u.discipline for u in units] == ["fysiotherapie", "oefentherapie"]
    assert len(explain(run_dir, "04999911", "oefentherapie")) == 1


def test_explain_unknown_code(run_dir):
    with pytest.raises(BadInputError, match="no unit for AGB 4999902"):
        explain(run_dir, "4999902")


def test_whatif_threshold_changes_exactly_the_units_between_old_and_new(run_dir, policy):
    result = whatif(run_dir, policy, parse_settings(["bi_threshold=140"]))
    expected = duckdb.connect().execute(f"""
        select praktijk_agb, discipline, outcome, 'NIET_AANBIEDEN' from '{run_dir}/decisions.parquet'
        where discipline = 'fysiotherapie' and bi >= 140 and bi < 150
          and outcome in ('PROACTIEF_AANBOD', 'AANBOD_OP_AANVRAAG', 'ZORGPLICHTTOETS') order by 1, 2""").fetchall()
    assert expected and result.changes == expected
    assert sum(r[1] - r[2] for r in result.regions) == len({e[0] for e in expected if e[2] in ("PROACTIEF_AANBOD", "AANBOD_OP_AANVRAAG")})
    assert all(r[3] is not None for r in result.regions), "insured people per region come from regions/insured_pc4.csv"


def test_whatif_leaves_the_run_unchanged(run_dir, policy):
    before = (run_dir / pipeline.DATABASE_NAME).read_bytes()
    whatif(run_dir, policy, {"small_practice_patients": 20})
    assert (run_dir / pipeline.DATABASE_NAME).read_bytes() == before


def test_whatif_refuses_an_unknown_parameter(run_dir, policy):
    from zorginkoop.errors import PolicyError
    with pytest.raises(PolicyError, match="bi_treshold"):
        whatif(run_dir, policy, {"bi_treshold": 140})


def test_diff_between_two_runs(run_dir, policy, tmp_path):
    assert diff(run_dir, run_dir).outcomes == []
    other = finished_run(tmp_path / "other", policy.with_parameters(bi_threshold=140))
    result = diff(run_dir, other)
    assert result.outcomes == whatif(run_dir, policy, {"bi_threshold": 140}).changes
    assert {(r[2], r[3], r[4]) for r in result.rules} == {("BEHANDELINDEX", "pass", "fail")}


def test_cli_explain_whatif_diff(run_dir, tmp_path):
    runner = CliRunner()
    shown = runner.invoke(app, ["explain", "04999902", "--output", str(run_dir)])
    assert shown.exit_code == 0 and "BEHANDELINDEX" in shown.output and "NIET_AANBIEDEN" in shown.output
    tried = runner.invoke(app, ["whatif", "--set", "bi_threshold=140", "--output", str(run_dir)])
    assert tried.exit_code == 0 and "change outcome" in tried.output
    copy = tmp_path / "copy"
    shutil.copytree(run_dir, copy)
    compared = runner.invoke(app, ["diff", str(run_dir), str(copy)])
    assert compared.exit_code == 0 and "0 unit(s) with another outcome" in compared.output
    missing = runner.invoke(app, ["explain", "04999902", "--output", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "not a run directory" in missing.output
