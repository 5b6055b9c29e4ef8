"""GGZ institutions 2021: every row of the decision table, the figures and their boundaries.

The table-driven cases go into one bundle, each as its own institution, which is run once
without Prefect. One large institution ("the market", 100 million of LGGZ revenue) keeps the
market share of every case far below 2 %, so only the case's own revenue and patients decide
its segment. Market share and production monitoring depend on all institutions together and
get their own small bundles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

import duckdb
import pytest


from .builder_ggz import COMPLIANCE, ONLINE, GgzBundle
from .conftest import run_selection

MARKET = "54000000"
TWO_YEAR, ONE_YEAR = ("2020-01-01", "2021-12-31"), ("2020-01-01", "2020-12-31")


@dataclass
class Case:
    id: str
    setup: Callable[[GgzBundle, str], None]
    outcome: str
    reasons: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)


def inst(**kw):
    return lambda b, agb: b.instelling(agb, **kw)


def with_patients(count, bedrag="1000.00", zorgtype="BGGZ", **kw):
    def setup(b, agb):
        b.instelling(agb, **kw)
        b.patients(agb, count, bedrag, zorgtype)
    return setup


def with_claims(*lines, **kw):
    """lines: (patient number within the case, zorgtype, bedrag[, einddatum])."""
    def setup(b, agb):
        b.instelling(agb, **kw)
        patients = {}
        for line in lines:
            number, zorgtype, bedrag, *einde = line
            if number not in patients:
                patients[number] = b.patient()
            b.claim(agb, bedrag, zorgtype=zorgtype, patient=patients[number], einddatum=einde[0] if einde else "2019-06-30")
    return setup


def with_checks(*rows, **kw):
    """rows: (check, result[, peildatum]); a result of None removes the institution's row for that check."""
    def setup(b, agb):
        b.instelling(agb, **kw)
        for check, result, *peildatum in rows:
            if result is None:
                b.remove("compliance_checks", onderneming_agb=agb, check=check)
            else:
                b.check(agb, check, result, *peildatum)
    return setup


def with_application(datum="2020-05-01", **kw):
    def setup(b, agb):
        b.instelling(agb, contract=None, **kw)
        b.add("applications", praktijk_agb=agb, discipline="ggz", aanvraagdatum=datum)
    return setup


def with_online(codes, fail=()):
    def setup(b, agb):
        b.instelling(agb)
        for code in codes:
            b.check(agb, code, "fail" if code in fail else "pass")
    return setup


def with_waiting(*rows):
    def setup(b, agb):
        b.instelling(agb)
        for row in rows:
            b.wachttijd(agb, *row)
    return setup


def not_in_register(b, agb):
    b.add("contracts", praktijk_agb=agb, discipline="ggz", ingangsdatum="2020-01-01", einddatum="2021-12-31")
    for check in COMPLIANCE:
        b.check(agb, check, "pass")


