"""The GGZ reference-year figures against a plain-Python reading of contract ggz-2021 section 4.

Hypothesis draws claim lines (zorgtypes, credits, end dates around the reference year, a few
patients shared between institutions, amounts near the cost-intensive threshold); the SQL
models compute the figures and a few lines of Python compute them again from the contract's
words. They must agree to the cent, whatever the lines.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from zorginkoop.engine.models import run_model
from zorginkoop.engine.policy import load_into_duckdb, load_policy

POLICY = load_policy("ggz-2021")
DOMAIN = POLICY.domain
THRESHOLD = Decimal("30000")
MODELS = ["patienten_per_zorgtype", "kostenintensieve_patienten", "referentiejaar_cijfers"]

amounts = st.one_of(
    st.sampled_from([Decimal("30000.00"), Decimal("30000.01"), Decimal("29999.99"), Decimal("15000.00")]),
    st.decimals(min_value=Decimal("-5000"), max_value=Decimal("60000"), places=2),
)
lines = st.lists(st.tuples(
    st.sampled_from(["54000001", "54000002", "54000003"]),   # institution
    st.integers(0, 5),                                        # patient
    st.sampled_from(["BGGZ", "SGGZ", "SGGZ", "LGGZ"]),
    amounts,
    st.sampled_from([dt.date(2018, 12, 31), dt.date(2019, 1, 1), dt.date(2019, 7, 1), dt.date(2019, 12, 31),
                     dt.date(2020, 1, 1)]),
), max_size=40)


def expected(rows):
    per = defaultdict(Decimal)  # (institution, zorgtype, patient) -> net revenue in 2019
    for agb, patient, zorgtype, amount, einde in rows:
        if einde.year == 2019:
            per[(agb, zorgtype, patient)] += amount
    figures = {}
    for agb in sorted({k[0] for k in per}):
        mine = {k: v for k, v in per.items() if k[0] == agb}
        sggz = {k[2]: v for k, v in mine.items() if k[1] == "SGGZ"}
        costly = {p for p, v in sggz.items() if v > THRESHOLD}
        excl = sum((v for p, v in sggz.items() if p not in costly), Decimal("0"))
        excl_patients = sum(1 for p, v in sggz.items() if p not in costly and v > 0)
        by_patient = defaultdict(Decimal)
        for (_, _, patient), v in mine.items():
            by_patient[patient] += v
        figures[agb] = {
            "omzet_totaal": sum(mine.values(), Decimal("0")),
            "omzet_sggz": sum(sggz.values(), Decimal("0")),
            "patienten_sggz": sum(1 for v in sggz.values() if v > 0),
            "patienten_totaal": sum(1 for v in by_patient.values() if v > 0),
            "kostenintensieve_patienten": len(costly),
            "omzet_sggz_excl": excl,
            "voorgesteld_omzetplafond": excl.quantize(Decimal("0.01")),
            "max_omzet_per_patient": (excl / excl_patients).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if excl_patients else None,
        }
        if excl_patients and excl < 0:  # half away from zero for negative values too
            figures[agb]["max_omzet_per_patient"] = -((-excl) / excl_patients).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return figures


def computed(rows):
    con = duckdb.connect()
    load_into_duckdb(POLICY, con)
    con.execute("create schema staged")
    con.execute("create table staged.claims (instelling_agb varchar, patient_pseudonym varchar, zorgtype varchar, "
                "einddatum date, declaratiebedrag decimal(18, 2))")
    if rows:
        con.executemany("insert into staged.claims values (?, ?, ?, ?, ?)",
                        [(agb, f"p{patient}", zorgtype, einde, amount) for agb, patient, zorgtype, amount, einde in rows])
    for model in MODELS:
        run_model(con, DOMAIN.model_path("intermediate", model))
    columns = ["omzet_totaal", "omzet_sggz", "patienten_sggz", "patienten_totaal", "kostenintensieve_patienten",
               "omzet_sggz_excl", "voorgesteld_omzetplafond", "max_omzet_per_patient", "omzet_sggz_kostenintensief"]
    result = con.execute(f"select instelling_agb, {', '.join(columns)} from intermediate.referentiejaar_cijfers").fetchall()
    return {r[0]: dict(zip(columns, r[1:])) for r in result}


@settings(max_examples=150, deadline=None)
@given(lines)
def test_figures_match_the_contract_read_in_python(rows):
    got = computed(rows)
    for figures in got.values():
        figures.pop("omzet_sggz_kostenintensief")
    assert got == expected(rows)


@settings(max_examples=60, deadline=None)
@given(lines)
def test_cost_intensive_revenue_and_the_rest_add_up_to_sggz(rows):
    for figures in computed(rows).values():
        costly = figures["omzet_sggz_kostenintensief"] or 0
        assert figures["omzet_sggz_excl"] + costly == figures["omzet_sggz"]
        assert figures["patienten_sggz"] >= figures["kostenintensieve_patienten"]
