"""Domains the engine serves. A domain is a policy schema plus its SQL and expectations.

Adding a domain (for example GGZ institutions) means adding a module here with a
pydantic model of its policy file, a folder under sql/ and one under expectations/.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from ..paths import EXPECTATIONS_DIR, SQL_DIR


@dataclass(frozen=True)
class Domain:
    name: str
    policy_model: type[BaseModel]
    # Layers of sql/<domain>/ in the order data flows through them.
    layers: tuple[str, ...] = ("staged", "intermediate", "rules", "decisions", "exports")

    @property
    def sql_dir(self):
        return SQL_DIR / self.name

    @property
    def expectations_dir(self):
        return EXPECTATIONS_DIR / self.name


def get_domain(name: str) -> Domain:
    from . import paramedie

    domains = {paramedie.DOMAIN.name: paramedie.DOMAIN}
    if name not in domains:
        raise KeyError(f"unknown domain '{name}'; known: {', '.join(sorted(domains))}")
    return domains[name]
