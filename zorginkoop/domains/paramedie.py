"""Policy schema of the paramedical purchasing policy (contract section 2)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from . import Domain

Discipline = Literal[
    "fysiotherapie", "oefentherapie", "logopedie", "ergotherapie",
    "dietetiek", "huidtherapie", "voetzorg", "instelling",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Parameters(_Strict):
    contract_year: int
    prior_year: int
    bi_year: int
    bi_threshold: float = Field(gt=0)
    small_practice_patients: int = Field(ge=0)
    peildatum: dt.date
    application_deadline: dt.date
    publication_date: dt.date
    contract_start: dt.date
    # Share of an input file's rows that may be quarantined before the run refuses the file.
    quarantine_tolerance: float = Field(default=0.01, ge=0, le=1)

    @model_validator(mode="after")
    def _years_consistent(self):
        if self.prior_year != self.contract_year - 1:
            raise ValueError("prior_year must be contract_year - 1")
        if self.contract_start.year != self.contract_year:
            raise ValueError("contract_start must fall in contract_year")
        return self


class ContractTerm(_Strict):
    discipline: Discipline
    ingangsdatum: dt.date
    einddatum: dt.date

    @model_validator(mode="after")
    def _ordered(self):
        if self.einddatum < self.ingangsdatum:
            raise ValueError(f"{self.discipline}: einddatum before ingangsdatum")
        return self


class SpecialistKwalificatie(_Strict):
    discipline: Discipline
    kwalificatie: str = Field(pattern=r"^\d{4}$")


class ComplianceCheck(_Strict):
    check: str = Field(pattern=r"^[A-Z_]+$")
    policy_ref: str


class RuleRef(_Strict):
    rule: str = Field(pattern=r"^[A-Z_]+$")
    policy_ref: str


class ParamediePolicy(_Strict):
    name: str
    domain: Literal["paramedie"]
    title: str
    source: str | None = None
    parameters: Parameters
    contract_terms: list[ContractTerm]
    specialist_kwalificaties: list[SpecialistKwalificatie]
    compliance_checks: list[ComplianceCheck]
    rules: list[RuleRef]

    @field_validator("contract_terms")
    @classmethod
    def _every_discipline_has_a_term(cls, terms):
        have = {t.discipline for t in terms}
        missing = set(Discipline.__args__) - have
        if missing:
            raise ValueError(f"no contract term for: {', '.join(sorted(missing))}")
        if len(have) != len(terms):
            raise ValueError("a discipline has more than one contract term")
        return terms


DOMAIN = Domain(name="paramedie", policy_model=ParamediePolicy)
