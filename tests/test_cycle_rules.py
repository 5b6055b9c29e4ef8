"""Contract cycle.md for paramedie-2024, table-driven, at every boundary.

The application window, registrations of the right profession, the age of compliance checks,
running multi-year contracts, reviewers' decisions (reviews/beoordelingen.csv) and acceptances
(acceptances/acceptances.csv). All cases go into one bundle, each as its own onderneming, which
is run twice without Prefect: once without the acceptances file (the zorgzoeker is voorlopig)
and once with it (definitief). Acceptances never change a decision, so every case asserts its
unit's outcome, reasons, rule results and decision columns on the first run, the acceptance
cases their effect on the second, and each case names which of its review and acceptance rows
land in quarantine.parquet, and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import duckdb
import pytest

from .builder import COMPLIANCE, Bundle
from .cycle_checks import (REVIEWS, add_cases, assert_decision, assert_eindbesluit, assert_judged_rows, by_unit,
                           judged_places, run_twice, table)

OFFER_LISTS = ("proactive_offers", "requested_offers")
REVIEW_OUTCOMES = ("INDIVIDUELE_BEOORDELING", "ZORGPLICHTTOETS")
EINDBESLUIT = {"PROACTIEF_AANBOD": "AANBIEDEN", "AANBOD_OP_AANVRAAG": "AANBIEDEN",
               "LOPENDE_OVEREENKOMST": "LOPENDE_OVEREENKOMST", "NIET_AANBIEDEN": "NIET_AANBIEDEN",
               "AANVRAAG_TE_LAAT": "NIET_AANBIEDEN", "GEEN_ACTIE": "NIET_AANBIEDEN"}
UNKNOWN = "04799999"  # no onderneming in the bundle has this AGB code
DISCIPLINES = ["fysiotherapie", "oefentherapie", "logopedie", "ergotherapie", "dietetiek", "huidtherapie", "voetzorg"]


@dataclass
class Case:
    id: str
    agb: str
    discipline: str
    setup: Callable[[Bundle, str], None]
    outcome: str
    eindbesluit: str
    reasons: list[str] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)
    details: dict[str, list[str]] = field(default_factory=dict)   # rule -> texts its detail contains
    fields: dict = field(default_factory=dict)                    # decisions.parquet column -> value
    offers: dict[str, bool] = field(default_factory=dict)         # offer list -> na_beoordeling; absent: not on it
    reviews_quarantined: list[str | None] = field(default_factory=list)      # per review row the case adds
    acceptances_quarantined: list[str | None] = field(default_factory=list)  # per acceptance row the case adds
    voorlopig: bool | None = None    # zorgzoeker gecontracteerd without acceptances
    definitief: bool | None = None   # zorgzoeker gecontracteerd with the acceptances file
    unanswered: bool | None = None   # on unanswered_offers.parquet of the run with acceptances
    zorgzoeker_dates: tuple[str, str] | None = None


# -- setup helpers: every case is its own onderneming, built from the steps it names

def steps(*parts):
    def setup(b, agb):
        for part in parts:
            part(b, agb)
    return setup


def base(discipline="fysiotherapie", **kw):
    return lambda b, agb: b.practice(agb, discipline, **kw)


def applications(*dates, discipline="fysiotherapie", contract=False, claim=False):
    def setup(b, agb):
        b.practice(agb, discipline, contract=contract, claim=claim)
        for datum in dates:
            b.add("applications", praktijk_agb=agb, discipline=discipline, aanvraagdatum=datum)
    return setup


def apply(datum, discipline="fysiotherapie"):
    return lambda b, agb: b.add("applications", praktijk_agb=agb, discipline=discipline, aanvraagdatum=datum)


def change(table, **values):
    """Change the last row of a table (the one the preceding step wrote)."""
    return lambda b, agb: b.rows[table][-1].update(values)


def contract(start, end, discipline):
    return lambda b, agb: b.add("contracts", praktijk_agb=agb, discipline=discipline, ingangsdatum=start, einddatum=end)


def checks(rows, check="VECOZO_CERTIFICAAT", discipline="fysiotherapie", **kw):
    """Every compliance code passed recently except `check`, which gets exactly `rows` (result, peildatum)."""
    def setup(b, agb):
        b.practice(agb, discipline, compliance=False, **kw)
        for other in [c for c in COMPLIANCE if c != check]:
            b.check(agb, other, "pass")
        for result, peildatum in rows:
            b.check(agb, check, result, peildatum)
    return setup


def under_review(discipline="fysiotherapie", **kw):
    """INDIVIDUELE_BEOORDELING with reason VECOZO_CERTIFICAAT: the check has no row."""
    return checks([], discipline=discipline, **kw)


def review(besluit="AANBIEDEN", datum="2023-09-15", motivering="Nodig voor de dekking in de regio",
           beoordelaar="A. de Vries", agb=None, discipline="fysiotherapie"):
    return lambda b, own: b.add("reviews", praktijk_agb=agb or own, discipline=discipline, besluit=besluit,
                                motivering=motivering, beoordelaar=beoordelaar, beoordeeld_op=datum)


def accept(datum, discipline="fysiotherapie", agb=None):
    return lambda b, own: b.add("acceptances", praktijk_agb=agb or own, discipline=discipline, geaccepteerd_op=datum)


def second_big_row(**row):
    def setup(b, agb):
        big = b.rows["big"][-1]["big_nummer"]
        b.add("big", **{"big_nummer": big, "beroep": "verpleegkundige", "status": "ingeschreven",
                        "aanvang": "2012-01-01", "einde": "", **row})
    return setup


def specialist(beroep, discipline="logopedie", code="0503"):
    def setup(b, agb):
        b.practice(agb, discipline, caregiver=False, claim=False)
        zv = b.caregiver(agb, discipline, kwalificaties=[code])
        b.claim(agb, zv, discipline)
        b.add("kwaliteitsregister_paramedici", kp_nummer=zv, beroep=beroep, register="deelregister",
              kwalificatie=code, geldig_van="2021-01-01", geldig_tot="")
    return setup


def instelling(kp_beroep: dict[str, str] | None = None):
    """An instelling with a caregiver (and a 2023 claim) in each of the seven disciplines; kp_beroep
    overrides the beroep of a discipline's KP row."""
    def setup(b, agb):
        b.practice(agb, instelling=True)
        for discipline in DISCIPLINES:
            zv = b.caregiver(agb, discipline)
            b.claim(agb, zv, discipline)
            if kp_beroep and discipline in kp_beroep:
                b.rows["kwaliteitsregister_paramedici"][-1]["beroep"] = kp_beroep[discipline]
    return setup


