"""Every rule and every row of the decision table (contract sections 5 and 6), with boundaries.

All cases go into one bundle, each as its own onderneming, which is run once without
Prefect; each case then asserts its unit's outcome, reasons and rule results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import duckdb
import pytest

from .builder import COMPLIANCE, Bundle
from .conftest import run_selection


@dataclass
class Case:
    id: str
    agb: str
    discipline: str
    setup: Callable[[Bundle, str], None]
    outcome: str
    reasons: list[str] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)
    fields: dict = field(default_factory=dict)


def base(discipline="fysiotherapie", **kw):
    return lambda b, agb: b.practice(agb, discipline, **kw)


def fysio_caregiver_change(table, **change):
    def setup(b, agb):
        b.practice(agb)
        row = b.rows[table][-1]
        row.update(change)
    return setup


def bi_versions(versions: dict[str, str], other_year: str | None = None):
    def setup(b, agb):
        b.practice(agb, bi=False)
        for versie, bi in versions.items():
            b.add("behandelindex", praktijk_agb=agb, jaar="2022", versie=versie, bi=bi, aantal_patienten="100")
        if other_year:
            b.add("behandelindex", praktijk_agb=agb, jaar="2021", versie="V3", bi=other_year, aantal_patienten="100")
    return setup


def compliance_rows(rows: list[tuple[str, str]], check="VECOZO_CERTIFICAAT"):
    def setup(b, agb):
        b.practice(agb, compliance=False)
        for other in [c for c in COMPLIANCE if c != check]:
            b.check(agb, other, "pass")
        for result, peildatum in rows:
            b.check(agb, check, result, peildatum)
    return setup


def application(datum, contract=False, claim=False, discipline="fysiotherapie"):
    def setup(b, agb):
        b.practice(agb, discipline, contract=contract, claim=claim)
        b.add("applications", praktijk_agb=agb, discipline=discipline, aanvraagdatum=datum)
    return setup


def contract_period(start, end):
    def setup(b, agb):
        b.practice(agb, "dietetiek", contract=False)
        b.add("contracts", praktijk_agb=agb, discipline="dietetiek", ingangsdatum=start, einddatum=end)
    return setup


def claims_only(datum="2023-03-01", bedrag="38.50", lijst=None):
    def setup(b, agb):
        b.practice(agb, "logopedie", claim=False)
        b.claim(agb, b.rows["zorgverleners"][-1]["agb_code"], "logopedie", datum=datum, bedrag=bedrag, lijst=lijst)
    return setup


def instelling(missing=()):
    def setup(b, agb):
        b.practice(agb, instelling=True)
        for discipline in ["fysiotherapie", "oefentherapie", "logopedie", "ergotherapie", "dietetiek", "huidtherapie", "voetzorg"]:
            if discipline not in missing:
                zv = b.caregiver(agb, discipline)
                b.claim(agb, zv, discipline)
    return setup


def specialist(deelregister_tot: str | None, discipline="logopedie", code="0503"):
    def setup(b, agb):
        b.practice(agb, discipline, caregiver=False, claim=False)
        zv = b.caregiver(agb, discipline, kwalificaties=[code])
        b.claim(agb, zv, discipline)
        if deelregister_tot is not None:
            b.add("kwaliteitsregister_paramedici", kp_nummer=zv, beroep=discipline, register="deelregister",
                  kwalificatie=code, geldig_van="2021-01-01", geldig_tot=deelregister_tot)
    return setup


def multi_discipline(b, agb):
    b.practice(agb, "fysiotherapie")
    zv = b.caregiver(agb, "logopedie", registered=False)
    b.claim(agb, zv, "logopedie")
    b.add("contracts", praktijk_agb=agb, discipline="logopedie", ingangsdatum="2023-01-01", einddatum="2023-12-31")


def zorgsoort_90(kwalificatie, lijst="012"):
    def setup(b, agb):
        b.practice(agb, "huidtherapie", caregiver=False, claim=False, zorgsoort="90")
        zv = b.caregiver(agb, "huidtherapie")
        row = b.rows["zorgverleners"][-1]
        row["kwalificaties"] = kwalificatie
        b.claim(agb, zv, "huidtherapie", lijst=lijst)
    return setup


def generic_list_claim(b, agb):
    b.practice(agb, claim=False)
    b.claim(agb, b.rows["zorgverleners"][-1]["agb_code"], "fysiotherapie", lijst="012")


def generic_list_claim_unregistered_caregiver(b, agb):
    """A claim on list 012 by a caregiver not in the AGB register: only the first two digits of
    the caregiver's AGB code (zorgsoort 04) can give its discipline."""
    b.practice(agb, claim=False)
    b.claim(agb, "04999999", "fysiotherapie", lijst="012")


