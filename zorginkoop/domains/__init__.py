"""Domains the engine serves. A domain is a policy schema plus its SQL, expectations and views.

The engine knows no domain by heart: everything that differs between the paramedical and
the GGZ policy lives in a module here (pydantic model of its policy file, outcome order,
workbook sheets, report charts, generator) and in sql/<domain>/ and expectations/<domain>/.
What both share (the AGB register, compliance checks, contracts, AGB_ACTIEF, quarantine)
lives once in sql/common/ and expectations/common/; a domain file of the same name wins.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import importlib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from zorginkoop.paths import EXPECTATIONS_DIR, SEEDS_DIR, SQL_DIR

COMMON = "common"


class Strict(BaseModel):
    """A part of a policy file: unknown keys are refused, so a typo never goes unnoticed."""
    model_config = ConfigDict(extra="forbid")


class CycleParameters(Strict):
    """Parameters of the procurement cycle both policies share (contract cycle.md): the peildatum, the
    application window, how old a compliance check may be, and the signing and publication dates."""
    peildatum: dt.date
    contract_start: dt.date
    application_window_start: dt.date
    compliance_max_age_months: int = Field(ge=0)
    signing_deadline: dt.date
    publication_date: dt.date
    # Share of an input file's rows that may be quarantined before the run refuses the file.
    quarantine_tolerance: float = Field(default=0.01, ge=0, le=1)

    @model_validator(mode="after")
    def _cycle_dates_ordered(self):
        if self.application_window_start > self.peildatum:
            raise ValueError("application_window_start must not lie after the peildatum")
        if self.signing_deadline >= self.contract_start:
            raise ValueError("signing_deadline must lie before contract_start")
        return self


class ComplianceCheck(Strict):
    check: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    policy_ref: str


class RuleRef(Strict):
    rule: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    policy_ref: str


class ContractTerm(Strict):
    """The contract dates offered for a discipline; a domain narrows `discipline` to its own."""
    discipline: str
    ingangsdatum: dt.date
    einddatum: dt.date

    @model_validator(mode="after")
    def _ordered(self):
        if self.einddatum < self.ingangsdatum:
            raise ValueError(f"{self.discipline}: einddatum before ingangsdatum")
        return self


class Schedule(Strict):
    """When the yearly runs are due (cron, Europe/Amsterdam), from the policy's timeline."""
    selection: str = Field(pattern=r"^\S+ \S+ \S+ \S+ \S+$")
    publication: str = Field(pattern=r"^\S+ \S+ \S+ \S+ \S+$")
    timezone: str = "Europe/Amsterdam"


# A reviewer's decision on a unit under review (contract cycle 2): output column, Dutch label.
DECISION_COLUMNS = (("besluit", "Besluit"), ("motivering", "Motivering"), ("beoordelaar", "Beoordelaar"),
                    ("beoordeeld_op", "Beoordeeld op"))
BESLUITEN = ("AANBIEDEN", "NIET_AANBIEDEN")


@dataclass(frozen=True)
class Sheet:
    """A list for selectie.xlsx (and, when in Domain.report_worklists, for report.html)."""
    title: str
    output: str                          # <output>.parquet of the run
    columns: tuple[tuple[str, str], ...]  # (column, Dutch label)
    where: str = ""                      # SQL condition on the output's rows
    # A review worklist: the decision columns follow, and `zorginkoop reviews import` reads them back
    # by the unit's columns (Domain.unit_columns), which must be among `columns`.
    review: bool = False

    @property
    def all_columns(self) -> tuple[tuple[str, str], ...]:
        return self.columns + (DECISION_COLUMNS if self.review else ())