FYSIO_TERMS = {"contract_ingangsdatum": "2024-01-01", "contract_einddatum": "2024-12-31"}
NO_DATES = {"contract_ingangsdatum": None, "contract_einddatum": None}
NO_DECISION = {"besluit": None, "motivering": None, "beoordelaar": None, "beoordeeld_op": None}
DEADLINE_LATE = "after the signing deadline (uiterste tekendatum) 2023-11-01"
PROACTIVE = {"proactive_offers": False}

CASES = [
    # -- 1.1 the application window: window_start <= aanvraagdatum < deadline
    Case("window_start_day_before", "04700001", "fysiotherapie", applications("2023-03-31"), "GEEN_ACTIE",
         "NIET_AANBIEDEN", ["GEEN_OVEREENKOMST_GEEN_AANVRAAG"], fields={"aanvraagdatum": None, **NO_DATES}),
    Case("window_start_exactly", "04700002", "fysiotherapie", applications("2023-04-01"), "ZORGPLICHTTOETS", "OPEN",
         fields={"aanvraagdatum": "2023-04-01", "prior_contract": False, **NO_DATES, **NO_DECISION}),
    Case("deadline_day_before_on_time", "04700003", "fysiotherapie", applications("2023-09-30"), "ZORGPLICHTTOETS",
         "OPEN", fields={"aanvraagdatum": "2023-09-30"}),
    Case("deadline_exactly_is_late", "04700004", "fysiotherapie", applications("2023-10-01"), "AANVRAAG_TE_LAAT",
         "NIET_AANBIEDEN", fields={"aanvraagdatum": "2023-10-01", **NO_DATES}),
    Case("stale_2019_application_only", "04700005", "fysiotherapie", applications("2019-05-01"), "GEEN_ACTIE",
         "NIET_AANBIEDEN", ["GEEN_OVEREENKOMST_GEEN_AANVRAAG"], fields={"aanvraagdatum": None}),
    Case("stale_plus_late_is_late", "04700006", "fysiotherapie", applications("2023-03-15", "2023-10-20"),
         "AANVRAAG_TE_LAAT", "NIET_AANBIEDEN", fields={"aanvraagdatum": "2023-10-20"}),
    Case("stale_plus_in_window_counts", "04700007", "fysiotherapie", applications("2022-12-01", "2023-04-01"),
         "ZORGPLICHTTOETS", "OPEN", fields={"aanvraagdatum": "2023-04-01"}),
    Case("two_in_window_latest_shown", "04700008", "fysiotherapie", applications("2023-08-15", "2023-05-01"),
         "ZORGPLICHTTOETS", "OPEN", fields={"aanvraagdatum": "2023-08-15"}),
    Case("in_window_plus_late_is_on_time", "04700009", "fysiotherapie", applications("2023-10-05", "2023-06-01"),
         "ZORGPLICHTTOETS", "OPEN", fields={"aanvraagdatum": "2023-06-01"}),
    Case("two_late_earliest_shown", "04700010", "fysiotherapie", applications("2023-11-01", "2023-10-05"),
         "AANVRAAG_TE_LAAT", "NIET_AANBIEDEN", fields={"aanvraagdatum": "2023-10-05"}),
    Case("stale_application_prior_contract_no_claims", "05700011", "logopedie",
         applications("2023-03-31", discipline="logopedie", contract=True), "GEEN_ACTIE", "NIET_AANBIEDEN",
         ["GEEN_DECLARATIES_VORIG_JAAR"], fields={"aanvraagdatum": None, "prior_contract": True}),
    Case("on_time_prior_contract_no_claims", "05700012", "logopedie",
         applications("2023-09-30", discipline="logopedie", contract=True), "AANBOD_OP_AANVRAAG", "AANBIEDEN",
         fields={"aanvraagdatum": "2023-09-30", **FYSIO_TERMS, **NO_DECISION}, offers={"requested_offers": False},
         voorlopig=False, definitief=False, unanswered=True),

    # -- 1.2 registrations of the right profession
    Case("big_other_profession_only", "04700013", "fysiotherapie",
         steps(base(), change("big", beroep="verpleegkundige")), "NIET_AANBIEDEN", "NIET_AANBIEDEN",
         ["BIG_GEREGISTREERD"], rules={"BIG_GEREGISTREERD": "fail"}, details={"BIG_GEREGISTREERD": ["verpleegkundige"]}),
    Case("big_beroep_capitalised_with_spaces", "04700014", "fysiotherapie",
         steps(base(), change("big", beroep=" Fysiotherapeut ")), "PROACTIEF_AANBOD", "AANBIEDEN",
         rules={"BIG_GEREGISTREERD": "pass"}, offers=PROACTIVE),
    Case("big_doorgehaald_other_profession_beside_fysio", "04700015", "fysiotherapie",
         steps(base(), second_big_row(status="doorgehaald")), "PROACTIEF_AANBOD", "AANBIEDEN",
         rules={"BIG_GEREGISTREERD": "pass"}, offers=PROACTIVE),
    Case("big_two_professions_both_ingeschreven", "04700016", "fysiotherapie",
         steps(base(), second_big_row()), "PROACTIEF_AANBOD", "AANBIEDEN", rules={"BIG_GEREGISTREERD": "pass"},
         offers=PROACTIVE),
    Case("big_other_profession_and_fysio_ended", "04700017", "fysiotherapie",
         steps(base(), change("big", einde="2023-08-31"), second_big_row()), "NIET_AANBIEDEN", "NIET_AANBIEDEN",
         ["BIG_GEREGISTREERD"], details={"BIG_GEREGISTREERD": ["verpleegkundige"]}),
    Case("kp_other_profession_only", "05700018", "logopedie",
         steps(base("logopedie"), change("kwaliteitsregister_paramedici", beroep="dietetiek")), "NIET_AANBIEDEN",
         "NIET_AANBIEDEN", ["KWALITEITSREGISTER_PARAMEDICI"], rules={"KWALITEITSREGISTER_PARAMEDICI": "fail"},
         details={"KWALITEITSREGISTER_PARAMEDICI": ["dietetiek"]}),
    Case("kp_beroep_capitalised", "05700019", "logopedie",
         steps(base("logopedie"), change("kwaliteitsregister_paramedici", beroep="Logopedie")), "PROACTIEF_AANBOD",
         "AANBIEDEN", rules={"KWALITEITSREGISTER_PARAMEDICI": "pass"}, offers=PROACTIVE),
    Case("deelregister_other_profession", "05700020", "logopedie", specialist("dietetiek"), "NIET_AANBIEDEN",
         "NIET_AANBIEDEN", ["DEELREGISTER_SPECIALISATIE"],
         rules={"DEELREGISTER_SPECIALISATIE": "fail", "KWALITEITSREGISTER_PARAMEDICI": "pass"}),
    Case("deelregister_own_profession", "05700021", "logopedie", specialist("logopedie"), "PROACTIEF_AANBOD",
         "AANBIEDEN", rules={"DEELREGISTER_SPECIALISATIE": "pass"}, offers=PROACTIVE),
    Case("instelling_caregivers_of_every_discipline", "90700022", "instelling", instelling(), "PROACTIEF_AANBOD",
         "AANBIEDEN", rules={"ALLE_DISCIPLINES": "pass", "AGB_GEGEVENS_VOLLEDIG": "pass"}, fields=FYSIO_TERMS,
         offers=PROACTIVE),
    # paramedie-2024 5: BIG_GEREGISTREERD and the KP rules apply to the disciplines, not to an instelling unit
    Case("instelling_kp_of_other_profession_has_no_rule", "90700077", "instelling",
         instelling(kp_beroep={"logopedie": "dietetiek"}), "PROACTIEF_AANBOD", "AANBIEDEN",
         rules={"ALLE_DISCIPLINES": "pass"}, offers=PROACTIVE),

    # -- 1.3 compliance checks must be recent: peildatum 2023-09-01 - 12 months = 2022-09-01
    Case("compliance_12_months_exactly", "04700023", "fysiotherapie", checks([("pass", "2022-09-01")]),
         "PROACTIEF_AANBOD", "AANBIEDEN", rules={"VECOZO_CERTIFICAAT": "pass"}, offers=PROACTIVE),
    Case("compliance_12_months_and_a_day", "04700024", "fysiotherapie", checks([("pass", "2022-08-31")]),
         "INDIVIDUELE_BEOORDELING", "OPEN", ["VECOZO_CERTIFICAAT"], rules={"VECOZO_CERTIFICAAT": "review"},
         details={"VECOZO_CERTIFICAAT": ["2022-08-31", "12 maanden"]}, fields=NO_DECISION),
    Case("compliance_stale_fail_is_review", "04700025", "fysiotherapie", checks([("fail", "2022-08-31")]),
         "INDIVIDUELE_BEOORDELING", "OPEN", ["VECOZO_CERTIFICAAT"], rules={"VECOZO_CERTIFICAAT": "review"},
         details={"VECOZO_CERTIFICAAT": ["2022-08-31", "12 maanden"]}),
    Case("compliance_fail_12_months_exactly_fails", "04700026", "fysiotherapie", checks([("fail", "2022-09-01")]),
         "NIET_AANBIEDEN", "NIET_AANBIEDEN", ["VECOZO_CERTIFICAAT"], rules={"VECOZO_CERTIFICAAT": "fail"}),
    Case("compliance_stale_fail_then_recent_pass", "04700027", "fysiotherapie",
         checks([("fail", "2021-06-01"), ("pass", "2023-01-10")]), "PROACTIEF_AANBOD", "AANBIEDEN",
         rules={"VECOZO_CERTIFICAAT": "pass"}, offers=PROACTIVE),
    Case("compliance_stale_pass_then_recent_fail", "04700028", "fysiotherapie",
         checks([("pass", "2021-06-01"), ("fail", "2023-01-10")]), "NIET_AANBIEDEN", "NIET_AANBIEDEN",
         ["VECOZO_CERTIFICAAT"], rules={"VECOZO_CERTIFICAAT": "fail"}),

    # -- 1.4 running contracts: ingangsdatum <= 2024-01-01 and einddatum >= 2024-12-31 (or empty)
    Case("running_ergotherapie_2022_to_2024", "88700029", "ergotherapie",
         steps(base("ergotherapie", contract=False), contract("2022-01-01", "2024-12-31", "ergotherapie")),
         "LOPENDE_OVEREENKOMST", "LOPENDE_OVEREENKOMST",
         fields={"contract_ingangsdatum": "2022-01-01", "contract_einddatum": "2024-12-31", "prior_contract": True,
                 "declared_prior_year": True, **NO_DECISION},
         voorlopig=True, definitief=True, unanswered=False, zorgzoeker_dates=("2022-01-01", "2024-12-31")),
    # two running contracts reaching as far: the later start gives the dates, whatever the row order
    Case("two_running_contracts_same_end", "24700082", "dietetiek",
         steps(base("dietetiek", contract=False), contract("2023-03-01", "2025-12-31", "dietetiek"),
               contract("2022-01-01", "2025-12-31", "dietetiek")),
         "LOPENDE_OVEREENKOMST", "LOPENDE_OVEREENKOMST",
         fields={"contract_ingangsdatum": "2023-03-01", "contract_einddatum": "2025-12-31"}, voorlopig=True, definitief=True),
    Case("contract_covers_year_exactly", "24700030", "dietetiek",
         steps(base("dietetiek"), contract("2024-01-01", "2024-12-31", "dietetiek")),
         "LOPENDE_OVEREENKOMST", "LOPENDE_OVEREENKOMST",
         fields={"contract_ingangsdatum": "2024-01-01", "contract_einddatum": "2024-12-31"},
         voorlopig=True, definitief=True, zorgzoeker_dates=("2024-01-01", "2024-12-31")),
    Case("contract_ends_30_december", "24700031", "dietetiek",
         steps(base("dietetiek"), contract("2024-01-01", "2024-12-30", "dietetiek")),
         "PROACTIEF_AANBOD", "AANBIEDEN",
         fields={"contract_ingangsdatum": "2024-01-01", "contract_einddatum": "2026-12-31", "prior_contract": True},
         offers={"proactive_offers": False}, voorlopig=True),
    Case("contract_starts_2_january", "24700032", "dietetiek",
         steps(base("dietetiek"), contract("2024-01-02", "2026-12-31", "dietetiek")),
         "PROACTIEF_AANBOD", "AANBIEDEN", fields={"contract_einddatum": "2026-12-31"}, offers={"proactive_offers": False}),
    Case("contract_2024_only_no_prior_year", "24700033", "dietetiek",
         steps(base("dietetiek", contract=False), contract("2024-01-01", "2024-12-30", "dietetiek")),
         "GEEN_ACTIE", "NIET_AANBIEDEN", ["GEEN_OVEREENKOMST_GEEN_AANVRAAG"], fields={"prior_contract": False}),
    Case("open_ended_contract_is_running", "05700034", "logopedie",
         steps(base("logopedie", contract=False), contract("2020-01-01", "", "logopedie")),
         "LOPENDE_OVEREENKOMST", "LOPENDE_OVEREENKOMST",
         fields={"contract_ingangsdatum": "2020-01-01", "contract_einddatum": None}, voorlopig=True, definitief=True,
         zorgzoeker_dates=("2020-01-01", None)),
    Case("running_contract_without_claims_or_application", "24700035", "dietetiek",
         steps(base("dietetiek", contract=False, claim=False), contract("2023-01-01", "2025-12-31", "dietetiek")),
         "LOPENDE_OVEREENKOMST", "LOPENDE_OVEREENKOMST",
         fields={"declared_prior_year": False, "contract_ingangsdatum": "2023-01-01", "contract_einddatum": "2025-12-31"}),
    Case("running_contract_bi_151", "04700036", "fysiotherapie",
         steps(base(bi="151.0", contract=False), contract("2023-01-01", "2025-12-31", "fysiotherapie")),
         "INDIVIDUELE_BEOORDELING", "OPEN", ["BEHANDELINDEX", "REVIEW_LOPENDE_OVEREENKOMST"],
         rules={"BEHANDELINDEX": "fail"}, fields={**NO_DATES, **NO_DECISION}, voorlopig=False, definitief=False),
    Case("running_contract_stale_compliance", "07700037", "oefentherapie",
         steps(checks([("pass", "2022-08-31")], discipline="oefentherapie", contract=False),
               contract("2022-01-01", "2024-12-31", "oefentherapie")),
         "INDIVIDUELE_BEOORDELING", "OPEN", ["REVIEW_LOPENDE_OVEREENKOMST", "VECOZO_CERTIFICAAT"],
         rules={"VECOZO_CERTIFICAAT": "review"}, fields=NO_DATES),
    Case("running_contract_missing_bi_and_failing_check", "04700038", "fysiotherapie",
         steps(checks([("fail", "2023-02-01")], check="GEEN_SANCTIE", bi=None, contract=False),
               contract("2021-01-01", "", "fysiotherapie")),
         "INDIVIDUELE_BEOORDELING", "OPEN", ["GEEN_SANCTIE", "REVIEW_BI_ONTBREEKT", "REVIEW_LOPENDE_OVEREENKOMST"],
         rules={"GEEN_SANCTIE": "fail", "BEHANDELINDEX": "review"}),

    # -- 2 reviewers' decisions
    Case("reviewed_aanbieden_proactive", "04700039", "fysiotherapie",
         steps(under_review(), review("AANBIEDEN", "2023-09-10", beoordelaar="B. Bakker")),
         "INDIVIDUELE_BEOORDELING", "AANBIEDEN", ["VECOZO_CERTIFICAAT"],
         fields={"besluit": "AANBIEDEN", "motivering": "Nodig voor de dekking in de regio", "beoordelaar": "B. Bakker",
                 "beoordeeld_op": "2023-09-10", **FYSIO_TERMS},
         offers={"proactive_offers": True}, reviews_quarantined=[None], voorlopig=False, definitief=False, unanswered=True),
    Case("reviewed_aanbieden_dietetiek_gets_its_terms", "24700040", "dietetiek",
         steps(under_review("dietetiek"), review(discipline="dietetiek")), "INDIVIDUELE_BEOORDELING", "AANBIEDEN",
         ["VECOZO_CERTIFICAAT"], fields={"contract_ingangsdatum": "2024-01-01", "contract_einddatum": "2026-12-31"},
         offers={"proactive_offers": True}, reviews_quarantined=[None]),
    Case("zorgplicht_reviewed_aanbieden", "04700041", "fysiotherapie",
         steps(applications("2023-06-01"), review("AANBIEDEN")), "ZORGPLICHTTOETS", "AANBIEDEN",
         fields={"besluit": "AANBIEDEN", **FYSIO_TERMS}, offers={"requested_offers": True}, reviews_quarantined=[None],
         voorlopig=False, unanswered=True),
    Case("zorgplicht_reviewed_niet_aanbieden", "04700042", "fysiotherapie",
         steps(applications("2023-06-01"), review("NIET_AANBIEDEN")), "ZORGPLICHTTOETS", "NIET_AANBIEDEN",
         fields={"besluit": "NIET_AANBIEDEN", **NO_DATES}, reviews_quarantined=[None]),
    Case("new_applicant_under_review_aanbieden_is_requested", "04700043", "fysiotherapie",
         steps(checks([], contract=False, claim=False), apply("2023-07-01"), review("AANBIEDEN")),
         "INDIVIDUELE_BEOORDELING", "AANBIEDEN", ["VECOZO_CERTIFICAAT"], fields=FYSIO_TERMS,
         offers={"requested_offers": True}, reviews_quarantined=[None]),
    Case("prior_contract_no_claims_under_review_aanbieden_is_requested", "05700044", "logopedie",
         steps(checks([], discipline="logopedie", claim=False), apply("2023-07-01", "logopedie"),
               review("AANBIEDEN", discipline="logopedie")),
         "INDIVIDUELE_BEOORDELING", "AANBIEDEN", ["VECOZO_CERTIFICAAT"], fields={"prior_contract": True, **FYSIO_TERMS},
         offers={"requested_offers": True}, reviews_quarantined=[None]),
    Case("reviewed_niet_aanbieden", "04700045", "fysiotherapie",
         steps(under_review(), review("NIET_AANBIEDEN")), "INDIVIDUELE_BEOORDELING", "NIET_AANBIEDEN",
         ["VECOZO_CERTIFICAAT"], fields={"besluit": "NIET_AANBIEDEN", **NO_DATES}, reviews_quarantined=[None],
         voorlopig=False, unanswered=False),
    Case("under_review_without_decision", "04700046", "fysiotherapie", under_review(), "INDIVIDUELE_BEOORDELING",
         "OPEN", ["VECOZO_CERTIFICAAT"], fields={**NO_DECISION, **NO_DATES}, unanswered=False),
    Case("later_review_counts", "04700047", "fysiotherapie",
         steps(under_review(), review("AANBIEDEN", "2023-09-20", beoordelaar="C. Smit"),
               review("NIET_AANBIEDEN", "2023-09-05")),
         "INDIVIDUELE_BEOORDELING", "AANBIEDEN", ["VECOZO_CERTIFICAAT"],
         fields={"beoordeeld_op": "2023-09-20", "beoordelaar": "C. Smit"}, offers={"proactive_offers": True},
         reviews_quarantined=[None, None]),
    Case("later_review_counts_niet_aanbieden", "04700048", "fysiotherapie",
         steps(under_review(), review("AANBIEDEN", "2023-09-05"), review("NIET_AANBIEDEN", "2023-09-06")),
         "INDIVIDUELE_BEOORDELING", "NIET_AANBIEDEN", ["VECOZO_CERTIFICAAT"],
         fields={"besluit": "NIET_AANBIEDEN", "beoordeeld_op": "2023-09-06", **NO_DATES}, reviews_quarantined=[None, None]),
    Case("same_date_conflicting_reviews", "04700049", "fysiotherapie",
         steps(under_review(), review("AANBIEDEN", "2023-09-15"), review("NIET_AANBIEDEN", "2023-09-15")),
         "INDIVIDUELE_BEOORDELING", "OPEN", ["VECOZO_CERTIFICAAT"], fields={**NO_DECISION, **NO_DATES},
         reviews_quarantined=["conflicting", "conflicting"]),
    Case("same_date_conflict_after_earlier_valid_review", "04700050", "fysiotherapie",
         steps(under_review(), review("AANBIEDEN", "2023-09-01"), review("AANBIEDEN", "2023-09-15"),
               review("NIET_AANBIEDEN", "2023-09-15")),
         "INDIVIDUELE_BEOORDELING", "OPEN", ["VECOZO_CERTIFICAAT"], fields=NO_DECISION,
         reviews_quarantined=[None, "conflicting", "conflicting"]),
    Case("same_date_same_besluit_other_motivering", "04700051", "fysiotherapie",
         steps(under_review(), review("AANBIEDEN", "2023-09-15"), review("AANBIEDEN", "2023-09-15", motivering="Anders")),
         "INDIVIDUELE_BEOORDELING", "OPEN", ["VECOZO_CERTIFICAAT"], fields=NO_DECISION,
         reviews_quarantined=["conflicting", "conflicting"]),
    Case("review_for_proactief_unit", "04700052", "fysiotherapie", steps(base(), review("NIET_AANBIEDEN")),
         "PROACTIEF_AANBOD", "AANBIEDEN", fields={**NO_DECISION, **FYSIO_TERMS}, offers={"proactive_offers": False},
         reviews_quarantined=["PROACTIEF_AANBOD"], voorlopig=True),
    Case("review_for_geen_actie_unit", "04700053", "fysiotherapie",
         steps(applications("2023-03-31"), review("AANBIEDEN")), "GEEN_ACTIE", "NIET_AANBIEDEN",
         ["GEEN_OVEREENKOMST_GEEN_AANVRAAG"], fields=NO_DECISION, reviews_quarantined=["GEEN_ACTIE"]),
    Case("review_for_running_contract", "88700054", "ergotherapie",
         steps(base("ergotherapie", contract=False), contract("2022-01-01", "2024-12-31", "ergotherapie"),
               review("NIET_AANBIEDEN", discipline="ergotherapie")),
         "LOPENDE_OVEREENKOMST", "LOPENDE_OVEREENKOMST", fields=NO_DECISION,
         reviews_quarantined=["LOPENDE_OVEREENKOMST"]),
    Case("review_for_unknown_unit", "04700055", "fysiotherapie",
         steps(under_review(), review(agb=UNKNOWN), review(discipline="logopedie")),
         "INDIVIDUELE_BEOORDELING", "OPEN", ["VECOZO_CERTIFICAAT"], fields=NO_DECISION,
         reviews_quarantined=["not a unit", "not a unit"]),
    Case("review_besluit_ja_is_quarantined", "04700056", "fysiotherapie", steps(under_review(), review("JA")),
         "INDIVIDUELE_BEOORDELING", "OPEN", ["VECOZO_CERTIFICAAT"], rules={"INVOER_VOLLEDIG": "pass"},
         fields=NO_DECISION, reviews_quarantined=["JA"]),
    Case("review_without_motivering", "04700057", "fysiotherapie", steps(under_review(), review(motivering="")),
         "INDIVIDUELE_BEOORDELING", "OPEN", ["VECOZO_CERTIFICAAT"], rules={"INVOER_VOLLEDIG": "pass"},
         fields=NO_DECISION, reviews_quarantined=["motivering"]),
    Case("review_motivering_only_spaces", "04700058", "fysiotherapie", steps(under_review(), review(motivering="   ")),
         "INDIVIDUELE_BEOORDELING", "OPEN", ["VECOZO_CERTIFICAAT"], rules={"INVOER_VOLLEDIG": "pass"},
         fields=NO_DECISION, reviews_quarantined=["motivering"]),
    Case("review_without_beoordelaar", "04700059", "fysiotherapie", steps(under_review(), review(beoordelaar="")),
         "INDIVIDUELE_BEOORDELING", "OPEN", ["VECOZO_CERTIFICAAT"], rules={"INVOER_VOLLEDIG": "pass"},
         fields=NO_DECISION, reviews_quarantined=["beoordelaar"]),
    Case("review_date_month_13", "04700060", "fysiotherapie", steps(under_review(), review(datum="2023-13-01")),
         "INDIVIDUELE_BEOORDELING", "OPEN", ["VECOZO_CERTIFICAAT"], rules={"INVOER_VOLLEDIG": "pass"},
         fields=NO_DECISION, reviews_quarantined=["2023-13-01"]),
    Case("bad_later_review_leaves_earlier_valid_one", "04700061", "fysiotherapie",
         steps(under_review(), review("AANBIEDEN", "2023-09-01"), review("NIET_AANBIEDEN", "2023-09-20", beoordelaar="")),
         "INDIVIDUELE_BEOORDELING", "AANBIEDEN", ["VECOZO_CERTIFICAAT"], rules={"INVOER_VOLLEDIG": "pass"},
         fields={"beoordeeld_op": "2023-09-01"}, offers={"proactive_offers": True},
         reviews_quarantined=[None, "beoordelaar"]),
    Case("identical_review_rows_count_once", "04700062", "fysiotherapie",
         steps(under_review(), review("AANBIEDEN"), review("AANBIEDEN")), "INDIVIDUELE_BEOORDELING", "AANBIEDEN",
         ["VECOZO_CERTIFICAAT"], offers={"proactive_offers": True}, reviews_quarantined=[None, None]),
    Case("same_date_rows_differing_in_spaces_count_once", "04700080", "fysiotherapie",
         steps(under_review(), review("AANBIEDEN", motivering="Nodig"), review("AANBIEDEN", motivering="Nodig  ")),
         "INDIVIDUELE_BEOORDELING", "AANBIEDEN", ["VECOZO_CERTIFICAAT"], offers={"proactive_offers": True},
         reviews_quarantined=[None, None]),
    # a date typed DD-MM-YYYY by a reviewer is one bad row: quarantined, the run goes on
    Case("review_date_written_dd_mm_yyyy", "04700081", "fysiotherapie",
         steps(under_review(), review("AANBIEDEN", datum="15-09-2023")), "INDIVIDUELE_BEOORDELING", "OPEN",
         ["VECOZO_CERTIFICAAT"], fields=NO_DECISION, reviews_quarantined=["YYYY-MM-DD"]),
    Case("reviewed_aanbieden_running_contract_unit", "04700063", "fysiotherapie",
         steps(base(bi="151.0", contract=False), contract("2023-01-01", "2025-12-31", "fysiotherapie"), review()),
         "INDIVIDUELE_BEOORDELING", "AANBIEDEN", ["BEHANDELINDEX", "REVIEW_LOPENDE_OVEREENKOMST"],
         fields=FYSIO_TERMS, offers={"proactive_offers": True}, reviews_quarantined=[None]),

    # -- 3 acceptances: count only for eindbesluit AANBIEDEN, geaccepteerd_op <= 2023-11-01
    Case("accepted_on_signing_deadline", "04700064", "fysiotherapie", steps(base(), accept("2023-11-01")),
         "PROACTIEF_AANBOD", "AANBIEDEN", offers={"proactive_offers": False}, acceptances_quarantined=[None],
         voorlopig=True, definitief=True, unanswered=False),
    Case("accepted_day_after_deadline", "04700065", "fysiotherapie", steps(base(), accept("2023-11-02")),
         "PROACTIEF_AANBOD", "AANBIEDEN", offers={"proactive_offers": False},
         acceptances_quarantined=[DEADLINE_LATE], voorlopig=True, definitief=False, unanswered=True),
    Case("accepted_niet_aanbieden_unit", "04700066", "fysiotherapie", steps(base(bi="150.0"), accept("2023-10-15")),
         "NIET_AANBIEDEN", "NIET_AANBIEDEN", ["BEHANDELINDEX"], acceptances_quarantined=["NIET_AANBIEDEN"],
         definitief=False, unanswered=False),
    Case("accepted_unknown_unit", "04700067", "fysiotherapie",
         steps(base(), accept("2023-10-15", agb=UNKNOWN), accept("2023-10-15", discipline="voetzorg")),
         "PROACTIEF_AANBOD", "AANBIEDEN", offers=PROACTIVE, acceptances_quarantined=["not a unit", "not a unit"],
         definitief=False, unanswered=True),
    Case("accepted_open_review", "04700068", "fysiotherapie", steps(under_review(), accept("2023-10-15")),
         "INDIVIDUELE_BEOORDELING", "OPEN", ["VECOZO_CERTIFICAAT"], acceptances_quarantined=["eindbesluit OPEN"],
         definitief=False, unanswered=False),
    Case("accepted_open_zorgplichttoets", "04700069", "fysiotherapie", steps(applications("2023-09-01"), accept("2023-10-15")),
         "ZORGPLICHTTOETS", "OPEN", acceptances_quarantined=["eindbesluit OPEN"], definitief=False),
    Case("accepted_after_review_aanbieden", "04700070", "fysiotherapie",
         steps(under_review(), review("AANBIEDEN", "2023-09-20"), accept("2023-10-20")),
         "INDIVIDUELE_BEOORDELING", "AANBIEDEN", ["VECOZO_CERTIFICAAT"], offers={"proactive_offers": True},
         reviews_quarantined=[None], acceptances_quarantined=[None], voorlopig=False, definitief=True, unanswered=False),
    Case("accepted_after_review_niet_aanbieden", "04700071", "fysiotherapie",
         steps(under_review(), review("NIET_AANBIEDEN"), accept("2023-10-20")),
         "INDIVIDUELE_BEOORDELING", "NIET_AANBIEDEN", ["VECOZO_CERTIFICAAT"], reviews_quarantined=[None],
         acceptances_quarantined=["NIET_AANBIEDEN"], definitief=False),
    Case("accepted_zorgplicht_after_review_on_deadline", "04700072", "fysiotherapie",
         steps(applications("2023-09-01"), review("AANBIEDEN"), accept("2023-11-01")), "ZORGPLICHTTOETS", "AANBIEDEN",
         offers={"requested_offers": True}, reviews_quarantined=[None], acceptances_quarantined=[None],
         voorlopig=False, definitief=True, unanswered=False),
    Case("accepted_aanbod_op_aanvraag", "05700073", "logopedie",
         steps(applications("2023-09-01", discipline="logopedie", contract=True), accept("2023-10-31", "logopedie")),
         "AANBOD_OP_AANVRAAG", "AANBIEDEN", offers={"requested_offers": False}, acceptances_quarantined=[None],
         voorlopig=False, definitief=True, unanswered=False),
    Case("accepted_running_contract", "24700074", "dietetiek",
         steps(base("dietetiek", contract=False), contract("2023-01-01", "2025-12-31", "dietetiek"),
               accept("2023-10-01", "dietetiek")),
         "LOPENDE_OVEREENKOMST", "LOPENDE_OVEREENKOMST", acceptances_quarantined=["lopende overeenkomst"],
         voorlopig=True, definitief=True, unanswered=False),
    Case("accepted_instelling_under_a_discipline", "90700075", "instelling",
         steps(instelling(), accept("2023-10-01", "fysiotherapie")), "PROACTIEF_AANBOD", "AANBIEDEN",
         offers={"proactive_offers": False}, acceptances_quarantined=[None], definitief=True, unanswered=False),
    Case("proactief_without_acceptance", "04700076", "fysiotherapie", base(), "PROACTIEF_AANBOD", "AANBIEDEN",
         offers={"proactive_offers": False}, voorlopig=True, definitief=False, unanswered=True),
]


