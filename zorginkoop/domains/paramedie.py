"""Policy schema of the paramedical purchasing policy (contract section 2)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator, model_validator

from zorginkoop.domains import ComplianceCheck, CycleParameters, Domain, RuleRef, Schedule, Sheet, Strict, disciplines
from zorginkoop.domains import ContractTerm as BaseContractTerm
from zorginkoop.sqltext import literal

# seeds/paramedie/disciplines.csv (seeds.disciplines in SQL): the policy file may name no other.
DISCIPLINES: tuple[str, ...] = disciplines("paramedie")
Discipline = Literal[DISCIPLINES]


class Parameters(CycleParameters):
    contract_year: int
    prior_year: int
    bi_year: int
    bi_threshold: float = Field(gt=0)
    small_practice_patients: int = Field(ge=0)
    application_deadline: dt.date
    big_beroep: str = Field(min_length=1)  # the BIG profession BIG_GEREGISTREERD asks for

    @model_validator(mode="after")
    def _years_consistent(self):
        if self.prior_year != self.contract_year - 1:
            raise ValueError("prior_year must be contract_year - 1")
        if self.contract_start.year != self.contract_year:
            raise ValueError("contract_start must fall in contract_year")
        if self.application_window_start >= self.application_deadline:
            raise ValueError("application_window_start must lie before application_deadline")
        return self


class ContractTerm(BaseContractTerm):
    discipline: Discipline


class SpecialistKwalificatie(Strict):
    discipline: Discipline
    kwalificatie: str = Field(pattern=r"^\d{4}$")


class ParamediePolicy(Strict):
    name: str
    domain: Literal["paramedie"]
    title: str
    source: str | None = None
    parameters: Parameters
    schedule: Schedule
    contract_terms: list[ContractTerm]
    specialist_kwalificaties: list[SpecialistKwalificatie]
    compliance_checks: list[ComplianceCheck]
    rules: list[RuleRef]

    @field_validator("contract_terms")
    @classmethod
    def _every_discipline_has_a_term(cls, terms):
        have = {t.discipline for t in terms}
        missing = set(DISCIPLINES) - have
        if missing:
            raise ValueError(f"no contract term for: {', '.join(sorted(missing))}")
        if len(have) != len(terms):
            raise ValueError("a discipline has more than one contract term")
        return terms


_OFFER_COLUMNS = (("praktijk_agb", "AGB-code praktijk"), ("discipline", "Discipline"), ("naam", "Naam"),
                  ("kvk_nummer", "KvK-nummer"), ("contract_ingangsdatum", "Ingangsdatum contract"),
                  ("contract_einddatum", "Einddatum contract"), ("na_beoordeling", "Na beoordeling"))

SHEETS = (
    Sheet("Aanbod proactief", "proactive_offers", _OFFER_COLUMNS),
    Sheet("Aanbod op aanvraag", "requested_offers", _OFFER_COLUMNS),
    Sheet("Individuele beoordeling", "case_reviews", (
        ("praktijk_agb", "AGB-code praktijk"), ("discipline", "Discipline"), ("naam", "Naam"), ("plaats", "Plaats"),
        ("reasons", "Redenen"), ("review_details", "Toelichting"), ("bi", "Behandelindex"),
        ("aantal_patienten", "Aantal patiënten"), ("aantal_zorgverleners", "Aantal zorgverleners")), review=True),
    Sheet("Zorgplichttoets", "zorgplicht_reviews", (
        ("praktijk_agb", "AGB-code praktijk"), ("discipline", "Discipline"), ("naam", "Naam"), ("postcode", "Postcode"),
        ("plaats", "Plaats"), ("aanvraagdatum", "Aanvraagdatum"), ("aantal_zorgverleners", "Aantal zorgverleners"),
        ("aangeboden_praktijken_pc4", "Aangeboden praktijken in postcodegebied"),
        ("aantal_verzekerden_pc4", "Verzekerden in postcodegebied")), review=True),
    Sheet("Geen aanbod", "decisions", (
        ("praktijk_agb", "AGB-code praktijk"), ("discipline", "Discipline"), ("outcome", "Uitkomst"), ("reasons", "Redenen"),
        ("prior_contract", "Overeenkomst vorig jaar"), ("declared_prior_year", "Gedeclareerd vorig jaar"),
        ("aanvraagdatum", "Aanvraagdatum"), ("bi", "Behandelindex"), ("besluit", "Besluit na beoordeling"), ("motivering", "Motivering"),
        ("beoordelaar", "Beoordelaar")),
        where="eindbesluit = 'NIET_AANBIEDEN'"),  # also the units a reviewer decided not to offer
    Sheet("Zorgzoeker", "zorgzoeker", (
        ("vestiging_agb", "AGB-code vestiging"), ("praktijk_agb", "AGB-code praktijk"), ("naam", "Naam"),
        ("postcode", "Postcode"), ("plaats", "Plaats"), ("discipline", "Discipline"), ("gecontracteerd", "Gecontracteerd"),
        ("toelichting", "Toelichting"), ("status", "Status"), ("publicatiedatum", "Publicatiedatum"))),
)

CLAIMS_EXPORT = """
    select praktijk_agb, zorgverlener_agb, patient_pseudonym, datum_prestatie, prestatiecodelijst, prestatiecode,
        aantal, declaratiebedrag, code_list_discipline as discipline, declaratie_id, uzovi,
        _file as source_file, _line as source_line
    from staged.claims
    order by source_file, source_line
"""


def charts(con, out_dir, policy) -> list:
    """The BI distribution of fysiotherapie practices, with the policy's threshold drawn in."""
    import plotly.graph_objects as go

    path = literal(out_dir / "decisions.parquet")
    bis = [r[0] for r in con.execute(f"select bi from read_parquet({path}) "
                                     "where discipline = 'fysiotherapie' and bi is not null order by bi").fetchall()]
    threshold = policy.parameters.bi_threshold
    hist = go.Figure(go.Histogram(x=bis, nbinsx=40, marker_color="#5c6bc0", name="praktijken"))
    hist.add_vline(x=threshold, line_color="#e53935", line_dash="dash",
                   annotation_text=f"drempel {threshold:g}", annotation_position="top right")
    hist.update_layout(title="Behandelindex of fysiotherapie practices", xaxis_title="BI", yaxis_title="praktijken",
                       height=400, margin={"t": 60})
    return [("chart-bi", hist)]


DOMAIN = Domain(
    name="paramedie", policy_model=ParamediePolicy,
    unit_columns=("praktijk_agb", "discipline"), summary_column="discipline",
    sheets=SHEETS, report_worklists=("Individuele beoordeling", "Zorgplichttoets"),
    sample_input="data/sample",
    charts="zorginkoop.domains.paramedie:charts",
    generator="zorginkoop.synthetic.paramedie:generate",
    generator_sizes=("sample", "small", "insurer", "market"),
    claims_export=CLAIMS_EXPORT,
)
