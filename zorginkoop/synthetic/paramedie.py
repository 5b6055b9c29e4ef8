"""A realistic synthetic input bundle for the paramedical selection run.

Deterministic for a seed and a policy. It covers what real registries hold: a behandel-index
around 100 with a right tail, practices from one caregiver to dozens, practices with several
disciplines, instellingen, ended AGB records, expired registrations, failed and missing
compliance checks, credits among the claims, and applications that come in late. A few planted
practices (AGB codes x9999xx) sit exactly on the policy's boundaries, so tests and analysts can
point at them by name.

Every date comes from the policy file: contracts and claims in its prior_year, the behandel-index
of its bi_year, registrations around its peildatum, applications around its application_deadline.
Dates that only have to lie well before (registered in the past) are whole years before the prior
year; the boundaries are the policy's own dates.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from zorginkoop.engine.policy import Policy
from zorginkoop.synthetic.files import columns, empty_rows, write_bundle_csvs, write_csv
from zorginkoop.synthetic.people import PLACES, STREETS, SURNAMES, valid_bsn
from zorginkoop.synthetic.pm304 import write_pm304_files
from zorginkoop.synthetic.tariffs import PRESTATIECODES, TARIEF, generic_prestatiecodelijst, prestatiecodelijst

D = dt.date
DAY = dt.timedelta(days=1)
# practices, and for the large scales (claims in DuckDB) claim lines and insured people.
SCALES = {"sample": 220, "small": 60, "insurer": 25_000, "market": 25_000}
LARGE_SCALES = {"insurer": (2_000_000, 750_000), "market": (20_000_000, 750_000)}

DISCIPLINES = {  # discipline: (share of praktijken, zorgsoort of caregivers, kwalificatie for zorgsoort 90)
    "fysiotherapie": (0.55, "04", None),
    "oefentherapie": (0.05, "07", None),
    "logopedie": (0.12, "05", None),
    "ergotherapie": (0.05, "88", None),
    "dietetiek": (0.10, "24", None),
    "huidtherapie": (0.04, "90", "9013"),
    "voetzorg": (0.09, "26", None),
}
# Specialist kwalificaties some caregivers hold (a part of what the policy lists).
SPECIALIST = {"logopedie": ["0503", "0504", "0506"], "oefentherapie": ["0703", "0705", "0719"],
              "ergotherapie": ["8802", "8803"]}


@dataclass(frozen=True)
class Dates:
    """The policy's dates the bundle is written around."""

    prior_year: int           # contracts and claims
    bi_year: int              # the behandel-index the rule reads
    peildatum: D
    application_deadline: D
    contract_start: D
    running_years: dict[str, int]  # discipline: years a contract runs after its first (0: one year)

    @classmethod
    def of(cls, policy: Policy) -> "Dates":
        p = policy.parameters
        running = {t.discipline: t.einddatum.year - t.ingangsdatum.year for t in policy.model.contract_terms}
        return cls(p.prior_year, p.bi_year, p.peildatum, p.application_deadline, p.contract_start, running)


@dataclass
class Practice:
    """One planned onderneming and how it should look in every registry."""

    agb: str
    disciplines: list[str]
    instelling: bool = False
    caregivers_per_discipline: int = 3
    prior_contract: bool = True
    declared: bool = True
    only_credits: bool = False
    bi: float | None = 100.0
    bi_versions: tuple[str, ...] = ("V1", "V2", "V3")
    aantal_patienten: int | None = 250
    has_bi_row: bool = True
    application: D | None = None
    agb_einde: D | None = None
    agb_aanvang: D | None = None  # None: registered long ago
    compliance_fail: str | None = None
    compliance_missing: str | None = None
    compliance_history: bool = False
    big_problem: str | None = None  # "doorgehaald", "missing", "expired"
    ckr_missing: bool = False
    kp_missing: bool = False
    deelregister_missing: bool = False
    specialist: bool = False
    naam_missing: bool = False
    caregiver_ended: bool = False
    extra: dict = field(default_factory=dict)