def _read(out) -> dict:
    unit = lambda r: (r["praktijk_agb"], r["discipline"])  # noqa: E731
    return {
        "decisions": by_unit(table(out, "decisions"), unit),
        "rules": {(r["praktijk_agb"], r["discipline"], r["rule"]): r for r in table(out, "rule_results")},
        **{name: by_unit(table(out, name), unit) for name in (*OFFER_LISTS, "case_reviews", "zorgplicht_reviews",
                                                              "unanswered_offers")},
        "zorgzoeker": table(out, "zorgzoeker"),
        "quarantine": {(r["file"], r["line"]): r for r in table(out, "quarantine")},
        "out": out,
    }


@pytest.fixture(scope="module")
def cycle(tmp_path_factory, policy):
    """Both runs, and per case the (file, line) of each review and acceptance row it added."""
    bundle = Bundle()
    lines = add_cases(bundle, CASES, lambda i, case: case.agb)
    return {**run_twice(bundle, tmp_path_factory.mktemp("cycle"), policy, _read), "lines": lines}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case, cycle):
    run, unit = cycle["voorlopig"], (case.agb, case.discipline)
    decision = run["decisions"][unit]
    assert_decision(decision, {k[2]: v for k, v in run["rules"].items() if k[:2] == unit}, case)

    # the offer lists: exactly the lists named, with na_beoordeling and the decision's contract dates
    for name in OFFER_LISTS:
        listed = run[name].get(unit)
        if name in case.offers:
            assert listed is not None, f"not on {name}"
            assert listed["na_beoordeling"] is case.offers[name], name
            assert (listed["contract_ingangsdatum"], listed["contract_einddatum"]) == \
                (decision["contract_ingangsdatum"], decision["contract_einddatum"]), name
            assert listed["contract_ingangsdatum"] is not None
        else:
            assert listed is None, f"unexpectedly on {name}"

    # review and acceptance rows: which are quarantined, and why
    assert_judged_rows(cycle, case)
    quarantine = cycle["definitief"]["quarantine"]
    for (file, line) in cycle["lines"][case.id]["reviews"]:
        assert (quarantine.get((file, line)) is not None) == ((file, line) in cycle["voorlopig"]["quarantine"])

    # the zorgzoeker, without and with acceptances, and the offers still to be signed
    for run_name, expected in (("voorlopig", case.voorlopig), ("definitief", case.definitief)):
        rows = [r for r in cycle[run_name]["zorgzoeker"] if (r["praktijk_agb"], r["discipline"]) == unit]
        assert len(rows) == 1
        assert rows[0]["status"] == run_name
        if expected is not None:
            assert rows[0]["gecontracteerd"] is expected, run_name
        if case.zorgzoeker_dates:
            assert (rows[0]["contract_ingangsdatum"], rows[0]["contract_einddatum"]) == case.zorgzoeker_dates
    if case.unanswered is not None:
        assert (unit in cycle["definitief"]["unanswered_offers"]) is case.unanswered