def caregiver_at_ended_vestiging(b, agb):
    b.practice(agb)
    b.rows["vestigingen"][-1]["einde"] = "2023-08-31"
    b.vestiging(agb)  # the practice still has an active location, but no caregiver works there


def late_and_early_applications(b, agb):
    b.practice(agb, "ergotherapie", claim=False)
    b.add("applications", praktijk_agb=agb, discipline="ergotherapie", aanvraagdatum="2023-10-15")
    b.add("applications", praktijk_agb=agb, discipline="ergotherapie", aanvraagdatum="2023-09-01")


CASES = [
    # -- BEHANDELINDEX: BI < 150 strictly, highest versie of 2022, review codes
    Case("baseline_fysio", "04000001", "fysiotherapie", base(), "PROACTIEF_AANBOD",
         rules={"BEHANDELINDEX": "pass", "BIG_GEREGISTREERD": "pass", "AGB_ACTIEF": "pass"},
         fields={"contract_ingangsdatum": "2024-01-01", "contract_einddatum": "2024-12-31", "bi": 100.0}),
    Case("bi_149_99", "04000002", "fysiotherapie", base(bi="149.99"), "PROACTIEF_AANBOD", rules={"BEHANDELINDEX": "pass"}),
    Case("bi_150_00", "04000003", "fysiotherapie", base(bi="150.00"), "NIET_AANBIEDEN", ["BEHANDELINDEX"],
         rules={"BEHANDELINDEX": "fail"}),
    Case("no_bi_29_patients", "04000004", "fysiotherapie", base(bi=None, aantal_patienten="29"),
         "INDIVIDUELE_BEOORDELING", ["REVIEW_KLEINE_PRAKTIJK"], rules={"BEHANDELINDEX": "review"}),
    Case("no_bi_30_patients", "04000005", "fysiotherapie", base(bi=None, aantal_patienten="30"),
         "INDIVIDUELE_BEOORDELING", ["REVIEW_BI_ONTBREEKT"], rules={"BEHANDELINDEX": "review"}),
    Case("no_bi_row", "04000006", "fysiotherapie", base(bi=False), "INDIVIDUELE_BEOORDELING", ["REVIEW_BI_ONTBREEKT"]),
    Case("bi_highest_versie_wins_pass", "04000007", "fysiotherapie",
         bi_versions({"V1": "120.0", "V2": "160.0", "V3": "140.0"}, other_year="200.0"), "PROACTIEF_AANBOD",
         fields={"bi": 140.0}),
    Case("bi_highest_versie_wins_fail", "04000008", "fysiotherapie", bi_versions({"V1": "100.0", "V2": "155.5"}),
         "NIET_AANBIEDEN", ["BEHANDELINDEX"], fields={"bi": 155.5}),
    # -- BIG and CKR: valid on the peildatum, both ends inclusive
    Case("big_ends_day_before_peildatum", "04000009", "fysiotherapie", fysio_caregiver_change("big", einde="2023-08-31"),
         "NIET_AANBIEDEN", ["BIG_GEREGISTREERD"]),
    Case("big_ends_on_peildatum", "04000010", "fysiotherapie", fysio_caregiver_change("big", einde="2023-09-01"),
         "PROACTIEF_AANBOD", rules={"BIG_GEREGISTREERD": "pass"}),
    Case("big_doorgehaald", "04000011", "fysiotherapie", fysio_caregiver_change("big", status="doorgehaald"),
         "NIET_AANBIEDEN", ["BIG_GEREGISTREERD"]),
    Case("ckr_ends_day_before_peildatum", "04000012", "fysiotherapie", fysio_caregiver_change("ckr", geldig_tot="2023-08-31"),
         "NIET_AANBIEDEN", ["KWALITEITSREGISTER_FYSIO"]),
    Case("ckr_ends_on_peildatum", "04000013", "fysiotherapie", fysio_caregiver_change("ckr", geldig_tot="2023-09-01"),
         "PROACTIEF_AANBOD"),
    Case("ckr_starts_after_peildatum", "04000014", "fysiotherapie", fysio_caregiver_change("ckr", geldig_van="2023-09-02"),
         "NIET_AANBIEDEN", ["KWALITEITSREGISTER_FYSIO"]),
    # -- compliance: latest row wins, no row is review, fail beats review
    Case("compliance_latest_pass_wins", "04000015", "fysiotherapie",
         compliance_rows([("fail", "2022-09-01"), ("pass", "2023-08-01")]), "PROACTIEF_AANBOD",
         rules={"VECOZO_CERTIFICAAT": "pass"}),
    Case("compliance_latest_fail_wins", "04000016", "fysiotherapie",
         compliance_rows([("pass", "2022-09-01"), ("fail", "2023-08-01")]), "NIET_AANBIEDEN", ["VECOZO_CERTIFICAAT"]),
    Case("compliance_missing_is_review", "04000017", "fysiotherapie", compliance_rows([]),
         "INDIVIDUELE_BEOORDELING", ["VECOZO_CERTIFICAAT"], rules={"VECOZO_CERTIFICAAT": "review"}),
    Case("fail_beats_review", "04000018", "fysiotherapie",
         lambda b, agb: (base(bi=None, aantal_patienten="10")(b, agb), b.check(agb, "GEEN_SANCTIE", "fail", "2023-08-20")),
         "NIET_AANBIEDEN", ["GEEN_SANCTIE"], rules={"BEHANDELINDEX": "review", "GEEN_SANCTIE": "fail"}),
    # -- applications: on time when aanvraagdatum < 2023-10-01
    Case("applied_day_before_deadline_new", "04000019", "fysiotherapie", application("2023-09-30"), "ZORGPLICHTTOETS",
         fields={"aanvraagdatum": "2023-09-30", "prior_contract": False}),
    Case("applied_on_deadline_is_late", "04000020", "fysiotherapie", application("2023-10-01"), "AANVRAAG_TE_LAAT"),
    Case("applied_prior_contract_no_claims", "05000021", "logopedie",
         application("2023-09-30", contract=True, discipline="logopedie"), "AANBOD_OP_AANVRAAG",
         fields={"contract_einddatum": "2024-12-31", "declared_prior_year": False}),
    Case("three_year_contract_ergotherapie", "88000022", "ergotherapie", late_and_early_applications,
         "AANBOD_OP_AANVRAAG", fields={"aanvraagdatum": "2023-09-01", "contract_einddatum": "2026-12-31"}),
    Case("applied_new_but_failing", "04000023", "fysiotherapie",
         lambda b, agb: (application("2023-09-01")(b, agb), b.rows["behandelindex"][-1].update(bi="151.0")),
         "NIET_AANBIEDEN", ["BEHANDELINDEX"]),
    # -- prior contract and declarations
    Case("contract_no_claims_no_application", "24000024", "dietetiek", base("dietetiek", claim=False),
         "GEEN_ACTIE", ["GEEN_DECLARATIES_VORIG_JAAR"]),
    Case("claims_no_contract_no_application", "05000025", "logopedie", base("logopedie", contract=False),
         "GEEN_ACTIE", ["GEEN_OVEREENKOMST_GEEN_AANVRAAG"]),
    Case("only_credit_in_prior_year", "05000026", "logopedie", claims_only(bedrag="-38.50"),
         "GEEN_ACTIE", ["GEEN_DECLARATIES_VORIG_JAAR"], fields={"declared_prior_year": False}),
    Case("claims_only_before_prior_year", "05000027", "logopedie", claims_only(datum="2022-12-31"),
         "GEEN_ACTIE", ["GEEN_DECLARATIES_VORIG_JAAR"]),
    Case("claim_on_last_day_of_prior_year", "05000028", "logopedie", claims_only(datum="2023-12-31"),
         "PROACTIEF_AANBOD"),
    Case("contract_overlapping_prior_year", "24000029", "dietetiek", contract_period("2022-07-01", "2023-01-01"),
         "PROACTIEF_AANBOD", fields={"contract_einddatum": "2026-12-31"}),
    Case("contract_ended_before_prior_year", "24000030", "dietetiek", contract_period("2020-01-01", "2022-12-31"),
         "GEEN_ACTIE", ["GEEN_OVEREENKOMST_GEEN_AANVRAAG"], fields={"prior_contract": False}),
    # -- AGB_ACTIEF: aanvang <= peildatum, einde empty or >= contract start
    Case("agb_ends_before_contract_start", "04000031", "fysiotherapie", base(einde="2023-12-31"),
         "NIET_AANBIEDEN", ["AGB_ACTIEF"]),
    Case("agb_ends_on_contract_start", "04000032", "fysiotherapie", base(einde="2024-01-01"), "PROACTIEF_AANBOD"),
    Case("agb_starts_after_peildatum", "04000033", "fysiotherapie", base(aanvang="2023-09-02"),
         "NIET_AANBIEDEN", ["AGB_ACTIEF"]),
    # -- caregivers present and AGB data complete
    Case("caregiver_ends_day_before_peildatum", "04000034", "fysiotherapie",
         fysio_caregiver_change("zorgverleners", einde="2023-08-31"), "NIET_AANBIEDEN", ["ZORGVERLENERS_AANWEZIG"],
         rules={"BIG_GEREGISTREERD": "pass"}),
    Case("caregiver_ends_on_peildatum", "04000035", "fysiotherapie",
         fysio_caregiver_change("zorgverleners", einde="2023-09-01"), "PROACTIEF_AANBOD"),
    Case("caregiver_at_ended_vestiging", "04000036", "fysiotherapie", caregiver_at_ended_vestiging,
         "NIET_AANBIEDEN", ["ZORGVERLENERS_AANWEZIG"]),
    Case("relatie_ended", "04000037", "fysiotherapie", fysio_caregiver_change("relaties", einde="2023-06-30"),
         "NIET_AANBIEDEN", ["ZORGVERLENERS_AANWEZIG"]),
    Case("caregiver_without_achternaam", "04000038", "fysiotherapie",
         fysio_caregiver_change("zorgverleners", achternaam=""), "NIET_AANBIEDEN", ["AGB_GEGEVENS_VOLLEDIG"]),
    Case("onderneming_without_postcode", "04000039", "fysiotherapie", base(postcode=""),
         "NIET_AANBIEDEN", ["AGB_GEGEVENS_VOLLEDIG"]),
    # -- other disciplines: Kwaliteitsregister Paramedici and deelregister
    Case("paramedici_registered", "07000040", "oefentherapie", base("oefentherapie"), "PROACTIEF_AANBOD",
         rules={"KWALITEITSREGISTER_PARAMEDICI": "pass", "DEELREGISTER_SPECIALISATIE": "pass"}),
    Case("paramedici_register_ends_day_before", "07000041", "oefentherapie",
         lambda b, agb: (base("oefentherapie")(b, agb), b.rows["kwaliteitsregister_paramedici"][-1].update(geldig_tot="2023-08-31")),
         "NIET_AANBIEDEN", ["KWALITEITSREGISTER_PARAMEDICI"]),
    Case("paramedici_deelregister_only_is_not_enough", "07000042", "oefentherapie",
         lambda b, agb: (base("oefentherapie")(b, agb), b.rows["kwaliteitsregister_paramedici"][-1].update(register="deelregister", kwalificatie="0703")),
         "NIET_AANBIEDEN", ["KWALITEITSREGISTER_PARAMEDICI"]),
    Case("specialist_with_deelregister", "05000043", "logopedie", specialist("2025-12-31"), "PROACTIEF_AANBOD",
         rules={"DEELREGISTER_SPECIALISATIE": "pass"}),
    Case("specialist_without_deelregister", "05000044", "logopedie", specialist(None), "NIET_AANBIEDEN",
         ["DEELREGISTER_SPECIALISATIE"]),
    Case("specialist_deelregister_ends_day_before", "88000045", "ergotherapie",
         specialist("2023-08-31", discipline="ergotherapie", code="8803"), "NIET_AANBIEDEN", ["DEELREGISTER_SPECIALISATIE"]),
    Case("non_specialist_kwalificatie_needs_nothing", "05000046", "logopedie", specialist(None, code="0501"),
         "PROACTIEF_AANBOD"),
    # -- zorgsoort 90: discipline from kwalificaties
    Case("zorgsoort_90_huidtherapie", "90000047", "huidtherapie", zorgsoort_90("9031"), "PROACTIEF_AANBOD",
         rules={"KWALITEITSREGISTER_PARAMEDICI": "pass"}, fields={"declared_prior_year": True}),
    Case("zorgsoort_90_without_paramedical_kwalificatie", "90000048", "huidtherapie", zorgsoort_90("9999", lijst="075"),
         "NIET_AANBIEDEN", ["ZORGVERLENERS_AANWEZIG"]),
    # -- claims on the generic list 012: discipline from the caregiver's AGB code
    Case("generic_list_claim_counts", "04000049", "fysiotherapie", generic_list_claim, "PROACTIEF_AANBOD",
         fields={"declared_prior_year": True}),
    Case("generic_list_claim_by_agb_prefix", "04000070", "fysiotherapie", generic_list_claim_unregistered_caregiver,
         "PROACTIEF_AANBOD", fields={"declared_prior_year": True}),
    # -- instellingen
    Case("instelling_all_disciplines", "90000050", "instelling", instelling(), "PROACTIEF_AANBOD",
         rules={"ALLE_DISCIPLINES": "pass"}, fields={"contract_einddatum": "2024-12-31"}),
    Case("instelling_without_dietetiek", "90000051", "instelling", instelling(missing=("dietetiek",)),
         "NIET_AANBIEDEN", ["ALLE_DISCIPLINES"]),
    # -- a practice with two disciplines is two units, decided apart
    Case("multi_discipline_fysio", "04000052", "fysiotherapie", multi_discipline, "PROACTIEF_AANBOD"),
]
MULTI_DISCIPLINE_LOGOPEDIE = ("04000052", "logopedie", "NIET_AANBIEDEN", ["KWALITEITSREGISTER_PARAMEDICI"])


