"""The pandas baseline: ingest and selection written the way a pandas user would.

read_csv for the registries, read_parquet for extracts, read_fwf for PM304, then the main
rules and the decision table in pandas. It is a yardstick for bench/run.py, not a second
implementation of the policy: it skips validation, quarantine and the detail texts.
"""

import json
import sys
import time
from pathlib import Path

import pandas as pd

PEILDATUM, CONTRACT_START = pd.Timestamp("2023-09-01"), pd.Timestamp("2024-01-01")
PRIOR = (pd.Timestamp("2023-01-01"), pd.Timestamp("2023-12-31"))
DEADLINE = pd.Timestamp("2023-10-01")
ZORGSOORT = {"04": "fysiotherapie", "07": "oefentherapie", "05": "logopedie", "88": "ergotherapie",
             "24": "dietetiek", "26": "voetzorg", "96": "voetzorg"}
LISTS = {"073": "fysiotherapie", "074": "oefentherapie", "075": "huidtherapie", "076": "dietetiek",
         "077": "ergotherapie", "078": "logopedie", "080": "voetzorg"}
# PM304 fields (0-based, end exclusive) from the v3.2 layout.
FWF = {"record": (0, 2), "praktijk": (46, 54), "bsn": (14, 23), "datum": (58, 66), "lijst": (66, 69),
       "code": (69, 75), "aantal": (75, 79), "zorgverlener": (127, 135), "bedrag": (182, 190), "teken": (190, 191)}


def read(bundle: Path, rel: str) -> pd.DataFrame:
    return pd.read_csv(bundle / rel, dtype=str, keep_default_na=False, na_values=[""])


def ingest(bundle: Path) -> dict[str, pd.DataFrame]:
    names = ["agb/ondernemingen.csv", "agb/vestigingen.csv", "agb/zorgverleners.csv", "agb/relaties.csv",
             "registers/big.csv", "registers/ckr.csv", "registers/kwaliteitsregister_paramedici.csv",
             "compliance/checks.csv", "behandelindex/behandelindex.csv", "contracts/contracts.csv",
             "applications/applications.csv"]
    data = {Path(n).stem: read(bundle, n) for n in names}
    parts = []
    for path in sorted((bundle / "claims").iterdir()):
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            frame["declaratiebedrag"] = frame["declaratiebedrag"].astype(float)
        elif path.suffix == ".csv":
            frame = pd.read_csv(path, dtype=str)
            frame["declaratiebedrag"] = frame["declaratiebedrag"].astype(float)
        else:
            fwf = pd.read_fwf(path, colspecs=list(FWF.values()), names=list(FWF), dtype=str, header=None,
                              encoding="latin-1")
            fwf["praktijk"] = fwf["praktijk"].where(fwf["record"] == "01").ffill()
            lines = fwf[fwf["record"] == "04"]
            sign = lines["teken"].map({"C": -1, "D": 1})
            frame = pd.DataFrame({"praktijk_agb": lines["praktijk"], "zorgverlener_agb": lines["zorgverlener"],
                                  "bsn": lines["bsn"], "datum_prestatie": pd.to_datetime(lines["datum"], format="%Y%m%d"),
                                  "prestatiecodelijst": lines["lijst"], "declaratiebedrag": lines["bedrag"].astype(int) * sign / 100})
        frame["datum_prestatie"] = pd.to_datetime(frame["datum_prestatie"])
        parts.append(frame[["praktijk_agb", "zorgverlener_agb", "bsn", "datum_prestatie", "prestatiecodelijst", "declaratiebedrag"]])
    data["claims"] = pd.concat(parts, ignore_index=True)
    for frame in data.values():
        for column in frame.columns:
            if column in ("aanvang", "einde", "geldig_van", "geldig_tot", "peildatum", "ingangsdatum", "einddatum", "aanvraagdatum"):
                frame[column] = pd.to_datetime(frame[column])
    return data


def valid(frame, start, end):
    return (frame[start] <= PEILDATUM) & (frame[end].isna() | (frame[end] >= PEILDATUM))