def test_instelling_units_get_no_registration_rules(cycle):
    rules = {k[2] for k in cycle["voorlopig"]["rules"] if k[:2] == ("90700022", "instelling")}
    assert rules == {"AGB_ACTIEF", "AGB_GEGEVENS_VOLLEDIG", "ALLE_DISCIPLINES", "INVOER_VOLLEDIG", *COMPLIANCE}


def test_acceptances_change_no_decision_and_no_rule(cycle):
    """Acceptance rows, counted or quarantined, never change an outcome or INVOER_VOLLEDIG."""
    assert cycle["voorlopig"]["decisions"] == cycle["definitief"]["decisions"]
    assert cycle["voorlopig"]["rules"] == cycle["definitief"]["rules"]


def test_quarantine_holds_only_the_judged_rows(cycle):
    """Nothing else of the bundle is quarantined, so no unit went to review over input (INVOER_VOLLEDIG)."""
    expected = judged_places(CASES, cycle["lines"])
    assert set(cycle["definitief"]["quarantine"]) == expected
    assert set(cycle["voorlopig"]["quarantine"]) == {p for p in expected if p[0] == REVIEWS}
    assert all(r["reason"] for r in cycle["definitief"]["quarantine"].values())
    assert {r["result"] for k, r in cycle["definitief"]["rules"].items() if k[2] == "INVOER_VOLLEDIG"} == {"pass"}


