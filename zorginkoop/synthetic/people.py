"""People and places of nobody real: BSNs that pass the 11-proef, Dutch surnames, streets and towns."""

from __future__ import annotations

import random

from zorginkoop.ingest.privacy import elfproef

PLACES = [("Utrecht", 3500), ("Amsterdam", 1010), ("Rotterdam", 3010), ("Den Haag", 2500), ("Groningen", 9700),
          ("Eindhoven", 5600), ("Zwolle", 8000), ("Maastricht", 6200), ("Leeuwarden", 8900), ("Arnhem", 6800),
          ("Middelburg", 4330), ("Emmen", 7800), ("Haarlem", 2000), ("Tilburg", 5000), ("Enschede", 7500)]
STREETS = ["Dorpsstraat", "Kerkstraat", "Stationsweg", "Molenweg", "Schoolstraat", "Julianalaan", "Beatrixlaan",
           "Wilhelminastraat", "Hoofdstraat", "Parkweg", "Marktplein", "Nieuwstraat"]
SURNAMES = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos",
            "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "Kok"]


def valid_bsn(rng: random.Random) -> str:
    """A random BSN that passes the 11-proef: eight random digits (not starting with 00) and the
    check digit that makes them pass; eight new digits when no single digit does (check digit 10)."""
    while True:
        base = "".join(str(rng.randint(0, 9)) for _ in range(8))
        if base.startswith("00"):
            continue
        for check in "0123456789":
            if elfproef(base + check):
                return base + check