@pytest.fixture(scope="module")
def results(tmp_path_factory, policy):
    bundle = Bundle()
    for case in CASES:
        case.setup(bundle, case.agb)
    work = tmp_path_factory.mktemp("rules")
    out = run_selection(bundle.write(work / "bundle"), work, policy)
    con = duckdb.connect()
    decisions = {(r[0], r[1]): r for r in con.execute(
        f"select praktijk_agb, discipline, outcome, reasons, prior_contract, declared_prior_year, "
        f"cast(aanvraagdatum as varchar), bi, cast(contract_ingangsdatum as varchar), cast(contract_einddatum as varchar) "
        f"from '{out}/decisions.parquet'").fetchall()}
    rules = {(r[0], r[1], r[2]): r[3] for r in con.execute(
        f"select praktijk_agb, discipline, rule, result from '{out}/rule_results.parquet'").fetchall()}
    return decisions, rules, out


FIELD_INDEX = {"prior_contract": 4, "declared_prior_year": 5, "aanvraagdatum": 6, "bi": 7,
               "contract_ingangsdatum": 8, "contract_einddatum": 9}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case, results):
    decisions, rules, _ = results
    decision = decisions[(case.agb, case.discipline)]
    assert decision[2] == case.outcome, f"{case.id}: rules {[(k[2], v) for k, v in rules.items() if k[0] == case.agb and v != 'pass']}"
    assert decision[3] == case.reasons
    for rule, expected in case.rules.items():
        assert rules[(case.agb, case.discipline, rule)] == expected, rule
    for name, expected in case.fields.items():
        assert decision[FIELD_INDEX[name]] == expected, name
    offered = case.outcome in ("PROACTIEF_AANBOD", "AANBOD_OP_AANVRAAG")
    assert (decision[8] is not None) == offered, "contract dates are set only for the two offer outcomes"