def test_one_row_per_unit_in_every_unit_output(cycle):
    """Several review or acceptance rows for a unit never multiply it."""
    out = cycle["definitief"]["out"]
    con = duckdb.connect()
    for name in ("decisions", "proactive_offers", "requested_offers", "case_reviews", "zorgplicht_reviews", "unanswered_offers"):
        rows, units = con.execute(f"select count(*), count(distinct (praktijk_agb, discipline)) from '{out}/{name}.parquet'").fetchone()
        assert rows == units, name


def test_every_outcome_has_an_eindbesluit(cycle):
    for run_name in ("voorlopig", "definitief"):
        decisions = cycle[run_name]["decisions"]
        assert {d["outcome"] for d in decisions.values()} == {
            "PROACTIEF_AANBOD", "AANBOD_OP_AANVRAAG", "LOPENDE_OVEREENKOMST", "ZORGPLICHTTOETS",
            "INDIVIDUELE_BEOORDELING", "NIET_AANBIEDEN", "AANVRAAG_TE_LAAT", "GEEN_ACTIE"}
        assert_eindbesluit(decisions, REVIEW_OUTCOMES, EINDBESLUIT)


def test_offer_lists_hold_every_unit_offered(cycle):
    run = cycle["voorlopig"]
    decisions = run["decisions"]
    offered = {u for u, d in decisions.items() if d["eindbesluit"] == "AANBIEDEN"}
    proactive, requested = set(run["proactive_offers"]), set(run["requested_offers"])
    assert proactive | requested == offered and not proactive & requested
    assert proactive == {u for u in offered if decisions[u]["prior_contract"] and decisions[u]["declared_prior_year"]}
    for name in OFFER_LISTS:
        assert list(next(iter(run[name].values()))) == [
            "praktijk_agb", "discipline", "naam", "kvk_nummer", "contract_ingangsdatum", "contract_einddatum", "na_beoordeling"]
        for unit, row in run[name].items():
            assert row["na_beoordeling"] is (decisions[unit]["outcome"] in REVIEW_OUTCOMES), unit