@dataclass(frozen=True)
class Domain:
    name: str
    policy_model: type[BaseModel]
    # Columns that identify a unit in decisions.parquet (rule_results.parquet always has
    # praktijk_agb, discipline: one schema for BI across policies).
    unit_columns: tuple[str, str]
    # The column the outcome table is split by (discipline, segment, ...).
    summary_column: str
    sheets: tuple[Sheet, ...]
    report_worklists: tuple[str, ...]      # sheet titles shown as tables in report.html
    sample_input: str                      # the committed sample bundle
    charts: str | None = None              # "module:function" (con, out_dir, policy) -> [(id, figure)]
    generator: str | None = None           # "module:function" (policy, seed, size, output) -> {file: rows}
    generator_sizes: tuple[str, ...] = ("sample",)
    claims_export: str = ""                # select over staged.claims for `zorginkoop claims load`
    layers: tuple[str, ...] = ("staged", "intermediate", "rules", "decisions", "exports")
    extra: dict = field(default_factory=dict)

    @property
    def sql_dir(self) -> Path:
        return SQL_DIR / self.name

    @property
    def expectations_dir(self) -> Path:
        return EXPECTATIONS_DIR / self.name

    def layer_dirs(self, layer: str) -> list[Path]:
        """sql/common/<layer> then sql/<domain>/<layer>; models of the domain override common ones."""
        return [d for d in (SQL_DIR / COMMON / layer, self.sql_dir / layer) if d.is_dir()]

    def model_path(self, layer: str, name: str) -> Path:
        for folder in reversed(self.layer_dirs(layer)):
            if (folder / f"{name}.sql").is_file():
                return folder / f"{name}.sql"
        raise FileNotFoundError(f"no model {layer}/{name}.sql for domain {self.name}")

    def suite_paths(self) -> list[Path]:
        """expectations/common/*.json and expectations/<domain>/*.json, the domain's winning by name."""
        suites = {p.name: p for p in sorted((EXPECTATIONS_DIR / COMMON).glob("*.json"))}
        suites.update({p.name: p for p in sorted(self.expectations_dir.glob("*.json"))})
        return [suites[name] for name in sorted(suites)]

    @property
    def outcomes(self) -> tuple[tuple[str, str], ...]:
        """(outcome, colour) in the order people read them, from seeds/<domain>/outcomes.csv: the
        vocabulary the SQL reads too (seeds.outcomes, with each outcome's eindbesluit)."""
        return _outcomes(self.name)

    @property
    def disciplines(self) -> tuple[str, ...]:
        """The domain's disciplines in order, from seeds/<domain>/disciplines.csv (seeds.disciplines in SQL)."""
        return disciplines(self.name)

    @property
    def outcome_order(self) -> list[str]:
        return [o for o, _ in self.outcomes]

    @property
    def colours(self) -> dict[str, str]:
        return dict(self.outcomes)

    def call(self, target: str | None, *args):
        if not target:
            raise NotImplementedError(f"domain {self.name} has no such function")
        module, function = target.split(":")
        return getattr(importlib.import_module(module), function)(*args)


@functools.cache
def seed_rows(domain_name: str, seed: str) -> tuple[dict[str, str], ...]:
    """The rows of seeds/<domain>/<seed>.csv (seeds.<seed> in SQL), in their `volgorde` when they have one."""
    with (SEEDS_DIR / domain_name / f"{seed}.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if rows and "volgorde" in rows[0]:
        rows.sort(key=lambda r: int(r["volgorde"]))
    return tuple(rows)


def disciplines(domain_name: str) -> tuple[str, ...]:
    """The domain's disciplines (seeds/<domain>/disciplines.csv): a unit is (praktijk, discipline)."""
    return tuple(r["discipline"] for r in seed_rows(domain_name, "disciplines"))


def _outcomes(domain_name: str) -> tuple[tuple[str, str], ...]:
    return tuple((r["outcome"], r["kleur"]) for r in seed_rows(domain_name, "outcomes"))


def domains() -> dict[str, Domain]:
    from zorginkoop.domains import ggz, paramedie

    return {d.name: d for d in (paramedie.DOMAIN, ggz.DOMAIN)}


def get_domain(name: str) -> Domain:
    known = domains()
    if name not in known:
        raise KeyError(f"unknown domain '{name}'; known: {', '.join(sorted(known))}")
    return known[name]
