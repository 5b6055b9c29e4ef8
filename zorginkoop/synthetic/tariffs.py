"""What a synthetic paramedical claim line declares: the prestatiecodelijst of its discipline (from
the seed the SQL reads too), a few codes from each list and a tariff per prestatie in euros."""

from __future__ import annotations

import csv
from functools import cache

from zorginkoop.paths import SEEDS_DIR

PRESTATIECODES = {"fysiotherapie": ["1000", "1001", "1864"], "oefentherapie": ["2000", "2001"],
                  "logopedie": ["3000", "3001", "3018"], "ergotherapie": ["4000", "4001"],
                  "dietetiek": ["5001", "5002"], "huidtherapie": ["6000", "6001"], "voetzorg": ["7000", "7001"]}
TARIEF = {"fysiotherapie": 38.5, "oefentherapie": 36.0, "logopedie": 42.0, "ergotherapie": 40.0,
          "dietetiek": 33.0, "huidtherapie": 37.0, "voetzorg": 45.0}
TARIEF_CENTS = {discipline: round(euros * 100) for discipline, euros in TARIEF.items()}


@cache
def _lists() -> tuple[tuple[str, str], ...]:
    with (SEEDS_DIR / "paramedie" / "prestatiecodelijsten.csv").open(encoding="utf-8", newline="") as fh:
        return tuple((r["discipline"], r["prestatiecodelijst"]) for r in csv.DictReader(fh))


def prestatiecodelijst() -> dict[str, str]:
    """discipline -> its own prestatiecodelijst (seeds/paramedie/prestatiecodelijsten.csv)."""
    return {discipline: code for discipline, code in _lists() if discipline}


def generic_prestatiecodelijst() -> str:
    """The generic list (012): the seed's list without a discipline of its own."""
    return next(code for discipline, code in _lists() if not discipline)