def test_review_worklists_keep_every_unit_under_review_with_its_decision(cycle):
    run = cycle["voorlopig"]
    decisions = run["decisions"]
    for name, outcome in (("case_reviews", "INDIVIDUELE_BEOORDELING"), ("zorgplicht_reviews", "ZORGPLICHTTOETS")):
        assert set(run[name]) == {u for u, d in decisions.items() if d["outcome"] == outcome}, name
        for unit, row in run[name].items():
            for column in ("besluit", "motivering", "beoordelaar", "beoordeeld_op", "eindbesluit"):
                assert row[column] == decisions[unit][column], (name, unit, column)
    assert run["case_reviews"][("04700039", "fysiotherapie")]["besluit"] == "AANBIEDEN"
    assert run["zorgplicht_reviews"][("04700041", "fysiotherapie")]["eindbesluit"] == "AANBIEDEN"
    assert run["case_reviews"][("04700046", "fysiotherapie")]["eindbesluit"] == "OPEN"


def test_decisions_have_the_review_columns(cycle):
    out = cycle["voorlopig"]["out"]
    columns = [d[0] for d in duckdb.connect().execute(f"select * from '{out}/decisions.parquet' limit 0").description]
    assert columns[-5:] == ["besluit", "motivering", "beoordelaar", "beoordeeld_op", "eindbesluit"]


