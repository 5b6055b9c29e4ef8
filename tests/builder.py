"""A small input bundle written row by row, for table-driven rule tests.

`practice()` adds an onderneming that meets every condition of paramedie-2024:
an active AGB record and vestiging, one registered caregiver, every compliance
check passed, a 2023 contract and a 2023 declaration, and (fysiotherapie) a
BI 2022 of 100. Tests then change exactly the thing they are about.
"""

from __future__ import annotations

import csv
from pathlib import Path

from zorginkoop.ingest.bundle import input_files
from zorginkoop.domains import get_domain

SPECS = {spec.table: spec for spec in input_files(get_domain("paramedie"))}
COMPLIANCE = ["KVK_INGESCHREVEN", "WTZA_TOEGELATEN", "GOVERNANCECODE", "BESTUURSVERKLARING", "UBO_BEKEND",
              "GEEN_SANCTIE", "GEEN_FRAUDEREGISTRATIE", "GEEN_FRAUDEONDERZOEK", "GEEN_VERSCHERPT_TOEZICHT",
              "VECOZO_CERTIFICAAT", "BEDRIJFSADMINISTRATIE", "GEEN_ZORGWEIGERING", "GEEN_ERNSTIGE_FOUT",
              "GEEN_INTEGRITEITSBEZWAAR", "KWALITEITSEISEN_BEROEPSGROEP", "KLACHTENREGELING_WKKGZ"]
ZORGSOORT = {"fysiotherapie": ("04", None), "oefentherapie": ("07", None), "logopedie": ("05", None),
             "ergotherapie": ("88", None), "dietetiek": ("24", None), "huidtherapie": ("90", "9013"),
             "voetzorg": ("26", None)}
LIST = {"fysiotherapie": "073", "oefentherapie": "074", "huidtherapie": "075", "dietetiek": "076",
        "ergotherapie": "077", "logopedie": "078", "voetzorg": "080"}


class Rows:
    """Rows per input file of a domain's bundle, written as the contract's CSV files."""

    def __init__(self, specs: dict):
        self.specs = specs
        self.rows: dict[str, list[dict]] = {table: [] for table in specs}
        self._serial = 0

    def _next(self, prefix: str) -> str:
        self._serial += 1
        return f"{prefix}{self._serial:06d}"

    def add(self, table: str, **row) -> dict:
        unknown = set(row) - set(self.specs[table].columns)
        assert not unknown, f"{table} has no column(s) {unknown}"
        self.rows[table].append(row)
        return row

    def remove(self, table: str, **match) -> None:
        self.rows[table] = [r for r in self.rows[table] if any(r.get(k) != v for k, v in match.items())]

    def write(self, directory: Path) -> Path:
        for table, spec in self.specs.items():
            if not spec.required and not self.rows[table]:
                continue
            path = directory / (spec.path.replace("/*", "/claims.csv"))
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(spec.columns), lineterminator="\n")
                writer.writeheader()
                writer.writerows({c: r.get(c, "") for c in spec.columns} for r in self.rows[table])
        return directory


class Bundle(Rows):
    def __init__(self):
        super().__init__(SPECS)

    def practice(self, agb: str, discipline: str = "fysiotherapie", *, instelling: bool = False,
                 caregiver: bool = True, contract: bool = True, claim: bool = True, bi: str | None = "100.0",
                 aantal_patienten: str = "250", compliance: bool = True, **onderneming) -> str:
        unit = "instelling" if instelling else discipline
        self.add("ondernemingen", **{
            "agb_code": agb, "naam": f"Praktijk {agb}", "kvk_nummer": "1" + agb[1:], "zorgsoort": "90" if instelling else ZORGSOORT[discipline][0],
            "organisatievorm": "instelling" if instelling else "praktijk", "aanvang": "2010-01-01", "einde": "",
            "straat": "Dorpsstraat", "huisnummer": "1", "huisnummer_toevoeging": "", "postcode": "3511AB",
            "plaats": "Utrecht", **onderneming})
        self.vestiging(agb)
        if caregiver and not instelling:
            self.caregiver(agb, discipline)
        if compliance:
            for check in COMPLIANCE:
                self.check(agb, check, "pass")
        if discipline == "fysiotherapie" and not instelling and bi is not False:
            self.add("behandelindex", praktijk_agb=agb, jaar="2022", versie="V3", bi=bi or "", aantal_patienten=aantal_patienten)
        if contract:
            self.add("contracts", praktijk_agb=agb, discipline=unit, ingangsdatum="2023-01-01", einddatum="2023-12-31")
        if claim and caregiver and not instelling:
            self.claim(agb, self.rows["zorgverleners"][-1]["agb_code"], discipline)
        return agb

    def vestiging(self, onderneming: str, **overrides) -> str:
        agb = self._next("98")
        self.add("vestigingen", **{"agb_code": agb, "onderneming_agb": onderneming, "naam": f"Locatie {agb}",
                                   "straat": "Dorpsstraat", "huisnummer": "1", "huisnummer_toevoeging": "",
                                   "postcode": "3511AB", "plaats": "Utrecht", "aanvang": "2010-01-01", "einde": "",
                                   **overrides})
        return agb

    def caregiver(self, onderneming: str, discipline: str, *, vestiging: str | None = None,
                  registered: bool = True, kwalificaties: list[str] = (), **overrides) -> str:
        zorgsoort, kwalificatie = ZORGSOORT[discipline]
        agb = self._next(zorgsoort)
        codes = ([kwalificatie] if kwalificatie else []) + list(kwalificaties)
        big = agb + "123" if discipline == "fysiotherapie" else ""
        kp = agb if discipline != "fysiotherapie" else ""
        if vestiging is None:
            vestiging = next(v["agb_code"] for v in self.rows["vestigingen"] if v["onderneming_agb"] == onderneming)
        self.add("zorgverleners", **{"agb_code": agb, "voorletters": "J.", "tussenvoegsel": "", "achternaam": "Jansen",
                                     "zorgsoort": zorgsoort, "kwalificaties": ";".join(codes), "big_nummer": big,
                                     "kp_nummer": kp, "aanvang": "2015-01-01", "einde": "", **overrides})
        self.add("relaties", zorgverlener_agb=agb, vestiging_agb=vestiging, aanvang="2015-01-01", einde="")
        if registered and discipline == "fysiotherapie":
            self.add("big", big_nummer=big, beroep="fysiotherapeut", status="ingeschreven", aanvang="2014-01-01", einde="")
            self.add("ckr", big_nummer=big, register="basis", naam="Fysiotherapeut", geldig_van="2019-01-01", geldig_tot="")
        elif registered:
            self.add("kwaliteitsregister_paramedici", kp_nummer=kp, beroep=discipline, register="kwaliteitsregister",
                     kwalificatie="", geldig_van="2020-01-01", geldig_tot="")
        return agb

    def check(self, onderneming: str, check: str, result: str, peildatum: str = "2023-08-15") -> None:
        self.add("compliance_checks", onderneming_agb=onderneming, check=check, result=result,
                 peildatum=peildatum, bron="test")

    def claim(self, praktijk: str, zorgverlener: str, discipline: str, *, datum: str = "2023-03-01",
              bedrag: str = "38.50", lijst: str | None = None) -> None:
        self.add("claims", declaratie_id=self._next("D"), praktijk_agb=praktijk, zorgverlener_agb=zorgverlener,
                 bsn="111222333", datum_prestatie=datum, prestatiecodelijst=lijst or LIST[discipline],
                 prestatiecode="1000", aantal="1", declaratiebedrag=bedrag, uzovi="3311")

