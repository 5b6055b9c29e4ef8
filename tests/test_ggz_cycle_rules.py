"""Contract cycle.md for ggz-2021, table-driven, at every boundary.

The application window (from 2020-01-01, no deadline), the age of compliance checks (peildatum
2020-07-01 - 12 months = 2019-07-01), reviewers' decisions and acceptances (signing deadline
2020-11-01). As in test_ggz_rules, one large institution ("the market") keeps every case's market
share far below 2 %, so only a case's own patients decide its segment. The bundle is run twice
without Prefect: without the acceptances file (zorgzoeker voorlopig) and with it (definitief).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import duckdb
import pytest


from .builder_ggz import GgzBundle
from .cycle_checks import (REVIEWS, add_cases, assert_decision, assert_eindbesluit, assert_judged_rows, by_unit,
                           judged_places, run_twice, table)

MARKET = "54000000"
UNKNOWN = "54999999"  # no institution in the bundle has this AGB code
ONE_YEAR = ("2020-01-01", "2020-12-31")  # overlaps 2020, does not cover 2021: DIGITAAL_AANBOD
OFFER_LISTS = ("offerte_uitnodigingen", "digitale_aanbiedingen")
EINDBESLUIT = {"OFFERTE_UITNODIGING": "AANBIEDEN", "DIGITAAL_AANBOD": "AANBIEDEN",
               "LOPENDE_OVEREENKOMST": "LOPENDE_OVEREENKOMST", "NIET_AANBIEDEN": "NIET_AANBIEDEN",
               "GEEN_ACTIE": "NIET_AANBIEDEN"}
TERMS = {"contract_ingangsdatum": "2021-01-01", "contract_einddatum": "2021-12-31"}
NO_DATES = {"contract_ingangsdatum": None, "contract_einddatum": None}
NO_DECISION = {"besluit": None, "motivering": None, "beoordelaar": None, "beoordeeld_op": None}
DIGITAAL, OFFERTE = {"digitale_aanbiedingen": False}, {"offerte_uitnodigingen": False}


@dataclass
class Case:
    id: str
    setup: Callable[[GgzBundle, str], None]
    outcome: str
    eindbesluit: str
    reasons: list[str] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)
    details: dict[str, list[str]] = field(default_factory=dict)
    fields: dict = field(default_factory=dict)
    offers: dict[str, bool] = field(default_factory=dict)   # offer list -> na_beoordeling; absent: not on it
    reviews_quarantined: list[str | None] = field(default_factory=list)
    acceptances_quarantined: list[str | None] = field(default_factory=list)
    voorlopig: bool | None = None
    definitief: bool | None = None
    unanswered: bool | None = None


def steps(*parts):
    def setup(b, agb):
        for part in parts:
            part(b, agb)
    return setup


def inst(**kw):
    return lambda b, agb: b.instelling(agb, **kw)


def applications(*dates, contract=None):
    def setup(b, agb):
        b.instelling(agb, contract=contract)
        for datum in dates:
            b.add("applications", praktijk_agb=agb, discipline="ggz", aanvraagdatum=datum)
    return setup


def check_rows(rows, check="GEEN_SANCTIE", **kw):
    """Every required code passed on 2020-06-15 except `check`, which gets exactly `rows` (result, peildatum)."""
    def setup(b, agb):
        b.instelling(agb, **kw)
        b.remove("compliance_checks", onderneming_agb=agb, check=check)
        for result, peildatum in rows:
            b.check(agb, check, result, peildatum)
    return setup


def under_review(**kw):
    """INDIVIDUELE_BEOORDELING with reason KWALITEITSSTATUUT_III: the check has no row."""
    return check_rows([], check="KWALITEITSSTATUUT_III", **kw)


def patients(count, bedrag="100.00"):
    return lambda b, agb: b.patients(agb, count, bedrag)


def review(besluit="AANBIEDEN", datum="2020-08-15", motivering="Regionale spreiding van zorg",
           beoordelaar="D. Jansen", agb=None, discipline="ggz"):
    return lambda b, own: b.add("reviews", praktijk_agb=agb or own, discipline=discipline, besluit=besluit,
                                motivering=motivering, beoordelaar=beoordelaar, beoordeeld_op=datum)


def accept(datum, agb=None):
    return lambda b, own: b.add("acceptances", praktijk_agb=agb or own, discipline="ggz", geaccepteerd_op=datum)


DEADLINE_LATE = "after the signing deadline (uiterste tekendatum) 2020-11-01"
REVIEW_ONLY = ["KWALITEITSSTATUUT_III"]

CASES = [
    # -- 1.1 the application window: aanvraagdatum >= 2020-01-01, no deadline
    Case("window_start_day_before", applications("2019-12-31"), "GEEN_ACTIE", "NIET_AANBIEDEN",
         ["GEEN_OVEREENKOMST_GEEN_AANVRAAG"], fields={"aanvraagdatum": None, **NO_DATES}),
    Case("window_start_exactly", applications("2020-01-01"), "DIGITAAL_AANBOD", "AANBIEDEN",
         fields={"aanvraagdatum": "2020-01-01", "segment": "digitaal", **TERMS, **NO_DECISION}, offers=DIGITAAL,
         voorlopig=True, definitief=False, unanswered=True),
    Case("two_in_window_latest_shown", applications("2020-06-15", "2020-02-01"), "DIGITAAL_AANBOD", "AANBIEDEN",
         fields={"aanvraagdatum": "2020-06-15"}, offers=DIGITAAL),
    Case("stale_plus_in_window_counts", applications("2019-11-01", "2020-03-01"), "DIGITAAL_AANBOD", "AANBIEDEN",
         fields={"aanvraagdatum": "2020-03-01"}, offers=DIGITAAL),
    Case("application_after_peildatum_counts", applications("2020-10-15"), "DIGITAAL_AANBOD", "AANBIEDEN",
         fields={"aanvraagdatum": "2020-10-15"}, offers=DIGITAAL),
    Case("stale_application_old_contract", applications("2019-06-01", contract=("2018-01-01", "2019-12-31")),
         "GEEN_ACTIE", "NIET_AANBIEDEN", ["GEEN_OVEREENKOMST_GEEN_AANVRAAG"], fields={"aanvraagdatum": None}),

    # -- 1.3 compliance checks must be recent: on or after 2019-07-01
    Case("compliance_12_months_exactly", check_rows([("pass", "2019-07-01")]), "LOPENDE_OVEREENKOMST",
         "LOPENDE_OVEREENKOMST", rules={"GEEN_SANCTIE": "pass"}, voorlopig=True, definitief=True, unanswered=False),
    Case("compliance_12_months_and_a_day", check_rows([("pass", "2019-06-30")]), "INDIVIDUELE_BEOORDELING", "OPEN",
         ["GEEN_SANCTIE"], rules={"GEEN_SANCTIE": "review"}, details={"GEEN_SANCTIE": ["2019-06-30", "12 maanden"]},
         fields={**NO_DECISION, **NO_DATES}, voorlopig=False, definitief=False),
    Case("compliance_stale_fail_is_review", check_rows([("fail", "2019-06-30")]), "INDIVIDUELE_BEOORDELING", "OPEN",
         ["GEEN_SANCTIE"], rules={"GEEN_SANCTIE": "review"}, details={"GEEN_SANCTIE": ["2019-06-30", "12 maanden"]}),
    Case("compliance_fail_12_months_exactly_fails", check_rows([("fail", "2019-07-01")]), "NIET_AANBIEDEN",
         "NIET_AANBIEDEN", ["GEEN_SANCTIE"], rules={"GEEN_SANCTIE": "fail"}),
    Case("compliance_stale_fail_then_recent_pass", check_rows([("fail", "2018-05-01"), ("pass", "2020-01-10")]),
         "LOPENDE_OVEREENKOMST", "LOPENDE_OVEREENKOMST", rules={"GEEN_SANCTIE": "pass"}),

    # -- 2 reviewers' decisions
    Case("reviewed_aanbieden_digitaal", steps(under_review(contract=ONE_YEAR), review("AANBIEDEN", beoordelaar="E. Visser")),
         "INDIVIDUELE_BEOORDELING", "AANBIEDEN", REVIEW_ONLY,
         fields={"besluit": "AANBIEDEN", "motivering": "Regionale spreiding van zorg", "beoordelaar": "E. Visser",
                 "beoordeeld_op": "2020-08-15", "segment": "digitaal", **TERMS},
         offers={"digitale_aanbiedingen": True}, reviews_quarantined=[None], voorlopig=False, definitief=False,
         unanswered=True),
    Case("reviewed_aanbieden_offerte", steps(under_review(), patients(300), review("AANBIEDEN")),
         "INDIVIDUELE_BEOORDELING", "AANBIEDEN", REVIEW_ONLY, fields={"segment": "offerte", **TERMS},
         offers={"offerte_uitnodigingen": True}, reviews_quarantined=[None], voorlopig=False, unanswered=True),
    Case("reviewed_niet_aanbieden", steps(under_review(contract=ONE_YEAR), review("NIET_AANBIEDEN")),
         "INDIVIDUELE_BEOORDELING", "NIET_AANBIEDEN", REVIEW_ONLY, fields={"besluit": "NIET_AANBIEDEN", **NO_DATES},
         reviews_quarantined=[None], voorlopig=False, unanswered=False),
    Case("under_review_without_decision", under_review(contract=ONE_YEAR), "INDIVIDUELE_BEOORDELING", "OPEN",
         REVIEW_ONLY, fields={**NO_DECISION, **NO_DATES}, unanswered=False),
    Case("later_review_counts", steps(under_review(contract=ONE_YEAR), review("NIET_AANBIEDEN", "2020-08-01"),
                                      review("AANBIEDEN", "2020-08-02")),
         "INDIVIDUELE_BEOORDELING", "AANBIEDEN", REVIEW_ONLY, fields={"beoordeeld_op": "2020-08-02", **TERMS},
         offers={"digitale_aanbiedingen": True}, reviews_quarantined=[None, None]),
    Case("same_date_conflicting_reviews", steps(under_review(contract=ONE_YEAR), review("AANBIEDEN", "2020-08-01"),
                                                review("AANBIEDEN", "2020-09-01"), review("NIET_AANBIEDEN", "2020-09-01")),
         "INDIVIDUELE_BEOORDELING", "OPEN", REVIEW_ONLY, fields={**NO_DECISION, **NO_DATES},
         reviews_quarantined=[None, "conflicting", "conflicting"]),
    Case("review_for_digitaal_aanbod", steps(inst(contract=ONE_YEAR), review("NIET_AANBIEDEN")), "DIGITAAL_AANBOD",
         "AANBIEDEN", fields={**NO_DECISION, **TERMS}, offers=DIGITAAL, reviews_quarantined=["DIGITAAL_AANBOD"],
         voorlopig=True),
    Case("review_for_running_contract", steps(inst(), review("AANBIEDEN")), "LOPENDE_OVEREENKOMST",
         "LOPENDE_OVEREENKOMST", fields=NO_DECISION, reviews_quarantined=["LOPENDE_OVEREENKOMST"]),
    Case("review_for_offerte_uitnodiging", steps(inst(), patients(300), review("NIET_AANBIEDEN")),
         "OFFERTE_UITNODIGING", "AANBIEDEN", fields=NO_DECISION, offers=OFFERTE,
         reviews_quarantined=["OFFERTE_UITNODIGING"]),
    Case("review_for_geen_actie", steps(applications("2019-12-31"), review("AANBIEDEN")), "GEEN_ACTIE",
         "NIET_AANBIEDEN", ["GEEN_OVEREENKOMST_GEEN_AANVRAAG"], fields=NO_DECISION, reviews_quarantined=["GEEN_ACTIE"]),
    Case("review_for_unknown_unit", steps(under_review(contract=ONE_YEAR), review(agb=UNKNOWN),
                                          review(discipline="fysiotherapie")),
         "INDIVIDUELE_BEOORDELING", "OPEN", REVIEW_ONLY, fields=NO_DECISION,
         reviews_quarantined=["not a unit", "not a unit"]),
    Case("review_besluit_ja", steps(under_review(contract=ONE_YEAR), review("JA")), "INDIVIDUELE_BEOORDELING", "OPEN",
         REVIEW_ONLY, rules={"INVOER_VOLLEDIG": "pass"}, fields=NO_DECISION, reviews_quarantined=["JA"]),
    Case("review_without_beoordelaar", steps(under_review(contract=ONE_YEAR), review(beoordelaar="")),
         "INDIVIDUELE_BEOORDELING", "OPEN", REVIEW_ONLY, rules={"INVOER_VOLLEDIG": "pass"}, fields=NO_DECISION,
         reviews_quarantined=["beoordelaar"]),
    Case("review_date_day_32", steps(under_review(contract=ONE_YEAR), review(datum="2020-08-32")),
         "INDIVIDUELE_BEOORDELING", "OPEN", REVIEW_ONLY, rules={"INVOER_VOLLEDIG": "pass"}, fields=NO_DECISION,
         reviews_quarantined=["2020-08-32"]),

    # -- 3 acceptances: count only for eindbesluit AANBIEDEN, geaccepteerd_op <= 2020-11-01
    Case("accepted_on_signing_deadline", steps(inst(contract=ONE_YEAR), accept("2020-11-01")), "DIGITAAL_AANBOD",
         "AANBIEDEN", offers=DIGITAAL, acceptances_quarantined=[None], voorlopig=True, definitief=True, unanswered=False),
    Case("accepted_day_after_deadline", steps(inst(contract=ONE_YEAR), accept("2020-11-02")), "DIGITAAL_AANBOD",
         "AANBIEDEN", offers=DIGITAAL, acceptances_quarantined=[DEADLINE_LATE], voorlopig=True, definitief=False,
         unanswered=True),
    Case("accepted_offerte_uitnodiging", steps(inst(), patients(300), accept("2020-10-01")), "OFFERTE_UITNODIGING",
         "AANBIEDEN", fields={"segment": "offerte", **NO_DATES}, offers=OFFERTE, acceptances_quarantined=[None],
         voorlopig=False, definitief=True, unanswered=False),
    Case("offerte_uitnodiging_without_acceptance", steps(inst(), patients(300)), "OFFERTE_UITNODIGING", "AANBIEDEN",
         offers=OFFERTE, voorlopig=False, definitief=False, unanswered=True),
    Case("accepted_niet_aanbieden", steps(check_rows([("fail", "2020-06-20")], contract=ONE_YEAR), accept("2020-10-01")),
         "NIET_AANBIEDEN", "NIET_AANBIEDEN", ["GEEN_SANCTIE"], acceptances_quarantined=["NIET_AANBIEDEN"],
         voorlopig=False, definitief=False, unanswered=False),
    Case("accepted_open_review", steps(under_review(contract=ONE_YEAR), accept("2020-10-01")),
         "INDIVIDUELE_BEOORDELING", "OPEN", REVIEW_ONLY, acceptances_quarantined=["eindbesluit OPEN"], definitief=False),
    Case("accepted_after_review_aanbieden", steps(under_review(contract=ONE_YEAR), review("AANBIEDEN"),
                                                  accept("2020-10-30")),
         "INDIVIDUELE_BEOORDELING", "AANBIEDEN", REVIEW_ONLY, offers={"digitale_aanbiedingen": True},
         reviews_quarantined=[None], acceptances_quarantined=[None], voorlopig=False, definitief=True, unanswered=False),
    Case("accepted_running_contract", steps(inst(), accept("2020-10-01")), "LOPENDE_OVEREENKOMST",
         "LOPENDE_OVEREENKOMST", acceptances_quarantined=["lopende overeenkomst"], voorlopig=True, definitief=True,
         unanswered=False),
    Case("accepted_unknown_unit", steps(inst(contract=ONE_YEAR), accept("2020-10-01", agb=UNKNOWN)), "DIGITAAL_AANBOD",
         "AANBIEDEN", offers=DIGITAAL, acceptances_quarantined=["not a unit"], voorlopig=True, definitief=False,
         unanswered=True),
]


def agb_of(index: int) -> str:
    return f"54{index + 1:06d}"


def _read(out) -> dict:
    instelling = lambda r: r["instelling_agb"]  # noqa: E731
    return {
        "decisions": by_unit(table(out, "decisions"), instelling),
        "rules": {(r["praktijk_agb"], r["rule"]): r for r in table(out, "rule_results")},
        **{name: by_unit(table(out, name), instelling) for name in (*OFFER_LISTS, "case_reviews", "unanswered_offers")},
        "zorgzoeker": by_unit(table(out, "zorgzoeker"), lambda r: r["praktijk_agb"]),
        "quarantine": {(r["file"], r["line"]): r for r in table(out, "quarantine")},
        "out": out,
    }


@pytest.fixture(scope="module")
def cycle(tmp_path_factory, ggz_policy):
    b = GgzBundle()
    b.instelling(MARKET)
    b.claim(MARKET, "100000000.00", zorgtype="LGGZ")
    lines = add_cases(b, CASES, lambda i, case: agb_of(i))
    return {**run_twice(b, tmp_path_factory.mktemp("ggz-cycle"), ggz_policy, _read), "lines": lines}


@pytest.mark.parametrize("index,case", list(enumerate(CASES)), ids=[c.id for c in CASES])
def test_case(index, case, cycle):
    run, agb = cycle["voorlopig"], agb_of(index)
    decision = run["decisions"][agb]
    assert_decision(decision, {k[1]: v for k, v in run["rules"].items() if k[0] == agb}, case)

    for name in OFFER_LISTS:
        listed = run[name].get(agb)
        if name in case.offers:
            assert listed is not None, f"not on {name}"
            assert listed["na_beoordeling"] is case.offers[name], name
            assert listed["uiterste_tekendatum"] == "2020-11-01"
        else:
            assert listed is None, f"unexpectedly on {name}"
    if case.offers.get("digitale_aanbiedingen") is not None:
        listed = run["digitale_aanbiedingen"][agb]
        assert (listed["contract_ingangsdatum"], listed["contract_einddatum"]) == ("2021-01-01", "2021-12-31")

    assert_judged_rows(cycle, case)

    for run_name, expected in (("voorlopig", case.voorlopig), ("definitief", case.definitief)):
        row = cycle[run_name]["zorgzoeker"][agb]
        assert row["status"] == run_name
        if expected is not None:
            assert row["gecontracteerd"] is expected, run_name
    if case.unanswered is not None:
        assert (agb in cycle["definitief"]["unanswered_offers"]) is case.unanswered


def test_acceptances_change_no_decision_and_no_rule(cycle):
    assert cycle["voorlopig"]["decisions"] == cycle["definitief"]["decisions"]
    assert cycle["voorlopig"]["rules"] == cycle["definitief"]["rules"]


def test_quarantine_holds_only_the_judged_rows(cycle):
    expected = judged_places(CASES, cycle["lines"])
    assert set(cycle["definitief"]["quarantine"]) == expected
    assert set(cycle["voorlopig"]["quarantine"]) == {p for p in expected if p[0] == REVIEWS}
    assert {r["result"] for k, r in cycle["definitief"]["rules"].items() if k[1] == "INVOER_VOLLEDIG"} == {"pass"}


def test_every_outcome_has_an_eindbesluit(cycle):
    for run_name in ("voorlopig", "definitief"):
        decisions = cycle[run_name]["decisions"]
        assert {d["outcome"] for d in decisions.values()} == {*EINDBESLUIT, "INDIVIDUELE_BEOORDELING"}
        assert_eindbesluit(decisions, ("INDIVIDUELE_BEOORDELING",), EINDBESLUIT)


def test_offer_lists_hold_every_institution_offered(cycle):
    run = cycle["voorlopig"]
    decisions = run["decisions"]
    offered = {a for a, d in decisions.items() if d["eindbesluit"] == "AANBIEDEN"}
    offerte, digitaal = set(run["offerte_uitnodigingen"]), set(run["digitale_aanbiedingen"])
    assert offerte | digitaal == offered and not offerte & digitaal
    assert offerte == {a for a in offered if decisions[a]["segment"] == "offerte"}
    for name in OFFER_LISTS:
        for agb, row in run[name].items():
            assert row["na_beoordeling"] is (decisions[agb]["outcome"] == "INDIVIDUELE_BEOORDELING"), agb


def test_case_reviews_keep_every_institution_under_review_with_its_decision(cycle):
    run = cycle["voorlopig"]
    decisions = run["decisions"]
    assert set(run["case_reviews"]) == {a for a, d in decisions.items() if d["outcome"] == "INDIVIDUELE_BEOORDELING"}
    out = run["out"]
    columns = [d[0] for d in duckdb.connect().execute(f"select * from '{out}/case_reviews.parquet' limit 0").description]
    assert columns[:2] == ["instelling_agb", "discipline"]
    assert columns[-5:] == ["besluit", "motivering", "beoordelaar", "beoordeeld_op", "eindbesluit"]
    for agb, row in run["case_reviews"].items():
        assert row["discipline"] == "ggz"
        for column in ("besluit", "motivering", "beoordelaar", "beoordeeld_op", "eindbesluit"):
            assert row[column] == decisions[agb][column], (agb, column)
    reviewed = run["case_reviews"][agb_of(next(i for i, c in enumerate(CASES) if c.id == "reviewed_aanbieden_digitaal"))]
    assert (reviewed["besluit"], reviewed["beoordelaar"], reviewed["eindbesluit"]) == ("AANBIEDEN", "E. Visser", "AANBIEDEN")


def test_unanswered_offers_are_the_offers_without_a_counting_acceptance(cycle):
    run = cycle["definitief"]
    decisions = run["decisions"]
    counted = {agb_of(i) for i, c in enumerate(CASES) if None in c.acceptances_quarantined}
    offered = {a for a, d in decisions.items() if d["eindbesluit"] == "AANBIEDEN"}
    assert set(run["unanswered_offers"]) == offered - counted
    out = run["out"]
    columns = [d[0] for d in duckdb.connect().execute(f"select * from '{out}/unanswered_offers.parquet' limit 0").description]
    assert columns == ["instelling_agb", "discipline", "naam", "aanbodlijst", "na_beoordeling", "uiterste_tekendatum"]
    late = agb_of(next(i for i, c in enumerate(CASES) if c.id == "accepted_day_after_deadline"))
    assert run["unanswered_offers"][late] == {
        "instelling_agb": late, "discipline": "ggz", "naam": f"GGZ-instelling {late}",
        "aanbodlijst": "digitale_aanbiedingen", "na_beoordeling": False, "uiterste_tekendatum": "2020-11-01"}


def test_zorgzoeker_voorlopig_and_definitief(cycle):
    voorlopig, definitief = cycle["voorlopig"], cycle["definitief"]
    counted = {agb_of(i) for i, c in enumerate(CASES) if None in c.acceptances_quarantined}
    for agb, row in voorlopig["zorgzoeker"].items():
        assert row["status"] == "voorlopig"
        outcome = voorlopig["decisions"][agb]["outcome"]
        assert row["gecontracteerd"] is (outcome in ("LOPENDE_OVEREENKOMST", "DIGITAAL_AANBOD")), agb
    for agb, row in definitief["zorgzoeker"].items():
        assert row["status"] == "definitief"
        assert row["gecontracteerd"] is (definitief["decisions"][agb]["outcome"] == "LOPENDE_OVEREENKOMST"
                                         or agb in counted), agb