def test_multi_discipline_units_are_decided_apart(results):
    decisions, _, _ = results
    agb, discipline, outcome, reasons = MULTI_DISCIPLINE_LOGOPEDIE
    assert decisions[(agb, discipline)][2:4] == (outcome, reasons)
    assert decisions[(agb, "fysiotherapie")][2] == "PROACTIEF_AANBOD"


def test_instelling_has_a_single_unit(results):
    decisions, _, _ = results
    assert [k for k in decisions if k[0] == "90000050"] == [("90000050", "instelling")]


def test_every_unit_gets_every_rule_that_applies(results):
    decisions, rules, _ = results
    compliance = 16
    expected = {"fysiotherapie": 7 + compliance, "instelling": 4 + compliance}
    for (agb, discipline) in decisions:
        count = sum(1 for k in rules if k[:2] == (agb, discipline))
        assert count == expected.get(discipline, 6 + compliance), (agb, discipline)


def test_rule_results_name_their_policy_section(results):
    _, _, out = results
    con = duckdb.connect()
    missing = con.execute(f"select count(*) from '{out}/rule_results.parquet' where policy_ref is null or detail is null").fetchall()[0][0]
    assert missing == 0
    detail = con.execute(f"select detail from '{out}/rule_results.parquet' where praktijk_agb = '04000003' and rule = 'BEHANDELINDEX'").fetchall()[0][0]
    assert "150" in detail and "2022" in detail