def test_unanswered_offers_are_the_offers_without_a_counting_acceptance(cycle):
    run = cycle["definitief"]
    decisions = run["decisions"]
    unanswered = set(run["unanswered_offers"])
    counted = {(c.agb, c.discipline) for c in CASES if None in c.acceptances_quarantined}
    offered = {u for u, d in decisions.items() if d["eindbesluit"] == "AANBIEDEN"}
    assert unanswered == offered - counted
    out = run["out"]
    columns = [d[0] for d in duckdb.connect().execute(f"select * from '{out}/unanswered_offers.parquet' limit 0").description]
    assert columns == ["praktijk_agb", "discipline", "naam", "aanbodlijst", "na_beoordeling", "uiterste_tekendatum"]
    late = run["unanswered_offers"][("04700065", "fysiotherapie")]
    assert late == {"praktijk_agb": "04700065", "discipline": "fysiotherapie", "naam": "Praktijk 04700065",
                    "aanbodlijst": "proactive_offers", "na_beoordeling": False, "uiterste_tekendatum": "2023-11-01"}
    reviewed = run["unanswered_offers"][("04700041", "fysiotherapie")]
    assert (reviewed["aanbodlijst"], reviewed["na_beoordeling"]) == ("requested_offers", True)


def test_zorgzoeker_voorlopig_and_definitief(cycle):
    """Voorlopig: PROACTIEF_AANBOD and running contracts; definitief: counted acceptances and running contracts."""
    voorlopig, definitief = cycle["voorlopig"], cycle["definitief"]
    counted = {(c.agb, c.discipline) for c in CASES if None in c.acceptances_quarantined}
    for row in voorlopig["zorgzoeker"]:
        unit = (row["praktijk_agb"], row["discipline"])
        assert row["status"] == "voorlopig"
        outcome = voorlopig["decisions"][unit]["outcome"]
        assert row["gecontracteerd"] is (outcome in ("PROACTIEF_AANBOD", "LOPENDE_OVEREENKOMST")), unit
    for row in definitief["zorgzoeker"]:
        unit = (row["praktijk_agb"], row["discipline"])
        assert row["status"] == "definitief"
        assert row["gecontracteerd"] is (definitief["decisions"][unit]["outcome"] == "LOPENDE_OVEREENKOMST"
                                         or unit in counted), unit
