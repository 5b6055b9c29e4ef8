"""Policy schema and views of the GGZ institutions purchasing policy (contract ggz-2021)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from zorginkoop.domains import ComplianceCheck, CycleParameters, Domain, RuleRef, Schedule, Sheet, Strict, disciplines
from zorginkoop.domains import ContractTerm as BaseContractTerm
from zorginkoop.sqltext import literal

# seeds/ggz/disciplines.csv: one discipline, ggz (a unit is an instelling).
DISCIPLINES: tuple[str, ...] = disciplines("ggz")
Discipline = Literal[DISCIPLINES]


class Parameters(CycleParameters):
    contract_year: int
    reference_year: int
    ggz_zorgsoorten: list[str] = Field(min_length=1)
    offerte_min_omzet: float = Field(ge=0)
    offerte_min_clienten: int = Field(ge=0)
    offerte_min_marktaandeel: float = Field(ge=0, le=1)
    kostenintensief_drempel: float = Field(gt=0)
    plafond_index: float = Field(gt=0)
    productiemonitoring_top_n: int = Field(ge=0)
    treeknorm_aanmelding_weken: float = Field(gt=0)
    treeknorm_behandeling_weken: float = Field(gt=0)
    wachttijd_diagnosegroepen: list[str]

    @field_validator("ggz_zorgsoorten")
    @classmethod
    def _two_digit_codes(cls, codes):
        bad = [c for c in codes if not (len(c) == 2 and c.isdigit())]
        if bad:
            raise ValueError(f"AGB zorgsoorten are 2-digit codes written as text (\"54\"), not {bad}")
        return codes

    @model_validator(mode="after")
    def _years_consistent(self):
        if self.reference_year >= self.contract_year:
            raise ValueError("reference_year must lie before contract_year")
        if self.contract_start.year != self.contract_year:
            raise ValueError("contract_start must fall in contract_year")
        if self.peildatum >= self.contract_start:
            raise ValueError("peildatum must lie before contract_start")
        return self


class ContractTerm(BaseContractTerm):
    discipline: Discipline


class GgzPolicy(Strict):
    name: str
    domain: Literal["ggz"]
    title: str
    source: str | None = None
    parameters: Parameters
    schedule: Schedule
    contract_terms: list[ContractTerm] = Field(min_length=1, max_length=1)
    compliance_checks: list[ComplianceCheck] = Field(min_length=1)
    online_checks: list[ComplianceCheck] = Field(min_length=1)
    rules: list[RuleRef]

    @model_validator(mode="after")
    def _online_codes_are_not_required_codes(self):
        overlap = {c.check for c in self.compliance_checks} & {c.check for c in self.online_checks}
        if overlap:
            raise ValueError(f"a code is both required and an online code: {', '.join(sorted(overlap))}")
        return self



_FIGURES = (("omzet_totaal", "Omzet referentiejaar (EUR)"), ("patienten_totaal", "Unieke patiënten"),
            ("marktaandeel", "Marktaandeel"), ("omzet_bggz", "Omzet BGGZ"), ("omzet_sggz", "Omzet SGGZ"),
            ("omzet_lggz", "Omzet LGGZ"), ("patienten_sggz", "Patiënten SGGZ"),
            ("kostenintensieve_patienten", "Kostenintensieve patiënten"),
            ("omzet_sggz_kostenintensief", "Omzet SGGZ kostenintensief"),
            ("omzet_sggz_excl", "Omzet SGGZ excl. kostenintensief"),
            ("voorgesteld_omzetplafond", "Voorgesteld omzetplafond SGGZ"),
            ("max_omzet_per_patient", "Maximale omzet per unieke patiënt SGGZ"))

SHEETS = (
    Sheet("Offerte-uitnodigingen", "offerte_uitnodigingen", (
        ("instelling_agb", "AGB-code instelling"), ("naam", "Naam"), ("plaats", "Plaats"),
        ("segment_redenen", "Reden offerteprocedure"), *_FIGURES,
        ("productiemonitoring", "Productiemonitoring"), ("online_maatwerk", "Online maatwerk"),
        ("wachttijd_gesprek", "Wachttijdgesprek (diagnosegroepen)"), ("uiterste_tekendatum", "Uiterste datum tekenen"),
        ("na_beoordeling", "Na beoordeling"))),
    Sheet("Digitaal aanbod", "digitale_aanbiedingen", (
        ("instelling_agb", "AGB-code instelling"), ("naam", "Naam"), ("kvk_nummer", "KvK-nummer"), ("plaats", "Plaats"),
        ("contract_ingangsdatum", "Ingangsdatum contract"), ("contract_einddatum", "Einddatum contract"),
        ("uiterste_tekendatum", "Uiterste datum tekenen"), ("online_maatwerk", "Online maatwerk"),
        ("wachttijd_gesprek", "Wachttijdgesprek (diagnosegroepen)"), ("na_beoordeling", "Na beoordeling"))),
    Sheet("Individuele beoordeling", "case_reviews", (
        ("instelling_agb", "AGB-code instelling"), ("discipline", "Discipline"), ("naam", "Naam"), ("plaats", "Plaats"),
        ("reasons", "Redenen"), ("review_details", "Toelichting"), ("segment", "Segment"),
        ("omzet_totaal", "Omzet referentiejaar (EUR)"), ("patienten_totaal", "Unieke patiënten")), review=True),
    Sheet("Alle instellingen", "decisions", (
        ("instelling_agb", "AGB-code instelling"), ("outcome", "Uitkomst"), ("reasons", "Redenen"), ("segment", "Segment"),
        *_FIGURES, ("productiemonitoring", "Productiemonitoring"), ("online_maatwerk", "Online maatwerk"),
        ("wachttijd_gesprek", "Wachttijdgesprek (diagnosegroepen)"), ("overeenkomst_actueel", "Overeenkomst 2020 of later"),
        ("aanvraagdatum", "Aanvraagdatum"), ("eindbesluit", "Eindbesluit"), ("besluit", "Besluit na beoordeling"), ("motivering", "Motivering"),
        ("beoordelaar", "Beoordelaar"))),
    Sheet("Zorgzoeker", "zorgzoeker", (
        ("vestiging_agb", "AGB-code vestiging"), ("praktijk_agb", "AGB-code instelling"), ("naam", "Naam"),
        ("postcode", "Postcode"), ("plaats", "Plaats"), ("gecontracteerd", "Gecontracteerd"),
        ("toelichting", "Toelichting"), ("status", "Status"), ("publicatiedatum", "Publicatiedatum"))),
)

CLAIMS_EXPORT = """
    select instelling_agb, patient_pseudonym, zorgtype, startdatum, einddatum, declaratiebedrag, declaratie_id,
        _file as source_file, _line as source_line
    from staged.claims
    order by source_file, source_line