class BundleWriter:
    """Turns planned practices into the rows of every input file."""

    def __init__(self, rng: random.Random, policy: Policy, claims_in_duckdb: bool = False):
        self.rng = rng
        self.dates = Dates.of(policy)
        self.compliance = [c.check for c in policy.model.compliance_checks]
        self.claims_in_duckdb = claims_in_duckdb
        self.claim_units: list[tuple] = []
        self.rows: dict[str, list[dict]] = empty_rows(policy.domain)
        self.claims: list[dict] = []
        self.serial = {}
        self.pc4s: set[str] = set()
        self.caregivers: dict[tuple[str, str], list[str]] = {}
        self.lists = prestatiecodelijst()
        self.generic_list = generic_prestatiecodelijst()

    def next_agb(self, zorgsoort: str) -> str:
        self.serial[zorgsoort] = self.serial.get(zorgsoort, 0) + 1
        return f"{zorgsoort}{self.serial[zorgsoort]:06d}"

    def address(self) -> dict:
        plaats, base = self.rng.choice(PLACES)
        pc4 = str(base + self.rng.randint(0, 89))
        self.pc4s.add(pc4)
        letters = "".join(self.rng.choice("ABCDEHJKLMNPRSTVWXZ") for _ in range(2))
        return {"straat": self.rng.choice(STREETS), "huisnummer": str(self.rng.randint(1, 250)),
                "huisnummer_toevoeging": self.rng.choice(["", "", "", "A", "bis"]),
                "postcode": pc4 + letters, "plaats": plaats}

    def add(self, p: Practice) -> None:
        rng, y = self.rng, self.dates.prior_year
        aanvang = p.agb_aanvang or D(y - 13, 1, 1)
        adres = self.address()
        main = "instelling" if p.instelling else p.disciplines[0]
        zorgsoort = "90" if p.instelling else DISCIPLINES[p.disciplines[0]][1]
        naam_soort = {"instelling": "Paramedisch Centrum"}.get(main, main.capitalize() + "praktijk")
        self.rows["ondernemingen"].append({
            "agb_code": p.agb, "naam": "" if p.naam_missing else f"{naam_soort} {adres['plaats']} {p.agb[-4:]}",
            "kvk_nummer": f"{rng.randint(10000000, 99999999)}", "zorgsoort": zorgsoort,
            "organisatievorm": "instelling" if p.instelling else "praktijk",
            "aanvang": aanvang, "einde": p.agb_einde, **adres})
        vestigingen = []
        for i in range(1 if rng.random() < 0.7 else rng.randint(2, 3)):
            vest_agb = self.next_agb("98")
            vest_adres = adres if i == 0 else self.address()
            self.rows["vestigingen"].append({
                "agb_code": vest_agb, "onderneming_agb": p.agb,
                "naam": f"{naam_soort} {vest_adres['plaats']} {p.agb[-4:]}" + (f" locatie {i + 1}" if i else ""),
                **vest_adres, "aanvang": aanvang, "einde": p.agb_einde})
            vestigingen.append(vest_agb)
        if rng.random() < 0.05:  # a closed location: not active, not in the zorgzoeker
            closed = self.next_agb("98")
            self.rows["vestigingen"].append({"agb_code": closed, "onderneming_agb": p.agb,
                                             "naam": f"{naam_soort} oude locatie", **self.address(),
                                             "aanvang": D(y - 11, 1, 1), "einde": D(y - 1, 12, 31)})

        disciplines = list(DISCIPLINES) if p.instelling else p.disciplines
        for discipline in disciplines:
            for k in range(p.caregivers_per_discipline):
                self.add_caregiver(p, discipline, rng.choice(vestigingen), first=(k == 0))

        self.add_compliance(p)
        if "fysiotherapie" in p.disciplines and not p.instelling:
            self.add_behandelindex(p)
        unit_disciplines = ["instelling"] if p.instelling else p.disciplines
        for discipline in unit_disciplines:
            if p.prior_contract:  # as long as the policy's term: a multi-year one still runs in the contract year
                self.rows["contracts"].append({"praktijk_agb": p.agb, "discipline": discipline,
                                               "ingangsdatum": D(y, 1, 1),
                                               "einddatum": D(y + self.dates.running_years[discipline], 12, 31)})
            elif rng.random() < 0.2:  # an old contract that ended before the prior year
                self.rows["contracts"].append({"praktijk_agb": p.agb, "discipline": discipline,
                                               "ingangsdatum": D(y - 3, 1, 1), "einddatum": D(y - 1, 12, 31)})
            if p.application:
                self.rows["applications"].append({"praktijk_agb": p.agb, "discipline": discipline,
                                                  "aanvraagdatum": p.application})
        if p.declared or p.only_credits:
            for discipline in disciplines:
                self.add_claims(p, discipline)

    def add_caregiver(self, p: Practice, discipline: str, vestiging: str, first: bool) -> None:
        rng, y = self.rng, self.dates.prior_year
        _, zorgsoort, kwalificatie = DISCIPLINES[discipline]
        if discipline == "voetzorg" and rng.random() < 0.3:
            zorgsoort, kwalificatie = "90", "9036"
        agb = self.next_agb(zorgsoort)
        self.caregivers.setdefault((p.agb, discipline), []).append(agb)
        kwalificaties = [kwalificatie] if kwalificatie else []
        specialist = discipline in SPECIALIST and (p.specialist and first or rng.random() < 0.1)
        if specialist:
            kwalificaties.append(rng.choice(SPECIALIST[discipline]))
        big = f"{rng.randint(10**10, 10**11 - 1)}" if discipline == "fysiotherapie" else ""
        kp = f"{rng.randint(10**7, 10**8 - 1)}" if discipline != "fysiotherapie" else ""
        ended = p.caregiver_ended and not first
        self.rows["zorgverleners"].append({
            "agb_code": agb, "voorletters": rng.choice(["A.", "J.", "M.", "P.", "S.", "E.M."]),
            "tussenvoegsel": "", "achternaam": rng.choice(SURNAMES), "zorgsoort": zorgsoort,
            "kwalificaties": ";".join(kwalificaties), "big_nummer": big, "kp_nummer": kp,
            "aanvang": D(y - 8, 3, 1), "einde": D(y, 5, 31) if ended else None})
        self.rows["relaties"].append({"zorgverlener_agb": agb, "vestiging_agb": vestiging,
                                      "aanvang": D(y - 8, 3, 1), "einde": None})
        if discipline == "fysiotherapie":
            problem = p.big_problem if first else None
            if problem != "missing":  # an expired registration ends the day before the peildatum
                self.rows["big"].append({"big_nummer": big, "beroep": "fysiotherapeut",
                                         "status": "doorgehaald" if problem == "doorgehaald" else "ingeschreven",
                                         "aanvang": D(y - 9, 6, 1),
                                         "einde": self.dates.peildatum - DAY if problem == "expired" else None})
            if not (p.ckr_missing and first):
                self.rows["ckr"].append({"big_nummer": big, "register": rng.choice(["basis", "basis", "deel", "aantekening"]),
                                         "naam": "Fysiotherapeut", "geldig_van": D(y - 4, 1, 1),
                                         "geldig_tot": D(y + 1, 12, 31)})
        else:
            if not (p.kp_missing and first):
                self.rows["kwaliteitsregister_paramedici"].append({
                    "kp_nummer": kp, "beroep": discipline, "register": rng.choice(["kwaliteitsregister", "kwaliteitsregister", "diplomaregister"]),
                    "kwalificatie": "", "geldig_van": D(y - 3, 1, 1), "geldig_tot": D(y + 1, 12, 31)})
            for code in kwalificaties[1:] if kwalificatie else kwalificaties:
                if not (p.deelregister_missing and first):
                    self.rows["kwaliteitsregister_paramedici"].append({
                        "kp_nummer": kp, "beroep": discipline, "register": "deelregister", "kwalificatie": code,
                        "geldig_van": D(y - 2, 1, 1), "geldig_tot": D(y + 2, 12, 31)})

    def add_compliance(self, p: Practice) -> None:
        y = self.dates.prior_year
        for check in self.compliance:
            if check == p.compliance_missing:
                continue
            if p.compliance_history and check == "VECOZO_CERTIFICAAT":  # an old fail, fixed later: latest counts
                self.rows["compliance_checks"].append({"onderneming_agb": p.agb, "check": check, "result": "fail",
                                                       "peildatum": D(y - 1, 9, 1), "bron": "VECOZO"})
            self.rows["compliance_checks"].append({
                "onderneming_agb": p.agb, "check": check, "result": "fail" if check == p.compliance_fail else "pass",
                "peildatum": D(y, 8, 15), "bron": "inkoopcontrole"})

    def add_behandelindex(self, p: Practice) -> None:
        bi_year = self.dates.bi_year
        self.rows["behandelindex"].append({"praktijk_agb": p.agb, "jaar": bi_year - 1, "versie": "V3",
                                           "bi": round(self.rng.lognormvariate(math.log(100), 0.25), 2),
                                           "aantal_patienten": p.aantal_patienten})
        if not p.has_bi_row:
            return
        for i, versie in enumerate(p.bi_versions):
            final = i == len(p.bi_versions) - 1
            bi = p.bi if final or p.bi is None else round(p.bi * self.rng.uniform(0.95, 1.05), 2)
            self.rows["behandelindex"].append({"praktijk_agb": p.agb, "jaar": bi_year, "versie": versie,
                                               "bi": bi, "aantal_patienten": p.aantal_patienten})

    def add_claims(self, p: Practice, discipline: str) -> None:
        rng, y = self.rng, self.dates.prior_year
        caregivers = self.caregivers.get((p.agb, discipline), [])
        if not caregivers:
            return
        if self.claims_in_duckdb:  # large scales: the lines themselves are made in DuckDB
            self.claim_units.append((p.agb, discipline, caregivers, p.only_credits))
            return
        n = rng.randint(5, 40) * max(1, p.caregivers_per_discipline)
        for _ in range(n):
            credit = p.only_credits or rng.random() < 0.02
            year = y if rng.random() < 0.9 else y - 1
            datum = D(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
            generic = rng.random() < 0.15
            aantal = 1 if rng.random() < 0.9 else 2
            bedrag = round(TARIEF[discipline] * aantal, 2) * (-1 if credit else 1)
            self.claims.append({
                "declaratie_id": f"D{len(self.claims) + 1:09d}", "praktijk_agb": p.agb,
                "zorgverlener_agb": rng.choice(caregivers), "bsn": valid_bsn(rng), "datum_prestatie": datum,
                "prestatiecodelijst": self.generic_list if generic else self.lists[discipline],
                "prestatiecode": rng.choice(PRESTATIECODES[discipline]), "aantal": aantal,
                "declaratiebedrag": f"{bedrag:.2f}", "uzovi": rng.choice(["3311", "3313", "3335"])})


def planted_practices(dates: Dates) -> list[Practice]:
    """Named practices on the policy's boundaries (AGB codes 0x9999xx)."""
    y, deadline = dates.prior_year, dates.application_deadline
    return [
        Practice("04999901", ["fysiotherapie"], bi=149.99),                        # PROACTIEF_AANBOD
        Practice("04999902", ["fysiotherapie"], bi=150.00),                        # NIET_AANBIEDEN: BEHANDELINDEX
        Practice("04999903", ["fysiotherapie"], bi=None, aantal_patienten=29),     # REVIEW_KLEINE_PRAKTIJK
        Practice("04999904", ["fysiotherapie"], bi=None, aantal_patienten=30),     # REVIEW_BI_ONTBREEKT
        Practice("04999905", ["fysiotherapie"], prior_contract=False, declared=False,
                 application=deadline - DAY),                                     # ZORGPLICHTTOETS
        Practice("04999906", ["fysiotherapie"], prior_contract=False, declared=False,
                 application=deadline),                                           # AANVRAAG_TE_LAAT
        Practice("05999907", ["logopedie"], declared=False, application=D(y, 6, 1)),     # AANBOD_OP_AANVRAAG
        Practice("05999908", ["logopedie"], compliance_fail="GEEN_FRAUDEONDERZOEK"),     # NIET_AANBIEDEN
        Practice("07999909", ["oefentherapie"], compliance_missing="UBO_BEKEND"),         # INDIVIDUELE_BEOORDELING
        Practice("90999910", [], instelling=True, caregivers_per_discipline=1),           # instelling PROACTIEF_AANBOD
        Practice("04999911", ["fysiotherapie", "oefentherapie"], bi=98.0),                # multi-discipline
        Practice("04999912", ["fysiotherapie"], agb_einde=dates.contract_start - DAY),    # NIET_AANBIEDEN: AGB_ACTIEF
        Practice("24999913", ["dietetiek"], only_credits=True, declared=False),           # GEEN_ACTIE (geen declaraties)
    ]


def random_practice(rng: random.Random, agb: str, discipline: str, dates: Dates, compliance: list[str]) -> Practice:
    y = dates.prior_year
    disciplines = [discipline]
    if rng.random() < 0.1:
        disciplines.append(rng.choice([d for d in DISCIPLINES if d != discipline]))
    size = max(1, min(40, int(rng.lognormvariate(math.log(3), 0.8))))
    contracted = rng.random() < 0.85
    p = Practice(agb, disciplines, caregivers_per_discipline=size, prior_contract=contracted,
                 declared=contracted and rng.random() < 0.93,
                 bi=round(rng.lognormvariate(math.log(100), 0.28), 2),
                 aantal_patienten=int(rng.lognormvariate(math.log(60 * size), 0.5)))
    if rng.random() < 0.04:
        p.bi, p.aantal_patienten = None, rng.randint(3, 60)
    if rng.random() < 0.03:
        p.has_bi_row = False
    if rng.random() < 0.2:
        p.bi_versions = rng.choice([("V1",), ("V1", "V2")])
    if not contracted and rng.random() < 0.6:
        p.application = D(y, 6, 1) + dt.timedelta(days=rng.randint(0, 150))  # some after the deadline
    elif contracted and not p.declared and rng.random() < 0.5:
        p.application = D(y, 7, 1) + dt.timedelta(days=rng.randint(0, 60))
    roll = rng.random()
    if roll < 0.03:
        p.agb_einde = D(y, rng.randint(1, 12), 28)
    elif roll < 0.05:
        p.agb_aanvang = D(y, 10, 15)  # registered after the peildatum
    p.compliance_fail = rng.choice(compliance) if rng.random() < 0.03 else None
    p.compliance_missing = rng.choice(compliance) if rng.random() < 0.02 else None
    p.compliance_history = rng.random() < 0.05
    p.big_problem = rng.choice(["doorgehaald", "missing", "expired"]) if rng.random() < 0.03 else None
    p.ckr_missing = rng.random() < 0.02
    p.kp_missing = rng.random() < 0.02
    p.specialist = rng.random() < 0.15
    p.deelregister_missing = p.specialist and rng.random() < 0.2
    p.naam_missing = rng.random() < 0.01
    p.caregiver_ended = rng.random() < 0.1
    return p


def plan(seed: int, practices: int, policy: Policy) -> tuple[random.Random, list[Practice]]:
    rng = random.Random(seed)
    dates = Dates.of(policy)
    compliance = [c.check for c in policy.model.compliance_checks]
    planned = planted_practices(dates)
    names, weights = list(DISCIPLINES), [v[0] for v in DISCIPLINES.values()]
    serial = {}
    for _ in range(practices):
        if rng.random() < 0.02:
            serial["90"] = serial.get("90", 0) + 1
            planned.append(Practice(f"90{serial['90']:06d}", [], instelling=True,
                                    caregivers_per_discipline=rng.randint(1, 3),
                                    prior_contract=rng.random() < 0.8))
            continue
        discipline = rng.choices(names, weights)[0]
        zorgsoort = DISCIPLINES[discipline][1]
        serial[zorgsoort] = serial.get(zorgsoort, 0) + 1
        planned.append(random_practice(rng, f"{zorgsoort}{serial[zorgsoort]:06d}", discipline, dates, compliance))
    return rng, planned


def write_claims_parquet(path: Path, rows: list[dict]) -> None:
    table = pa.table({
        "declaratie_id": [r["declaratie_id"] for r in rows],
        "praktijk_agb": [r["praktijk_agb"] for r in rows],
        "zorgverlener_agb": [r["zorgverlener_agb"] for r in rows],
        "bsn": [r["bsn"] for r in rows],
        "datum_prestatie": pa.array([r["datum_prestatie"] for r in rows], pa.date32()),
        "prestatiecodelijst": [r["prestatiecodelijst"] for r in rows],
        "prestatiecode": [r["prestatiecode"] for r in rows],
        "aantal": pa.array([r["aantal"] for r in rows], pa.int32()),
        "declaratiebedrag": pa.array([Decimal(r["declaratiebedrag"]) for r in rows], pa.decimal128(12, 2)),
        "uzovi": [r["uzovi"] for r in rows],
    })
    pq.write_table(table, path)


def generate(policy: Policy, seed: int, size: str | int, output: Path) -> dict[str, int]:
    """Write a synthetic bundle for the policy to output; returns rows written per file."""
    practices = SCALES[size] if isinstance(size, str) else int(size)
    rng, planned = plan(seed, practices, policy)
    writer = BundleWriter(rng, policy, claims_in_duckdb=size in LARGE_SCALES)
    for practice in planned:
        writer.add(practice)
    writer.rows["insured_pc4"] = [{"pc4": pc4, "aantal_verzekerden": rng.randint(200, 4000)}
                                  for pc4 in sorted(writer.pc4s)]
    counts = write_bundle_csvs(policy.domain, writer.rows, output)
    year = writer.dates.prior_year
    if size in LARGE_SCALES:
        import duckdb

        from zorginkoop.synthetic.scale_claims import generate_claims

        total, insured = LARGE_SCALES[size]
        with duckdb.connect() as con:
            con.execute("set preserve_insertion_order = true")
            con.execute("set enable_progress_bar = false")
            counts.update(generate_claims(con, writer.claim_units, seed, total, insured, output / "claims",
                                          pm304_share=0.5, year=year))
        return counts
    # A third of the claims each as CSV extract, Parquet extract and Vektis PM304 files.
    third = len(writer.claims) // 3
    claims_dir = output / "claims"
    claims_dir.mkdir(parents=True, exist_ok=True)
    write_csv(claims_dir / f"claims_{year}_deel1.csv", columns(policy.domain, "claims"), writer.claims[:third])
    write_claims_parquet(claims_dir / f"claims_{year}_deel2.parquet", writer.claims[third:2 * third])
    counts[f"claims/claims_{year}_deel1.csv"] = third
    counts[f"claims/claims_{year}_deel2.parquet"] = third
    counts.update(write_pm304_files(claims_dir, writer.claims[2 * third:], rng, year))
    return counts