LOPEND = "LOPENDE_OVEREENKOMST"
CASES = [
    # Row 1: GEEN_ACTIE
    Case("no_contract_no_application", inst(contract=None), "GEEN_ACTIE", ["GEEN_OVEREENKOMST_GEEN_AANVRAAG"]),
    Case("contract_ended_2019", inst(contract=("2018-01-01", "2019-12-31")), "GEEN_ACTIE", ["GEEN_OVEREENKOMST_GEEN_AANVRAAG"]),
    Case("geen_actie_before_a_failing_rule", with_checks(("UBO_BEKEND", "fail", "2020-06-20"), contract=None),
         "GEEN_ACTIE", ["GEEN_OVEREENKOMST_GEEN_AANVRAAG"]),
    Case("contract_ending_on_1_january_2020_overlaps", inst(contract=("2019-01-01", "2020-01-01")), "DIGITAAL_AANBOD",
         fields={"overeenkomst_actueel": True, "overeenkomst_dekt_contractjaar": False}),
    # Row 2: NIET_AANBIEDEN
    Case("compliance_fail", with_checks(("GEEN_SANCTIE", "fail", "2020-06-20")), "NIET_AANBIEDEN", ["GEEN_SANCTIE"],
         rules={"GEEN_SANCTIE": "fail"}),
    Case("fail_wins_over_review", with_checks(("GEEN_SANCTIE", "fail", "2020-06-20"), ("GOVERNANCECODE", None)),
         "NIET_AANBIEDEN", ["GEEN_SANCTIE"], rules={"GOVERNANCECODE": "review"}),
    Case("agb_ends_before_contract_start", inst(einde="2020-12-31"), "NIET_AANBIEDEN", ["AGB_ACTIEF"]),
    Case("agb_ends_on_contract_start", inst(einde="2021-01-01"), LOPEND, rules={"AGB_ACTIEF": "pass"}),
    Case("agb_starts_after_peildatum", inst(aanvang="2020-07-02"), "NIET_AANBIEDEN", ["AGB_ACTIEF"]),
    Case("not_in_agb_register", not_in_register, "NIET_AANBIEDEN", ["AGB_ACTIEF"]),
    Case("quality_check_fails", with_checks(("ZORGSTANDAARDEN", "fail", "2020-06-20")), "NIET_AANBIEDEN",
         ["ZORGSTANDAARDEN"]),
    # Row 3: INDIVIDUELE_BEOORDELING
    Case("compliance_missing", with_checks(("KWALITEITSSTATUUT_III", None)), "INDIVIDUELE_BEOORDELING",
         ["KWALITEITSSTATUUT_III"], rules={"KWALITEITSSTATUUT_III": "review"}),
    Case("latest_compliance_row_counts", with_checks(("WTZI_TOEGELATEN", "fail", "2019-06-01")), LOPEND,
         rules={"WTZI_TOEGELATEN": "pass"}),
    # Row 4: OFFERTE_UITNODIGING, thresholds exactly at the boundary (>=)
    Case("exactly_300_clients", with_patients(300, "100.00"), "OFFERTE_UITNODIGING",
         fields={"segment": "offerte", "segment_redenen": ["CLIENTEN"], "patienten_totaal": 300}),
    Case("299_clients", with_patients(299, "100.00"), LOPEND, fields={"segment": "digitaal", "patienten_totaal": 299}),
    Case("revenue_exactly_one_million", with_patients(40, "25000.00", "SGGZ"), "OFFERTE_UITNODIGING",
         fields={"segment_redenen": ["OMZET"], "omzet_totaal": Decimal("1000000.00"), "voorgesteld_omzetplafond": Decimal("1000000.00"),
                 "max_omzet_per_patient": Decimal("25000.00")}),
    Case("revenue_one_cent_below_a_million", with_claims(*[(n, "SGGZ", "25000.00") for n in range(39)], (39, "SGGZ", "24999.99")),
         LOPEND, fields={"segment": "digitaal", "omzet_totaal": Decimal("999999.99")}),
    Case("offerte_before_running_contract", with_patients(300, "10.00", contract=TWO_YEAR), "OFFERTE_UITNODIGING"),
    # Rows 5 and 6
    Case("two_year_contract", inst(contract=TWO_YEAR), LOPEND, fields={"overeenkomst_dekt_contractjaar": True,
                                                                        "contract_ingangsdatum": None}),
    Case("open_ended_contract", inst(contract=("2015-01-01", "")), LOPEND),
    Case("contract_2020_only", inst(contract=ONE_YEAR), "DIGITAAL_AANBOD",
         fields={"contract_ingangsdatum": "2021-01-01", "contract_einddatum": "2021-12-31"}),
    Case("contract_from_february_2021", inst(contract=("2021-02-01", "2021-12-31")), "DIGITAAL_AANBOD"),
    Case("application_only", with_application(), "DIGITAAL_AANBOD", fields={"aanvraagdatum": "2020-05-01"}),
    # Cost-intensive patients: strictly above 30,000 of SGGZ revenue at the institution
    Case("patient_exactly_at_threshold_stays_in", with_claims((1, "SGGZ", "30000.00")), LOPEND,
         fields={"kostenintensieve_patienten": 0, "omzet_sggz_excl": Decimal("30000.00"), "patienten_sggz_excl": 1,
                 "max_omzet_per_patient": Decimal("30000.00")}),
    Case("patient_one_cent_above_threshold_is_excluded", with_claims((1, "SGGZ", "30000.01"), (2, "SGGZ", "5000.00")), LOPEND,
         fields={"kostenintensieve_patienten": 1, "omzet_sggz_kostenintensief": Decimal("30000.01"),
                 "omzet_sggz_excl": Decimal("5000.00"), "patienten_sggz": 2, "patienten_sggz_excl": 1,
                 "voorgesteld_omzetplafond": Decimal("5000.00"), "max_omzet_per_patient": Decimal("5000.00")}),
    Case("threshold_on_the_sum_of_a_patients_lines", with_claims((1, "SGGZ", "20000.00"), (1, "SGGZ", "15000.00")), LOPEND,
         fields={"kostenintensieve_patienten": 1, "omzet_sggz_excl": Decimal("0.00"), "max_omzet_per_patient": None}),
    Case("credit_brings_patient_under_threshold", with_claims((1, "SGGZ", "40000.00"), (1, "SGGZ", "-15000.00")), LOPEND,
         fields={"kostenintensieve_patienten": 0, "omzet_sggz": Decimal("25000.00"), "omzet_sggz_excl": Decimal("25000.00")}),
    Case("bggz_revenue_never_makes_a_patient_cost_intensive", with_claims((1, "BGGZ", "35000.00"), (1, "SGGZ", "100.00")), LOPEND,
         fields={"kostenintensieve_patienten": 0, "omzet_bggz": Decimal("35000.00"), "omzet_sggz_excl": Decimal("100.00")}),
    Case("only_cost_intensive_sggz_patients",
         with_claims((1, "SGGZ", "50000.00"), (2, "SGGZ", "60000.00"), (3, "BGGZ", "1000.00"), (4, "LGGZ", "70000.00")), LOPEND,
         fields={"patienten_sggz": 2, "kostenintensieve_patienten": 2, "omzet_sggz_kostenintensief": Decimal("110000.00"),
                 "omzet_sggz_excl": Decimal("0.00"), "patienten_sggz_excl": 0, "voorgesteld_omzetplafond": Decimal("0.00"),
                 "max_omzet_per_patient": None, "patienten_bggz": 1, "patienten_lggz": 1, "patienten_totaal": 4,
                 "omzet_totaal": Decimal("181000.00")}),
    # Credits and the reference year
    Case("fully_credited_patient_is_no_patient", with_claims((1, "SGGZ", "2000.00"), (1, "SGGZ", "-2000.00"), (2, "SGGZ", "500.00")),
         LOPEND, fields={"omzet_sggz": Decimal("500.00"), "patienten_sggz": 1, "patienten_totaal": 1}),
    Case("credit_counts_with_its_sign", with_claims((1, "BGGZ", "1200.00"), (1, "BGGZ", "-1200.00"), (1, "BGGZ", "1100.00")),
         LOPEND, fields={"omzet_bggz": Decimal("1100.00"), "patienten_bggz": 1}),
    Case("only_einddatum_in_2019_counts",
         with_claims((1, "SGGZ", "100.00", "2018-12-31"), (2, "SGGZ", "200.00", "2019-01-01"), (3, "SGGZ", "400.00", "2019-12-31"),
                     (4, "SGGZ", "800.00", "2020-01-01")), LOPEND,
         fields={"omzet_sggz": Decimal("600.00"), "patienten_sggz": 2}),
    Case("max_per_patient_is_rounded_to_cents", with_claims((1, "SGGZ", "1000.00"), (2, "SGGZ", "1000.00"), (3, "SGGZ", "1000.01")),
         LOPEND, fields={"max_omzet_per_patient": Decimal("1000.00"), "omzet_sggz_excl": Decimal("3000.01")}),
    Case("max_per_patient_rounds_half_a_cent_up", with_claims((1, "SGGZ", "50.00"), (2, "SGGZ", "50.01")),
         LOPEND, fields={"max_omzet_per_patient": Decimal("50.01")}),
    Case("no_claims_at_all", inst(), LOPEND, fields={"omzet_totaal": Decimal("0.00"), "patienten_totaal": 0, "marktaandeel": 0.0,
                                                     "max_omzet_per_patient": None, "productiemonitoring": False}),
    # Online care
    Case("online_all_ten_pass", with_online(ONLINE), LOPEND, fields={"online_beoordeeld": True, "online_maatwerk": True,
                                                                     "online_niet_voldaan": []}),
    Case("online_codes_partly_present", with_online(ONLINE[:4]), LOPEND,
         fields={"online_beoordeeld": True, "online_maatwerk": False,
                 "online_niet_voldaan": sorted(f"{c}: geen rij" for c in ONLINE[4:])}),
    Case("online_all_ten_one_fails", with_online(ONLINE, fail=("ONLINE_KOSTENDALING",)), LOPEND,
         fields={"online_maatwerk": False, "online_niet_voldaan": ["ONLINE_KOSTENDALING: fail"]}),
    Case("no_online_codes", inst(), LOPEND, fields={"online_beoordeeld": False, "online_maatwerk": False}),
    # Waiting times: latest row per group, strictly above either Treeknorm, only the policy's groups
    Case("waiting_times",
         with_waiting(("adhd", "4.1", "3"), ("autisme", "4", "10"), ("persoonlijkheidsstoornissen", "1", "10.5"),
                      ("depressie", "20", "30")), LOPEND,
         fields={"wachttijd_gesprek": ["adhd", "persoonlijkheidsstoornissen"]}),
    Case("latest_waiting_time_counts",
         with_waiting(("adhd", "9", "20", "2019-12-01"), ("adhd", "2", "5", "2020-06-01"),
                      ("autisme", "1", "2", "2019-12-01"), ("autisme", "6", "2", "2020-06-01")), LOPEND,
         fields={"wachttijd_gesprek": ["autisme"]}),
    # Units
    Case("zorgsoort_72", inst(zorgsoort="72"), LOPEND),
    Case("zorgsoort_25", inst(zorgsoort="25"), LOPEND),
    Case("other_zorgsoort_with_contract_is_a_unit", inst(zorgsoort="04"), LOPEND),
]