"""


def charts(con, out_dir, policy) -> list:
    """Revenue and patients of every institution against the offerte thresholds (log scales)."""
    import plotly.graph_objects as go

    path = literal(out_dir / "decisions.parquet")
    rows = con.execute(f"""
        select instelling_agb, cast(omzet_totaal as double), patienten_totaal, segment, marktaandeel
        from read_parquet({path}) where omzet_totaal > 0 order by instelling_agb""").fetchall()
    p = policy.parameters
    scatter = go.Figure()
    for segment, colour in (("offerte", "#1565c0"), ("digitaal", "#66bb6a")):
        part = [r for r in rows if r[3] == segment]
        scatter.add_scatter(x=[r[1] for r in part], y=[max(r[2], 1) for r in part], mode="markers", name=segment,
                            marker_color=colour, text=[f"{r[0]} marktaandeel {r[4]:.2%}" for r in part])
    # Threshold lines as traces: shapes and annotations on log axes take log10 values, traces data values.
    xs = [r[1] for r in rows] or [p.offerte_min_omzet]
    ys = [max(r[2], 1) for r in rows] or [p.offerte_min_clienten]
    scatter.add_scatter(x=[p.offerte_min_omzet] * 2, y=[1, max(max(ys), p.offerte_min_clienten) * 1.5], mode="lines",
                        line={"color": "#e53935", "dash": "dash"}, name=f"omzet >= {p.offerte_min_omzet:,.0f}")
    scatter.add_scatter(x=[min(xs) / 1.5, max(max(xs), p.offerte_min_omzet) * 1.5], y=[p.offerte_min_clienten] * 2,
                        mode="lines", line={"color": "#e53935", "dash": "dot"}, name=f">= {p.offerte_min_clienten} cliënten")
    scatter.update_layout(title=f"Omzet en unieke patiënten {p.reference_year} per instelling (drempels offerteprocedure; "
                                f"ook marktaandeel >= {p.offerte_min_marktaandeel:.0%})",
                          xaxis_title="omzet (EUR, log)", yaxis_title="unieke patiënten (log)",
                          xaxis_type="log", yaxis_type="log", height=450, margin={"t": 60})
    return [("chart-segmentatie", scatter)]


DOMAIN = Domain(
    name="ggz", policy_model=GgzPolicy,
    unit_columns=("instelling_agb", "discipline"), summary_column="segment",
    sheets=SHEETS, report_worklists=("Offerte-uitnodigingen", "Individuele beoordeling"),
    sample_input="data/sample-ggz",
    charts="zorginkoop.domains.ggz:charts",
    generator="zorginkoop.synthetic.ggz:generate",
    generator_sizes=("sample", "small"),
    claims_export=CLAIMS_EXPORT,
)
