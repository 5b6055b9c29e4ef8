"""Load a policy file (bundled name or path), validate it, and expose it to SQL.

The SQL reads policy values from tables in the `policy` schema:
`policy.parameters` (one row, one typed column per parameter) and one table per
list in the file (`policy.contract_terms`, `policy.compliance_checks`, ...).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml
from pydantic import BaseModel, ValidationError

from zorginkoop.domains import Domain, get_domain
from zorginkoop.errors import PolicyError
from zorginkoop.paths import POLICIES_DIR
from zorginkoop.sqltext import identifier


@dataclass(frozen=True)
class Policy:
    name: str
    path: Path
    sha256: str
    domain: Domain
    model: BaseModel

    @property
    def parameters(self) -> BaseModel:
        return self.model.parameters

    def with_parameters(self, **overrides) -> "Policy":
        """A copy with some parameters changed (validated again), for what-if runs."""
        data = self.model.model_dump()
        data["parameters"].update(overrides)
        try:
            model = self.domain.policy_model.model_validate(data)
        except ValidationError as exc:
            raise PolicyError(f"{self.path}: {exc}") from exc
        return Policy(self.name, self.path, self.sha256, self.domain, model)


def resolve_policy_path(name_or_path: str) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        path = candidate
    else:
        path = POLICIES_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        bundled = ", ".join(sorted(p.stem for p in POLICIES_DIR.glob("*.yaml")))
        raise PolicyError(f"policy '{name_or_path}' not found (looked for {path}); bundled policies: {bundled}")
    return path


def load_policy(name_or_path: str) -> Policy:
    path = resolve_policy_path(name_or_path)
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or "domain" not in data:
        raise PolicyError(f"{path}: a policy file is a mapping with at least 'name' and 'domain'")
    try:
        domain = get_domain(data["domain"])
        model = domain.policy_model.model_validate(data)
    except KeyError as exc:
        raise PolicyError(f"{path}: {exc.args[0]}") from exc
    except ValidationError as exc:
        raise PolicyError(f"{path}: the policy does not validate:\n{exc}") from exc
    return Policy(model.name, path, hashlib.sha256(raw).hexdigest(), domain, model)


def _sql_type(value) -> str:
    if isinstance(value, list):  # a list parameter (GGZ zorgsoorten, diagnosegroepen) is a list column
        return (_sql_type(value[0]) if value else "VARCHAR") + "[]"
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "BIGINT"
    if isinstance(value, float):
        return "DOUBLE"
    if isinstance(value, dt.date):
        return "DATE"
    return "VARCHAR"


def _create_table(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict]) -> None:
    columns = list(rows[0])
    types = {c: _sql_type(rows[0][c]) for c in columns}
    column_defs = ", ".join(f"{identifier(c)} {types[c]}" for c in columns)
    con.execute(f"create or replace table {name} ({column_defs})")
    placeholders = ", ".join("?" for _ in columns)
    con.executemany(f"insert into {name} values ({placeholders})", [[r[c] for c in columns] for r in rows])


def load_into_duckdb(policy: Policy, con: duckdb.DuckDBPyConnection) -> None:
    """Write the policy into the `policy` schema so the SQL can read it."""
    con.execute("create schema if not exists policy")
    dumped = policy.model.model_dump()
    _create_table(con, "policy.parameters", [dumped["parameters"]])
    for key, value in dumped.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            _create_table(con, f"policy.{key}", value)
