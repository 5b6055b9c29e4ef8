"""Synthetic GGZ bundles in the layout of the GGZ policy (`zorginkoop generate --policy ggz-2021`).

Institutions of realistic sizes (a few large regional institutions, many small ones), their
vestigingen, compliance checks with online codes for some, contracts (mostly a two-year
agreement that runs into the contract year), applications, waiting times, and claims around the
reference year with credits and a tail of cost-intensive SGGZ patients. Planted institutions
cover every outcome row and the edges of the figures (exactly 300 patients, a patient exactly at
the cost-intensive threshold, only cost-intensive SGGZ patients, online codes partly present) so
the sample shows each case. The same seed and policy give the same bundle, byte for byte.

Every date comes from the policy file: claims end in its reference_year (and the years around
it), contracts and applications lie in the years before its contract_year, the compliance
checks and waiting times shortly before its peildatum; the compliance codes are its own.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from zorginkoop.engine.policy import Policy
from zorginkoop.synthetic.files import columns, empty_rows, write_bundle_csvs, write_csv
from zorginkoop.synthetic.people import PLACES, STREETS, valid_bsn

D = dt.date
SIZES = {"sample": 110, "small": 30}
GGZ_ZORGSOORTEN = ["54", "54", "54", "72", "79", "25"]
DIAGNOSEGROEPEN = ["adhd", "autisme", "persoonlijkheidsstoornissen", "depressie", "angststoornissen"]
NAMES = ["GGZ", "Psychiatrisch Centrum", "Mentaal Beter", "GGZ Centraal", "Praktijk voor Psychologie", "Online Therapie",
         "Stichting Geestelijke Gezondheid", "PsyQ", "Zorggroep"]
# The contract an institution has with us, as years before the contract year (first, last):
# two years into the contract year, one year ended before it, or long ended.
CONTRACTS = {"twee_jaar": (1, 0), "een_jaar": (1, 1), "beeindigd": (3, 2)}


@dataclass
class Instelling:
    agb: str
    patients: int                 # patients of ours in the reference year
    contract: str | None = "twee_jaar"   # a key of CONTRACTS, or None: no contract ever
    application: D | None = None
    zorgsoort: str = "54"
    agb_einde: D | None = None
    failing: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    online: str = "none"          # none, all (all ten pass), partly (some codes), failing (all ten, one fails)
    wachttijden: bool = False
    only_costly_sggz: bool = False
    exact_threshold_patient: bool = False
    fixed_revenue: list[tuple[str, str]] = field(default_factory=list)  # (zorgtype, amount) per patient, exact


def planted(contract_year: int) -> list[Instelling]:
    """One institution per case worth seeing in the sample (AGB 54999xxx, easy to find)."""
    before = contract_year - 1
    return [
        Instelling("54999901", patients=0, fixed_revenue=[("BGGZ", "1000.00")] * 300),   # exactly 300 clients: offerte
        Instelling("54999902", patients=0, fixed_revenue=[("SGGZ", "25000.00")] * 40),   # exactly 1,000,000 revenue: offerte
        Instelling("54999903", patients=0, fixed_revenue=[("BGGZ", "1000.00")] * 299),   # 299 clients, small revenue: digitaal
        Instelling("54999904", patients=12, only_costly_sggz=True, contract="een_jaar"),  # only cost-intensive SGGZ patients
        Instelling("54999905", patients=60, exact_threshold_patient=True),               # a patient at exactly 30,000 stays in
        Instelling("54999906", patients=25, online="all"),                              # online maatwerk
        Instelling("54999907", patients=25, online="partly"),                           # online codes partly present
        Instelling("54999908", patients=30, failing=["GEEN_FRAUDEONDERZOEK"]),          # NIET_AANBIEDEN
        Instelling("54999909", patients=30, missing=["KWALITEITSSTATUUT_III"]),         # INDIVIDUELE_BEOORDELING
        Instelling("54999910", patients=0, contract=None, application=D(before, 5, 14)),  # new: DIGITAAL_AANBOD
        Instelling("54999911", patients=15, contract="beeindigd"),                      # GEEN_ACTIE
        Instelling("54999912", patients=40, contract="een_jaar", wachttijden=True),     # DIGITAAL_AANBOD, waiting times
        Instelling("54999913", patients=20, agb_einde=D(before, 10, 31)),               # AGB ends before the contract year: NIET_AANBIEDEN
        Instelling("54999914", patients=35, online="failing"),                          # all ten codes, one fails
    ]


def random_instelling(rng: random.Random, agb: str, contract_year: int, compliance: list[str]) -> Instelling:
    # Patient counts are heavy-tailed: most institutions are small, a few are regional giants.
    patients = int(min(2500, rng.lognormvariate(3.6, 1.2)))
    roll = rng.random()
    contract = "twee_jaar" if roll < 0.62 else "een_jaar" if roll < 0.85 else "beeindigd" if roll < 0.92 else None
    if patients > 250 and contract in (None, "beeindigd"):  # the large institutions all have an agreement with us
        contract = "een_jaar"
    application = None
    if contract in (None, "beeindigd") and rng.random() < 0.6:
        application = D(contract_year - 1, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
    failing = [rng.choice(compliance)] if rng.random() < 0.04 else []
    missing = [rng.choice(compliance)] if rng.random() < 0.03 else []
    online = "all" if rng.random() < 0.05 else "partly" if rng.random() < 0.04 else "none"
    return Instelling(agb, patients, contract, application, rng.choice(GGZ_ZORGSOORTEN), failing=failing, missing=missing,
                      online=online, wachttijden=rng.random() < 0.5)


def _money(value: float) -> str:
    return f"{value:.2f}"


class Writer:
    def __init__(self, rng: random.Random, policy: Policy):
        self.rng = rng
        self.contract_year = policy.parameters.contract_year
        self.reference_year = policy.parameters.reference_year
        self.compliance = [c.check for c in policy.model.compliance_checks]
        self.online = [c.check for c in policy.model.online_checks]
        self.rows: dict[str, list[dict]] = empty_rows(policy.domain)
        self.serial = 0
        self.vestiging_serial = 0

    def claim(self, agb: str, bsn: str, zorgtype: str, bedrag: str, einde: D) -> None:
        self.serial += 1
        start = einde - dt.timedelta(days=self.rng.randint(20, 365))
        self.rows["claims"].append({"declaratie_id": f"GGZ{self.serial:09d}", "instelling_agb": agb, "bsn": bsn,
                                    "zorgtype": zorgtype, "startdatum": start, "einddatum": einde, "declaratiebedrag": bedrag})

    def end_date(self, year: int | None = None) -> D:
        return D(year or self.reference_year, 1, 1) + dt.timedelta(days=self.rng.randint(0, 364))

    def add(self, inst: Instelling) -> None:
        rng, c = self.rng, self.contract_year
        plaats, base = rng.choice(PLACES)
        pc = f"{base + rng.randint(0, 89)}{rng.choice('ABCDEHJKLMNPRSTVWXZ')}{rng.choice('ABCDEHJKLMNPRSTVWXZ')}"
        naam = f"{rng.choice(NAMES)} {plaats} {inst.agb[-4:]}"
        self.rows["ondernemingen"].append({
            "agb_code": inst.agb, "naam": naam, "kvk_nummer": f"{rng.randint(10000000, 99999999)}",
            "zorgsoort": inst.zorgsoort, "organisatievorm": "instelling", "aanvang": D(c - 20, 1, 1), "einde": inst.agb_einde,
            "straat": rng.choice(STREETS), "huisnummer": str(rng.randint(1, 200)), "huisnummer_toevoeging": "",
            "postcode": pc, "plaats": plaats})
        for _ in range(1 + (inst.patients > 400) + (inst.patients > 1200)):
            self.vestiging_serial += 1
            vplaats, vbase = rng.choice(PLACES)
            self.rows["vestigingen"].append({
                "agb_code": f"97{self.vestiging_serial:06d}", "onderneming_agb": inst.agb, "naam": f"{naam} locatie {vplaats}",
                "straat": rng.choice(STREETS), "huisnummer": str(rng.randint(1, 200)), "huisnummer_toevoeging": "",
                "postcode": f"{vbase + rng.randint(0, 89)}AB", "plaats": vplaats, "aanvang": D(c - 20, 1, 1), "einde": ""})
        for check in self.compliance:
            if check in inst.missing:
                continue
            result = "fail" if check in inst.failing else "pass"
            self.rows["compliance_checks"].append({"onderneming_agb": inst.agb, "check": check, "result": result,
                                                   "peildatum": D(c - 1, 6, 15), "bron": "inkoopportaal"})
        online = {"all": self.online, "failing": self.online, "partly": self.online[:4]}.get(inst.online, [])
        for i, check in enumerate(online):
            result = "fail" if inst.online == "failing" and i == 5 else "pass"
            self.rows["compliance_checks"].append({"onderneming_agb": inst.agb, "check": check, "result": result,
                                                   "peildatum": D(c - 1, 6, 20), "bron": "vragenlijst online zorg"})
        if inst.contract:
            first, last = CONTRACTS[inst.contract]
            self.rows["contracts"].append({"praktijk_agb": inst.agb, "discipline": "ggz",
                                           "ingangsdatum": D(c - first, 1, 1), "einddatum": D(c - last, 12, 31)})
        if inst.application:
            self.rows["applications"].append({"praktijk_agb": inst.agb, "discipline": "ggz", "aanvraagdatum": inst.application})
        if inst.wachttijden:
            for groep in DIAGNOSEGROEPEN[:rng.randint(2, 5)]:
                for peildatum in (D(c - 2, 12, 1), D(c - 1, 6, 1)):
                    self.rows["wachttijden"].append({
                        "instelling_agb": inst.agb, "diagnosegroep": groep, "peildatum": peildatum,
                        "aanmeldingswachttijd_weken": f"{rng.uniform(1, 9):.1f}",
                        "behandelwachttijd_weken": f"{rng.uniform(4, 18):.1f}"})
        self.add_claims(inst)

    def add_claims(self, inst: Instelling) -> None:
        rng, r = self.rng, self.reference_year
        for zorgtype, bedrag in inst.fixed_revenue:
            self.claim(inst.agb, valid_bsn(rng), zorgtype, bedrag, self.end_date())
        if inst.exact_threshold_patient:
            self.claim(inst.agb, valid_bsn(rng), "SGGZ", "30000.00", self.end_date())
        for _ in range(inst.patients):
            bsn = valid_bsn(rng)
            if inst.only_costly_sggz:
                self.claim(inst.agb, bsn, "SGGZ", _money(rng.uniform(31000, 90000)), self.end_date())
                continue
            roll = rng.random()
            zorgtype = "BGGZ" if roll < 0.38 else "SGGZ" if roll < 0.96 else "LGGZ"
            for _ in range(1 if rng.random() < 0.75 else 2):
                amount = {"BGGZ": rng.uniform(450, 1900), "LGGZ": rng.uniform(35000, 110000),
                          "SGGZ": min(rng.lognormvariate(8.4, 0.9), 140000)}[zorgtype]
                einde = self.end_date()
                self.claim(inst.agb, bsn, zorgtype, _money(amount), einde)
                if rng.random() < 0.04:  # a correction: credit the line and declare it again, lower
                    self.claim(inst.agb, bsn, zorgtype, _money(-amount), einde)
                    self.claim(inst.agb, bsn, zorgtype, _money(amount * 0.9), einde)
            if rng.random() < 0.25:  # care that ended in another year does not count for the reference year
                self.claim(inst.agb, bsn, zorgtype, _money(rng.uniform(450, 4000)), self.end_date(rng.choice([r - 1, r + 1])))


def write_claims_parquet(path: Path, rows: list[dict]) -> None:
    pq.write_table(pa.table({
        "declaratie_id": [r["declaratie_id"] for r in rows],
        "instelling_agb": [r["instelling_agb"] for r in rows],
        "bsn": [r["bsn"] for r in rows],
        "zorgtype": [r["zorgtype"] for r in rows],
        "startdatum": pa.array([r["startdatum"] for r in rows], pa.date32()),
        "einddatum": pa.array([r["einddatum"] for r in rows], pa.date32()),
        "declaratiebedrag": pa.array([Decimal(r["declaratiebedrag"]) for r in rows], pa.decimal128(12, 2)),
    }), path)


def generate(policy: Policy, seed: int, size: str | int, output: Path) -> dict[str, int]:
    """Write a synthetic GGZ bundle for the policy to output; returns rows written per file."""
    rng = random.Random(seed)
    count = SIZES[size] if isinstance(size, str) else int(size)
    writer = Writer(rng, policy)
    institutions = planted(writer.contract_year) if size == "sample" else []
    serial = 0
    while len(institutions) < count:
        serial += 1
        institutions.append(random_instelling(rng, f"{rng.choice(GGZ_ZORGSOORTEN)}{serial:06d}", writer.contract_year,
                                              writer.compliance))
    for inst in institutions:
        writer.add(inst)
    # Ondernemingen that are not GGZ-instellingen: in the register, but no unit of this run.
    for n in range(1, 6):
        writer.rows["ondernemingen"].append({
            "agb_code": f"04{n:06d}", "naam": f"Fysiotherapie {n}", "kvk_nummer": f"{rng.randint(10000000, 99999999)}",
            "zorgsoort": "04", "organisatievorm": "praktijk", "aanvang": D(writer.contract_year - 11, 1, 1), "einde": "",
            "straat": "Kerkstraat", "huisnummer": str(n), "huisnummer_toevoeging": "", "postcode": "3511AB", "plaats": "Utrecht"})
    counts = write_bundle_csvs(policy.domain, writer.rows, output)
    claims = writer.rows["claims"]
    half = len(claims) // 2
    claims_dir = output / "claims"
    write_csv(claims_dir / "ggz_declaraties_deel1.csv", columns(policy.domain, "claims"), claims[:half])
    write_claims_parquet(claims_dir / "ggz_declaraties_deel2.parquet", claims[half:])
    counts["claims/ggz_declaraties_deel1.csv"] = half
    counts["claims/ggz_declaraties_deel2.parquet"] = len(claims) - half
    return counts
