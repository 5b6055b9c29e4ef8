"""What an analyst asks of a finished run: explain a practice, try other parameters, compare runs.

All three read a run directory (the outputs of `zorginkoop run`): the Parquet files and,
for what-if, a copy of its zorginkoop.duckdb, so a finished run is never changed.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from zorginkoop.engine import pipeline
from zorginkoop.engine.database import connect, load_seeds
from zorginkoop.engine.models import run
from zorginkoop.domains import Domain, domains, get_domain
from zorginkoop.errors import BadInputError, PolicyError
from zorginkoop.engine.policy import Policy, load_into_duckdb
from zorginkoop.sqltext import literal


def _parquet(run_dir: Path, name: str) -> str:
    path = run_dir / f"{name}.parquet"
    if not path.is_file():
        raise BadInputError(str(run_dir), f"is not a run directory: {name}.parquet is missing",
                            hint="Point at the --output directory of a finished `zorginkoop run`")
    return f"read_parquet({literal(path)})"


def run_domain(run_dir: Path) -> Domain:
    """The domain of a finished run: from its manifest, else from the columns of its decisions."""
    manifest = run_dir / pipeline.MANIFEST_NAME
    if manifest.is_file():
        name = json.loads(manifest.read_text()).get("policy", {}).get("domain")
        if name:
            return get_domain(name)
    with duckdb.connect() as con:
        columns = {r[0] for r in con.execute(f"describe select * from {_parquet(run_dir, 'decisions')}").fetchall()}
    for domain in domains().values():
        if set(domain.unit_columns) <= columns:
            return domain
    raise BadInputError(str(run_dir), "decisions.parquet has no unit columns of a known policy", examples=sorted(columns))


@dataclass
class UnitExplanation:
    agb: str
    discipline: str
    naam: str | None
    outcome: str
    reasons: list[str]
    route: dict    # every other column of decisions.parquet: route, figures, flags
    rules: list[tuple[str, str, str, str]]  # rule, result, detail, policy_ref


def explain(run_dir: Path, agb: str, discipline: str | None = None) -> list[UnitExplanation]:
    """Each unit of the praktijk or instelling: its outcome, route and figures, and every rule
    with result, detail and policy section."""
    key, split = run_domain(run_dir).unit_columns
    with duckdb.connect() as con:
        where, params = f'"{key}" = ?', [agb]
        if discipline:
            where, params = where + f' and "{split}" = ?', params + [discipline]
        cursor = con.execute(f"select * from {_parquet(run_dir, 'decisions')} where {where} order by \"{split}\"", params)
        columns = [d[0] for d in cursor.description]
        units = [dict(zip(columns, row)) for row in cursor.fetchall()]
        names = dict(con.execute(f"select praktijk_agb, min(naam) from {_parquet(run_dir, 'zorgzoeker')} "
                                 f"where praktijk_agb = ? group by 1", [agb]).fetchall())
        database = run_dir / pipeline.DATABASE_NAME
        if database.is_file():  # the onderneming's own name from the AGB register, not a vestiging's
            with duckdb.connect(str(database), read_only=True) as run_db:
                names.update(run_db.execute("select agb_code, naam from staged.ondernemingen where agb_code = ? "
                                            "and naam is not null", [agb]).fetchall())
        result = []
        for unit in units:
            rules = con.execute(f"""
                select rule, result, detail, policy_ref from {_parquet(run_dir, 'rule_results')}
                where praktijk_agb = ? and discipline = ?
                order by case result when 'fail' then 0 when 'review' then 1 else 2 end, rule""",
                [unit[key], unit[split]]).fetchall()
            route = {k: v for k, v in unit.items() if k not in (key, split, "outcome", "reasons", "naam")}
            result.append(UnitExplanation(unit[key], unit[split], unit.get("naam") or names.get(agb), unit["outcome"],
                                          list(unit["reasons"]), route, rules))
    if not result:
        raise BadInputError(str(run_dir), f"no unit for AGB {agb}" + (f" and {split} {discipline}" if discipline else ""),
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
    changes: list[tuple]   # unit key (agb, discipline), outcome before, outcome after
    regions: list[tuple]   # region, offered before, offered after, insured, insured per offered provider before/after
    units: int


# What other parameters can change: the models that read the policy, and what reads them, as far
# as decisions.parquet needs them. The rest of the copied run (staged rows, code lists) stays.
WHATIF_SELECT = "source:policy+,+exports.decisions"


def whatif(run_dir: Path, policy: Policy, overrides: dict, region: str = "pc2") -> WhatIf:
    """Rerun the models that depend on the policy, on the run's loaded data with other parameters;
    nothing is reloaded."""
    database = run_dir / pipeline.DATABASE_NAME
    if not database.is_file():
        raise BadInputError(str(run_dir), f"has no {pipeline.DATABASE_NAME}", hint="Run `zorginkoop run` first")
    changed = policy.with_parameters(**overrides)
    domain = policy.domain
    key, split = domain.unit_columns
    width = {"pc2": 2, "pc4": 4}[region]
    # offered: an offer goes out or a running contract continues (eindbesluit, contract cycle 2)
    offers = "('AANBIEDEN', 'LOPENDE_OVEREENKOMST')"
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "whatif.duckdb"
        shutil.copyfile(database, copy)
        with connect(copy) as con:
            load_into_duckdb(changed, con)
            load_seeds(con, domain.name)  # the code lists the models of this version read (a run of an older one may lack one)
            run(con, domain, select=WHATIF_SELECT)
        with duckdb.connect(str(copy)) as con:
            con.execute(f"create temp view before as select * from {_parquet(run_dir, 'decisions')}")
            changes = con.execute(f"""
                select b."{key}", b."{split}", b.outcome, a.outcome
                from before as b join exports.decisions as a using ("{key}", "{split}")
                where a.outcome <> b.outcome order by 1, 2""").fetchall()
            has_insured = con.execute("select count(*) from information_schema.tables where table_schema = 'staged' "
                                      "and table_name = 'insured_pc4'").fetchall()[0][0] > 0  # a view
            insured_sql = (f"select left(pc4, {width}) as region, sum(aantal_verzekerden) as insured "
                           f"from staged.insured_pc4 group by 1") if has_insured else \
                "select null::varchar as region, null::bigint as insured where false"
            regions = con.execute(f"""
                with places as (
                    select agb_code as "{key}", left(postcode, {width}) as region from staged.ondernemingen
                ),
                insured as ({insured_sql}),
                counts as (
                    select places.region,
                        count(distinct b."{key}") filter (where b.eindbesluit in {offers}) as offered_before,
                        count(distinct a."{key}") filter (where a.eindbesluit in {offers}) as offered_after
                    from before as b
                    join exports.decisions as a using ("{key}", "{split}")
                    join places using ("{key}")
                    group by places.region
                )
                select counts.region, offered_before, offered_after, insured.insured,
                    round(insured.insured / nullif(offered_before, 0), 1), round(insured.insured / nullif(offered_after, 0), 1)
                from counts left join insured using (region)
                where offered_before <> offered_after
                order by counts.region""").fetchall()
            units = con.execute("select count(*) from exports.decisions").fetchall()[0][0]
    return WhatIf(changes, regions, units)


@dataclass
class RunDiff:
    outcomes: list[tuple]  # praktijk_agb, discipline, outcome A, outcome B (None: unit absent)
    rules: list[tuple]     # praktijk_agb, discipline, rule, result A, result B


def diff(run_a: Path, run_b: Path) -> RunDiff:
    """Units whose outcome changed between two runs, and the rule results that changed."""
    key, split = run_domain(run_a).unit_columns
    with duckdb.connect() as con:
        outcomes = con.execute(f"""
            select coalesce(a."{key}", b."{key}"), coalesce(a."{split}", b."{split}"), a.outcome, b.outcome
            from {_parquet(run_a, 'decisions')} as a
            full outer join {_parquet(run_b, 'decisions')} as b using ("{key}", "{split}")
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