def select(d: dict[str, pd.DataFrame]) -> pd.DataFrame:
    zv = d["zorgverleners"]
    zv["discipline"] = zv["zorgsoort"].map(ZORGSOORT)
    zv.loc[(zv["zorgsoort"] == "90") & zv["kwalificaties"].fillna("").str.contains("9013|9031"), "discipline"] = "huidtherapie"
    zv.loc[(zv["zorgsoort"] == "90") & zv["kwalificaties"].fillna("").str.contains("9036"), "discipline"] = "voetzorg"
    vest = d["vestigingen"][valid(d["vestigingen"], "aanvang", "einde")]
    rel = d["relaties"][valid(d["relaties"], "aanvang", "einde")]
    active = (rel.merge(vest, left_on="vestiging_agb", right_on="agb_code")
                 .merge(zv[valid(zv, "aanvang", "einde")], left_on="zorgverlener_agb", right_on="agb_code", suffixes=("", "_zv")))
    active = active[["onderneming_agb", "zorgverlener_agb", "discipline", "big_nummer", "kp_nummer"]].rename(columns={"onderneming_agb": "praktijk_agb"})
    claims = d["claims"]
    claims["discipline"] = claims["prestatiecodelijst"].map(LISTS).fillna(claims["zorgverlener_agb"].str[:2].map(ZORGSOORT))
    units = pd.concat([active[["praktijk_agb", "discipline"]], d["contracts"][["praktijk_agb", "discipline"]],
                       d["applications"][["praktijk_agb", "discipline"]], claims[["praktijk_agb", "discipline"]]]).dropna().drop_duplicates()
    ond = d["ondernemingen"].set_index("agb_code")
    units["agb_actief"] = units["praktijk_agb"].map((ond["aanvang"] <= PEILDATUM) & (ond["einde"].isna() | (ond["einde"] >= CONTRACT_START))).fillna(False)
    counts = active.groupby(["praktijk_agb", "discipline"]).size().rename("zorgverleners")
    units = units.merge(counts, on=["praktijk_agb", "discipline"], how="left")
    big = d["big"][valid(d["big"], "aanvang", "einde") & (d["big"]["status"] == "ingeschreven")]["big_nummer"]
    ckr = d["ckr"][valid(d["ckr"], "geldig_van", "geldig_tot")]["big_nummer"]
    kp = d["kwaliteitsregister_paramedici"]
    kp = kp[valid(kp, "geldig_van", "geldig_tot") & kp["register"].isin(["kwaliteitsregister", "diplomaregister"])]["kp_nummer"]
    active["registered"] = active["big_nummer"].isin(big) & active["big_nummer"].isin(ckr)
    active.loc[active["discipline"] != "fysiotherapie", "registered"] = active["kp_nummer"].isin(kp)
    unregistered = active[~active["registered"]].groupby(["praktijk_agb", "discipline"]).size().rename("unregistered")
    units = units.merge(unregistered, on=["praktijk_agb", "discipline"], how="left")
    checks = d["checks"].sort_values("peildatum").groupby(["onderneming_agb", "check"]).tail(1)
    fails = checks[checks["result"] == "fail"].groupby("onderneming_agb").size()
    present = checks.groupby("onderneming_agb").size()
    units["compliance_fail"] = units["praktijk_agb"].map(fails).fillna(0) > 0
    units["compliance_missing"] = units["praktijk_agb"].map(present).fillna(0) < 16
    bi = d["behandelindex"][d["behandelindex"]["jaar"] == "2022"].sort_values("versie").groupby("praktijk_agb").tail(1).set_index("praktijk_agb")
    units["bi"] = units["praktijk_agb"].map(bi["bi"].astype(float))
    units["patienten"] = units["praktijk_agb"].map(bi["aantal_patienten"].astype(float))
    fysio = units["discipline"] == "fysiotherapie"
    units["fail"] = (~units["agb_actief"]) | units["zorgverleners"].isna() | units["unregistered"].notna() | units["compliance_fail"] \
        | (fysio & (units["bi"] >= 150))
    units["review"] = units["compliance_missing"] | (fysio & units["bi"].isna())
    contracts = d["contracts"]
    prior = contracts[(contracts["ingangsdatum"] <= PRIOR[1]) & (contracts["einddatum"].isna() | (contracts["einddatum"] >= PRIOR[0]))]
    declared = claims[(claims["declaratiebedrag"] >= 0) & claims["datum_prestatie"].between(*PRIOR)]
    key = lambda f: f["praktijk_agb"] + "|" + f["discipline"]  # noqa: E731
    units["prior_contract"] = key(units).isin(key(prior))
    units["declared"] = key(units).isin(key(declared.dropna(subset=["discipline"])))
    applied = d["applications"].groupby(["praktijk_agb", "discipline"])["aanvraagdatum"].min().rename("aanvraagdatum")
    units = units.merge(applied, on=["praktijk_agb", "discipline"], how="left")

    def outcome(u):
        on_time = pd.notna(u.aanvraagdatum) and u.aanvraagdatum < DEADLINE
        if (u.prior_contract and u.declared) or on_time:
            if u.fail:
                return "NIET_AANBIEDEN"
            if u.review:
                return "INDIVIDUELE_BEOORDELING"
            return "PROACTIEF_AANBOD" if u.prior_contract and u.declared else ("AANBOD_OP_AANVRAAG" if u.prior_contract else "ZORGPLICHTTOETS")
        return "AANVRAAG_TE_LAAT" if pd.notna(u.aanvraagdatum) else "GEEN_ACTIE"

    units["outcome"] = units.apply(outcome, axis=1)
    return units


def main() -> int:
    bundle, out = Path(sys.argv[1]), sys.argv[2]
    start = time.perf_counter()
    data = ingest(bundle)
    ingest_s = time.perf_counter() - start
    rows = sum(len(f) for f in data.values())
    start = time.perf_counter()
    units = select(data)
    select_s = time.perf_counter() - start
    Path(out).write_text(json.dumps({"ingest": ingest_s, "select": select_s, "rows": rows, "units": len(units),
                                     "outcomes": units["outcome"].value_counts().to_dict()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