def test_worklists_hold_their_outcomes(results):
    decisions, _, out = results
    con = duckdb.connect()
    for name, outcome in [("proactive_offers", "PROACTIEF_AANBOD"), ("requested_offers", "AANBOD_OP_AANVRAAG"),
                          ("case_reviews", "INDIVIDUELE_BEOORDELING"), ("zorgplicht_reviews", "ZORGPLICHTTOETS")]:
        listed = {r for r in con.execute(f"select praktijk_agb, discipline from '{out}/{name}.parquet'").fetchall()}
        assert listed == {k for k, d in decisions.items() if d[2] == outcome}, name


def test_zorgzoeker_marks_proactive_offers_contracted(results):
    decisions, _, out = results
    con = duckdb.connect()
    rows = con.execute(f"select praktijk_agb, discipline, gecontracteerd, status, cast(publicatiedatum as varchar), toelichting "
                       f"from '{out}/zorgzoeker.parquet'").fetchall()
    assert rows
    for agb, discipline, contracted, status, published, toelichting in rows:
        assert contracted == (decisions[(agb, discipline)][2] == "PROACTIEF_AANBOD")
        assert status == "voorlopig" and published == "2023-11-12"
        if not contracted:
            assert "polisvoorwaarden" in toelichting
    # the practice whose only caregiver works at an ended location still shows its active one
    assert any(r[0] == "04000036" for r in rows)


