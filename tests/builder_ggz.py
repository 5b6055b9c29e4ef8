"""A small GGZ input bundle written row by row, for table-driven tests of ggz-2021.

`instelling()` adds a GGZ-instelling that meets every condition: an active AGB record
(zorgsoort 54) and vestiging, every required compliance check passed, and a two-year
contract 2020-2021. Claims, online codes and waiting times are added by the test that is
about them, so every figure in a test comes from rows the test wrote.
"""

from __future__ import annotations

from zorginkoop.ingest.bundle import input_files
from zorginkoop.domains import get_domain
from zorginkoop.engine.policy import load_policy
from zorginkoop.ingest.privacy import elfproef

from .builder import Rows

SPECS = {spec.table: spec for spec in input_files(get_domain("ggz"))}
# The codes of the bundled policy file: a test that needs every required code writes all of them.
COMPLIANCE = [c.check for c in load_policy("ggz-2021").model.compliance_checks]
ONLINE = [c.check for c in load_policy("ggz-2021").model.online_checks]


def bsn(n: int) -> str:
    """The n-th 9-digit number that passes the 11-proef (distinct patients for distinct n)."""
    base = 100_000_000 + n * 10
    for candidate in range(base, base + 10):
        if elfproef(f"{candidate:09d}"):
            return f"{candidate:09d}"
    return bsn(n + 100_000)


class GgzBundle(Rows):
    def __init__(self):
        super().__init__(SPECS)
        self._patients = 0

    def instelling(self, agb: str, *, zorgsoort: str = "54", contract: tuple[str, str] | None = ("2020-01-01", "2021-12-31"),
                   compliance: bool = True, **onderneming) -> str:
        self.add("ondernemingen", **{
            "agb_code": agb, "naam": f"GGZ-instelling {agb}", "kvk_nummer": "3" + agb[1:], "zorgsoort": zorgsoort,
            "organisatievorm": "instelling", "aanvang": "2005-01-01", "einde": "", "straat": "Kerkstraat",
            "huisnummer": "10", "huisnummer_toevoeging": "", "postcode": "3511AB", "plaats": "Utrecht", **onderneming})
        self.add("vestigingen", agb_code=self._next("98"), onderneming_agb=agb, naam=f"Locatie {agb}", straat="Kerkstraat",
                 huisnummer="10", huisnummer_toevoeging="", postcode="3511AB", plaats="Utrecht", aanvang="2005-01-01", einde="")
        if compliance:
            for check in COMPLIANCE:
                self.check(agb, check, "pass")
        if contract:
            self.add("contracts", praktijk_agb=agb, discipline="ggz", ingangsdatum=contract[0], einddatum=contract[1])
        return agb

    def check(self, agb: str, check: str, result: str, peildatum: str = "2020-06-15") -> None:
        self.add("compliance_checks", onderneming_agb=agb, check=check, result=result, peildatum=peildatum, bron="test")

    def patient(self) -> str:
        self._patients += 1
        return bsn(self._patients)

    def claim(self, agb: str, bedrag: str, *, zorgtype: str = "SGGZ", patient: str | None = None,
              einddatum: str = "2019-06-30", startdatum: str = "2019-01-15") -> str:
        patient = patient or self.patient()
        self.add("claims", declaratie_id=self._next("G"), instelling_agb=agb, bsn=patient, zorgtype=zorgtype,
                 startdatum=startdatum, einddatum=einddatum, declaratiebedrag=bedrag)
        return patient

    def patients(self, agb: str, count: int, bedrag: str = "1000.00", zorgtype: str = "BGGZ") -> None:
        for _ in range(count):
            self.claim(agb, bedrag, zorgtype=zorgtype)

    def wachttijd(self, agb: str, groep: str, aanmelding: str, behandeling: str, peildatum: str = "2020-06-01") -> None:
        self.add("wachttijden", instelling_agb=agb, diagnosegroep=groep, aanmeldingswachttijd_weken=aanmelding,
                 behandelwachttijd_weken=behandeling, peildatum=peildatum)