def agb_of(index: int) -> str:
    return f"54{index + 1:06d}"


@pytest.fixture(scope="module")
def ggz_results(tmp_path_factory, ggz_policy):
    b = GgzBundle()
    b.instelling(MARKET)
    b.claim(MARKET, "100000000.00", zorgtype="LGGZ")
    for i, case in enumerate(CASES):
        case.setup(b, agb_of(i))
    b.instelling("04999999", zorgsoort="04", contract=None)  # not GGZ, no contract: no unit
    work = tmp_path_factory.mktemp("ggz-rules")
    out = run_selection(b.write(work / "bundle"), work, ggz_policy, validate=False)
    con = duckdb.connect()
    cursor = con.execute(f"select * from '{out}/decisions.parquet'")
    columns = [d[0] for d in cursor.description]
    decisions = {row[0]: dict(zip(columns, row)) for row in cursor.fetchall()}
    rules = {}
    for agb, rule, result in con.execute(f"select praktijk_agb, rule, result from '{out}/rule_results.parquet'").fetchall():
        rules.setdefault(agb, {})[rule] = result
    return decisions, rules, out


def _normal(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value


@pytest.mark.parametrize("index,case", list(enumerate(CASES)), ids=[c.id for c in CASES])
def test_case(index, case, ggz_results):
    decisions, rules, _ = ggz_results
    decision = decisions[agb_of(index)]
    assert decision["outcome"] == case.outcome, (case.id, decision["reasons"], rules[agb_of(index)])
    assert list(decision["reasons"]) == case.reasons
    for column, expected in case.fields.items():
        actual = _normal(decision[column])
        if isinstance(expected, list):
            actual = list(actual)
        assert actual == expected, (case.id, column)
    for rule, result in case.rules.items():
        assert rules[agb_of(index)][rule] == result, (case.id, rule)


def test_every_unit_gets_every_rule_with_its_policy_section(ggz_results, ggz_policy):
    _, rules, out = ggz_results
    expected = {c.check for c in ggz_policy.model.compliance_checks} | {"AGB_ACTIEF", "INVOER_VOLLEDIG"}
    assert all(set(unit_rules) == expected for unit_rules in rules.values())
    missing_ref = duckdb.connect().execute(f"select count(*) from '{out}/rule_results.parquet' where policy_ref is null").fetchall()
    assert missing_ref == [(0,)]


def test_units_are_the_ggz_institutions_contracts_and_applications(ggz_results):
    decisions, _, _ = ggz_results
    assert "04999999" not in decisions
    assert set(decisions) == {MARKET} | {agb_of(i) for i in range(len(CASES))}
    assert all(d["discipline"] == "ggz" for d in decisions.values())


def test_offer_lists_carry_what_the_buyer_needs(ggz_results):
    decisions, _, out = ggz_results
    con = duckdb.connect()
    offerte = con.execute(f"select instelling_agb, naam, voorgesteld_omzetplafond, max_omzet_per_patient, kostenintensieve_patienten "
                          f"from '{out}/offerte_uitnodigingen.parquet' order by 1").fetchall()
    assert {r[0] for r in offerte} == {a for a, d in decisions.items() if d["outcome"] == "OFFERTE_UITNODIGING"}
    assert all(r[1].startswith("GGZ-instelling") for r in offerte)
    digitaal = con.execute(f"select distinct contract_ingangsdatum, contract_einddatum, uiterste_tekendatum "
                           f"from '{out}/digitale_aanbiedingen.parquet'").fetchall()
    assert [tuple(map(str, r)) for r in digitaal] == [("2021-01-01", "2021-12-31", "2020-11-01")]
    shown = dict(con.execute(f"select praktijk_agb, gecontracteerd from '{out}/zorgzoeker.parquet'").fetchall())
    for agb, decision in decisions.items():
        if agb in shown:
            assert shown[agb] == (decision["outcome"] in ("LOPENDE_OVEREENKOMST", "DIGITAAL_AANBOD")), agb
    reviews = con.execute(f"select instelling_agb, review_details from '{out}/case_reviews.parquet'").fetchall()
    assert reviews and all(any("KWALITEITSSTATUUT_III" in d for d in details) for _, details in reviews)


def _figures(tmp_path, policy, build) -> dict:
    b = GgzBundle()
    build(b)
    out = run_selection(b.write(tmp_path / "bundle"), tmp_path, policy, validate=False)
    rows = duckdb.connect().execute(f"select instelling_agb, segment, marktaandeel, productiemonitoring, omzet_rang, "
                                    f"voorgesteld_omzetplafond from '{out}/decisions.parquet'").fetchall()
    return {r[0]: r[1:] for r in rows}


def test_market_share_exactly_at_two_percent_is_offerte(tmp_path, ggz_policy):
    def build(b):
        for agb, bedrag, patients in (("54000001", "1000.00", 2), ("54000002", "999.99", 2), ("54000003", "1000.00", 96)):
            b.instelling(agb)
            b.patients(agb, patients, bedrag)
        b.instelling("54000004")
        b.claim("54000004", "0.02", zorgtype="BGGZ")  # total 100,000.00: 54000001 has exactly 2 %
    figures = _figures(tmp_path, ggz_policy, build)
    assert figures["54000001"][:2] == ("offerte", 0.02)
    assert figures["54000002"][0] == "digitaal" and figures["54000002"][1] < 0.02


def test_production_monitoring_for_the_top_n_with_ties(tmp_path, ggz_policy):
    policy = ggz_policy.with_parameters(productiemonitoring_top_n=2)

    def build(b):
        for agb, bedrag in (("54000001", "3000.00"), ("54000002", "2000.00"), ("54000003", "2000.00"), ("54000004", "1000.00")):
            b.instelling(agb)
            b.claim(agb, bedrag, zorgtype="BGGZ")
        b.instelling("54000005")  # no revenue: never monitored
    figures = _figures(tmp_path, policy, build)
    assert {agb: f[2:4] for agb, f in figures.items()} == {
        "54000001": (True, 1), "54000002": (True, 2), "54000003": (True, 2), "54000004": (False, 4), "54000005": (False, 5)}


def test_plafond_index_scales_the_proposed_ceiling(tmp_path, ggz_policy):
    policy = ggz_policy.with_parameters(plafond_index=1.05)

    def build(b):
        b.instelling("54000001")
        b.claim("54000001", "10000.00")
        b.claim("54000001", "31000.00")  # cost-intensive: not in the ceiling
    assert _figures(tmp_path, policy, build)["54000001"][4] == Decimal("10500.00")


def test_a_quarantined_claim_line_sends_the_institution_to_review(tmp_path, ggz_policy):
    policy = ggz_policy.with_parameters(quarantine_tolerance=0.5)
    b = GgzBundle()
    b.instelling("54000001")
    b.patients("54000001", 3)
    b.instelling("54000002")
    b.patients("54000002", 3)
    b.rows["claims"][-1]["declaratiebedrag"] = "12.345"  # three decimals: not euros and cents
    out = run_selection(b.write(tmp_path / "bundle"), tmp_path, policy, validate=False)
    rows = dict(duckdb.connect().execute(f"select instelling_agb, outcome from '{out}/decisions.parquet'").fetchall())
    assert rows == {"54000001": "OFFERTE_UITNODIGING", "54000002": "INDIVIDUELE_BEOORDELING"}  # offerte: 50 % market share
    reasons = duckdb.connect().execute(f"select reasons from '{out}/decisions.parquet' where instelling_agb = '54000002'").fetchall()
    assert reasons == [(["REVIEW_INVOER_IN_QUARANTAINE"],)]
