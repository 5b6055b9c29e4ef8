"""What an analyst asks of a finished run: explain a practice, try other parameters, compare runs.

All three read a run directory (the outputs of `zorginkoop run`): the Parquet files and,
for what-if, a copy of its zorginkoop.duckdb, so a finished run is never changed.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from . import pipeline
from .errors import BadInputError, PolicyError
from .policy import Policy

OFFERS = ("PROACTIEF_AANBOD", "AANBOD_OP_AANVRAAG")


def _parquet(run_dir: Path, name: str) -> str:
    path = run_dir / f"{name}.parquet"
    if not path.is_file():
        raise BadInputError(str(run_dir), f"is not a run directory: {name}.parquet is missing",
                            hint="Point at the --output directory of a finished `zorginkoop run`")
    return "read_parquet('" + str(path).replace("'", "''") + "')"


@dataclass
class UnitExplanation:
    praktijk_agb: str
    discipline: str
    naam: str | None
    outcome: str
    reasons: list[str]
    route: dict
    rules: list[tuple[str, str, str, str]]  # rule, result, detail, policy_ref


def explain(run_dir: Path, agb: str, discipline: str | None = None) -> list[UnitExplanation]:
    """Each unit of the praktijk: its outcome, route, and every rule with result, detail and policy section."""
    with duckdb.connect() as con:
        where, params = "praktijk_agb = ?", [agb]
        if discipline:
            where, params = where + " and discipline = ?", params + [discipline]
        units = con.execute(f"""
            select praktijk_agb, discipline, outcome, reasons, prior_contract, declared_prior_year,
                   aanvraagdatum, bi, aantal_patienten, contract_ingangsdatum, contract_einddatum
            from {_parquet(run_dir, 'decisions')} where {where} order by discipline""", params).fetchall()
        names = dict(con.execute(f"select praktijk_agb, any_value(naam) from {_parquet(run_dir, 'zorgzoeker')} "
                                 f"where praktijk_agb = ? group by 1", [agb]).fetchall())
        result = []
        for u in units:
            rules = con.execute(f"""
                select rule, result, detail, policy_ref from {_parquet(run_dir, 'rule_results')}
                where praktijk_agb = ? and discipline = ?
                order by case result when 'fail' then 0 when 'review' then 1 else 2 end, rule""", [u[0], u[1]]).fetchall()
            route = {"prior_contract": u[4], "declared_prior_year": u[5], "aanvraagdatum": u[6], "bi": u[7],
                     "aantal_patienten": u[8], "contract_ingangsdatum": u[9], "contract_einddatum": u[10]}
            result.append(UnitExplanation(u[0], u[1], names.get(agb), u[2], list(u[3]), route, rules))
    if not result:
        raise BadInputError(str(run_dir), f"no unit for AGB {agb}" + (f" and discipline {discipline}" if discipline else ""),
                            hint="Check the code (8 digits, leading zeros kept)")
    return result


def parse_settings(settings: list[str]) -> dict:
    """`name=value` pairs; values are read as YAML scalars (140, 0.5, 2023-10-01)."""
    overrides = {}
    for setting in settings:
        if "=" not in setting:
            raise PolicyError(f"--set takes name=value, not {setting!r}")
        name, value = setting.split("=", 1)
        overrides[name.strip()] = yaml.safe_load(value)
    return overrides


@dataclass
class WhatIf:
    changes: list[tuple]   # praktijk_agb, discipline, outcome before, outcome after
    regions: list[tuple]   # region, offered before, offered after, insured, insured per offered practice before/after
    units: int


def whatif(run_dir: Path, policy: Policy, overrides: dict, region: str = "pc2") -> WhatIf:
    """Rerun the selection on the run's loaded data with other parameters; nothing is reloaded."""
    database = run_dir / pipeline.DATABASE_NAME
    if not database.is_file():
        raise BadInputError(str(run_dir), f"has no {pipeline.DATABASE_NAME}", hint="Run `zorginkoop run` first")
    changed = policy.with_parameters(**overrides)
    width = {"pc2": 2, "pc4": 4}[region]
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "whatif.duckdb"
        shutil.copyfile(database, copy)
        pipeline.select(copy, changed, reload_policy=True)
        with duckdb.connect(str(copy)) as con:
            con.execute(f"create temp view before as select * from {_parquet(run_dir, 'decisions')}")
            changes = con.execute("""
                select b.praktijk_agb, b.discipline, b.outcome, a.outcome
                from before as b join decisions.unit_outcomes as a using (praktijk_agb, discipline)
                where a.outcome <> b.outcome order by 1, 2""").fetchall()
            offers = "('" + "', '".join(OFFERS) + "')"
            regions = con.execute(f"""
                with places as (
                    select agb_code as praktijk_agb, left(postcode, {width}) as region from staged.ondernemingen
                ),
                insured as (
                    select left(pc4, {width}) as region, sum(aantal_verzekerden) as insured
                    from staged.insured_pc4 group by 1
                ),
                counts as (
                    select places.region,
                        count(distinct b.praktijk_agb) filter (where b.outcome in {offers}) as offered_before,
                        count(distinct a.praktijk_agb) filter (where a.outcome in {offers}) as offered_after
                    from before as b
                    join decisions.unit_outcomes as a using (praktijk_agb, discipline)
                    join places using (praktijk_agb)
                    group by places.region
                )
                select counts.region, offered_before, offered_after, insured.insured,
                    round(insured.insured / nullif(offered_before, 0), 1), round(insured.insured / nullif(offered_after, 0), 1)
                from counts left join insured using (region)
                where offered_before <> offered_after
                order by counts.region""").fetchall()
            units = con.execute("select count(*) from decisions.unit_outcomes").fetchall()[0][0]
    return WhatIf(changes, regions, units)


@dataclass
class RunDiff:
    outcomes: list[tuple]  # praktijk_agb, discipline, outcome A, outcome B (None: unit absent)
    rules: list[tuple]     # praktijk_agb, discipline, rule, result A, result B


def diff(run_a: Path, run_b: Path) -> RunDiff:
    """Units whose outcome changed between two runs, and the rule results that changed."""
    with duckdb.connect() as con:
        outcomes = con.execute(f"""
            select coalesce(a.praktijk_agb, b.praktijk_agb) as praktijk_agb, coalesce(a.discipline, b.discipline) as discipline,
                a.outcome, b.outcome
            from {_parquet(run_a, 'decisions')} as a
            full outer join {_parquet(run_b, 'decisions')} as b using (praktijk_agb, discipline)
            where a.outcome is distinct from b.outcome
            order by 1, 2""").fetchall()
        rules = con.execute(f"""
            select coalesce(a.praktijk_agb, b.praktijk_agb), coalesce(a.discipline, b.discipline), coalesce(a.rule, b.rule),
                a.result, b.result
            from {_parquet(run_a, 'rule_results')} as a
            full outer join {_parquet(run_b, 'rule_results')} as b using (praktijk_agb, discipline, rule)
            where a.result is distinct from b.result
            order by 1, 2, 3""").fetchall()
    return RunDiff(outcomes, rules)
