"""The policy file: found by name or path, validated at start, and readable from SQL."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
import yaml

from zorginkoop.errors import PolicyError
from zorginkoop.engine.policy import load_into_duckdb, load_policy


def test_bundled_policy_by_name_and_by_path(policy):
    assert policy.name == "paramedie-2024"
    assert load_policy(str(policy.path)).sha256 == policy.sha256
    p = policy.parameters
    assert (p.bi_threshold, p.small_practice_patients, p.peildatum) == (150, 30, dt.date(2023, 9, 1))
    assert p.application_deadline == dt.date(2023, 10, 1)


def test_parameters_reach_sql(policy):
    con = duckdb.connect()
    load_into_duckdb(policy, con)
    assert con.execute("select bi_threshold, peildatum::varchar, bi_year from policy.parameters").fetchall() == [(150.0, "2023-09-01", 2022)]
    assert con.execute("select application_window_start::varchar, signing_deadline::varchar, compliance_max_age_months, "
                       "big_beroep from policy.parameters").fetchall() == [("2023-04-01", "2023-11-01", 12, "fysiotherapeut")]
    terms = dict(con.execute("select discipline, einddatum::varchar from policy.contract_terms").fetchall())
    assert terms["ergotherapie"] == "2026-12-31" and terms["fysiotherapie"] == "2024-12-31"
    assert con.execute("select count(*) from policy.compliance_checks").fetchall()[0][0] == 16
    kwal = {r[0] for r in con.execute("select kwalificatie from policy.specialist_kwalificaties where discipline = 'oefentherapie'").fetchall()}
    assert kwal == {"0703", "0704", "0705", "0706", "0707", "0708", "0719", "0720"}


def write_variant(tmp_path, policy, change):
    data = yaml.safe_load(policy.path.read_text())
    change(data)
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_unknown_policy_name_lists_bundled_ones():
    with pytest.raises(PolicyError, match="paramedie-2024"):
        load_policy("paramedie-1999")


@pytest.mark.parametrize("change, message", [
    (lambda d: d["parameters"].pop("bi_threshold"), "bi_threshold"),
    (lambda d: d["parameters"].update(peildatum="1 september"), "peildatum"),
    (lambda d: d["parameters"].update(prior_year=2020), "prior_year"),
    (lambda d: d["parameters"].update(bi_treshold=140), "bi_treshold"),
    (lambda d: d["contract_terms"].pop(), "no contract term for"),
    (lambda d: d.update(domain="tandarts"), "unknown domain"),
    # the cycle's parameters (contract cycle.md)
    (lambda d: d["parameters"].pop("signing_deadline"), "signing_deadline"),
    (lambda d: d["parameters"].update(application_window_start=dt.date(2023, 10, 1)), "application_window_start"),
    (lambda d: d["parameters"].update(signing_deadline=dt.date(2024, 1, 1)), "signing_deadline must lie before"),
    (lambda d: d["parameters"].update(compliance_max_age_months=-1), "compliance_max_age_months"),
    (lambda d: d["parameters"].update(big_beroep=""), "big_beroep"),
])
def test_invalid_policy_is_refused(tmp_path, policy, change, message):
    with pytest.raises(PolicyError, match=message):
        load_policy(str(write_variant(tmp_path, policy, change)))


def test_a_later_year_is_a_new_file_not_code(tmp_path, policy):
    def next_year(d):
        d["name"] = "paramedie-2025"
        d["parameters"].update(contract_year=2025, prior_year=2024, bi_year=2023, bi_threshold=140,
                               contract_start=dt.date(2025, 1, 1))
    loaded = load_policy(str(write_variant(tmp_path, policy, next_year)))
    assert loaded.name == "paramedie-2025" and loaded.parameters.bi_threshold == 140


def test_with_parameters_revalidates(policy):
    assert policy.with_parameters(bi_threshold=140).parameters.bi_threshold == 140
    with pytest.raises(PolicyError):
        policy.with_parameters(bi_threshold=-1)


def test_ggz_policy_parameters_reach_sql_with_lists():
    ggz = load_policy("ggz-2021")
    assert ggz.domain.name == "ggz"
    con = duckdb.connect()
    load_into_duckdb(ggz, con)
    row = con.execute("select ggz_zorgsoorten, wachttijd_diagnosegroepen, offerte_min_clienten, kostenintensief_drempel, "
                      "reference_year from policy.parameters").fetchall()
    assert row == [(["54", "72", "79", "25"], ["adhd", "autisme", "persoonlijkheidsstoornissen"], 300, 30000.0, 2019)]
    assert con.execute("select count(*) from policy.compliance_checks").fetchall()[0][0] == 13
    assert con.execute("select count(*) from policy.online_checks").fetchall()[0][0] == 10
    assert con.execute("select ingangsdatum::varchar, einddatum::varchar from policy.contract_terms").fetchall() == [
        ("2021-01-01", "2021-12-31")]


@pytest.mark.parametrize("change, message", [
    (lambda d: d["parameters"].update(ggz_zorgsoorten=[54, 72]), "ggz_zorgsoorten"),
    (lambda d: d["parameters"].update(reference_year=2021), "reference_year"),
    (lambda d: d["parameters"].update(offerte_min_marktaandeel=2), "offerte_min_marktaandeel"),
    (lambda d: d["online_checks"].append({"check": "UBO_BEKEND", "policy_ref": "x"}), "both required and an online code"),
    (lambda d: d["schedule"].update(selection="every august"), "selection"),
])
def test_invalid_ggz_policy_is_refused(tmp_path, change, message):
    with pytest.raises(PolicyError, match=message):
        load_policy(str(write_variant(tmp_path, load_policy("ggz-2021"), change)))