def test_input_row_order_does_not_change_output_bytes(results, tmp_path, policy):
    """Contract 7: the same inputs give byte-identical Parquet, whatever the order of input rows."""
    import random

    _, _, out = results
    bundle = Bundle()
    for case in CASES:
        case.setup(bundle, case.agb)
    rng = random.Random(2024)
    for rows in bundle.rows.values():
        rng.shuffle(rows)
    shuffled = run_selection(bundle.write(tmp_path / "bundle"), tmp_path, policy, validate=False)
    for parquet in sorted(out.glob("*.parquet")):
        assert parquet.read_bytes() == (shuffled / parquet.name).read_bytes(), parquet.name


def test_thread_count_does_not_change_output_bytes(results, tmp_path, policy, monkeypatch):
    _, _, out = results
    bundle = Bundle()
    for case in CASES:
        case.setup(bundle, case.agb)
    directory = bundle.write(tmp_path / "bundle")
    for threads in ("1", "4"):
        monkeypatch.setenv("ZORGINKOOP_THREADS", threads)
        (tmp_path / threads).mkdir()
        other = run_selection(directory, tmp_path / threads, policy, validate=False)
        for parquet in sorted(out.glob("*.parquet")):
            assert parquet.read_bytes() == (other / parquet.name).read_bytes(), (threads, parquet.name)
