"""`zorginkoop run --policy ggz-2021` on the committed GGZ sample, through the real Prefect flow,
and the analysts' tools (report, workbook, explain, what-if, diff, claims load) on its run."""

from __future__ import annotations

import csv
import json
import random
import re
import shutil

import duckdb
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from zorginkoop.cli import app
from zorginkoop.domains.ggz import SHEETS
from zorginkoop.paths import PROJECT_ROOT

from .golden import decisions_as_rows, read_golden
from .test_end_to_end import readable_text

SAMPLE = PROJECT_ROOT / "data" / "sample-ggz"
OUTPUTS = ["case_reviews", "decisions", "digitale_aanbiedingen", "offerte_uitnodigingen", "quarantine", "rule_results", "zorgzoeker"]


def cli(*args):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def ggz_run(prefect_server, tmp_path_factory):
    out = tmp_path_factory.mktemp("ggz-e2e") / "out"
    result = cli("run", "--policy", "ggz-2021", "--output", str(out))  # --input defaults to the policy's sample
    assert result.exit_code == 0, result.output + repr(result.exception)
    return out, result.output


def test_outputs_of_the_contract_are_written(ggz_run):
    out, stdout = ggz_run
    for name in OUTPUTS:
        assert (out / f"{name}.parquet").is_file(), name
    for name in ("manifest.json", "report.html", "selectie.xlsx", "zorginkoop.duckdb", "data_docs/index.html"):
        assert (out / name).is_file(), name
    assert "Units per outcome and segment" in stdout and "OFFERTE_UITNODIGING" in stdout


def test_sample_matches_the_golden_decisions(ggz_run):
    out, _ = ggz_run
    assert decisions_as_rows(out / "decisions.parquet") == read_golden("ggz-2021")


def test_every_outcome_occurs_and_lists_match(ggz_run):
    out, _ = ggz_run
    con = duckdb.connect()
    outcomes = dict(con.execute(f"select outcome, count(*) from '{out}/decisions.parquet' group by 1").fetchall())
    assert set(outcomes) == {"OFFERTE_UITNODIGING", "LOPENDE_OVEREENKOMST", "DIGITAAL_AANBOD", "INDIVIDUELE_BEOORDELING",
                             "NIET_AANBIEDEN", "GEEN_ACTIE"}
    for output, outcome in (("offerte_uitnodigingen", "OFFERTE_UITNODIGING"), ("digitale_aanbiedingen", "DIGITAAL_AANBOD"),
                            ("case_reviews", "INDIVIDUELE_BEOORDELING")):
        assert pq.read_metadata(out / f"{output}.parquet").num_rows == outcomes[outcome], output


def test_planted_institutions(ggz_run):
    out, _ = ggz_run
    con = duckdb.connect()
    rows = {r[0]: r[1:] for r in con.execute(f"""
        select instelling_agb, outcome, segment, patienten_totaal, omzet_totaal::varchar, kostenintensieve_patienten,
               max_omzet_per_patient, online_maatwerk
        from '{out}/decisions.parquet' where instelling_agb like '54999%'""").fetchall()}
    assert rows["54999901"][:3] == ("OFFERTE_UITNODIGING", "offerte", 300)
    assert rows["54999902"][:2] == ("OFFERTE_UITNODIGING", "offerte") and rows["54999902"][3] == "1000000.00"
    assert rows["54999903"][1:3] == ("digitaal", 299)
    assert rows["54999904"][4] == 12 and rows["54999904"][5] is None  # only cost-intensive SGGZ patients
    assert rows["54999906"][6] is True and rows["54999907"][6] is False
    assert rows["54999908"][0] == "NIET_AANBIEDEN" and rows["54999909"][0] == "INDIVIDUELE_BEOORDELING"


def test_parquet_types_are_clean(ggz_run):
    out, _ = ggz_run
    types = {f.name: str(f.type) for f in pq.read_schema(out / "decisions.parquet")}
    assert types["omzet_totaal"] == "decimal128(18, 2)" and types["max_omzet_per_patient"] == "decimal128(18, 2)"
    assert types["marktaandeel"] == "double" and types["patienten_totaal"] == "int32"
    assert types["productiemonitoring"] == "bool" and types["contract_ingangsdatum"] == "date32[day]"
    assert types["wachttijd_gesprek"].startswith("list<") and types["reasons"].startswith("list<")
    rule_columns = [f.name for f in pq.read_schema(out / "rule_results.parquet")]
    assert rule_columns == ["praktijk_agb", "discipline", "rule", "result", "detail", "policy_ref"]  # as in paramedie


def test_manifest_reconciles(ggz_run):
    out, _ = ggz_run
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["policy"]["name"] == "ggz-2021" and manifest["policy"]["domain"] == "ggz"
    for entry in manifest["inputs"]:
        assert entry["rows_read"] == entry["rows_loaded"] + entry["rows_deduplicated"] + entry["rows_quarantined"], entry["path"]
    paths = {e["path"] for e in manifest["inputs"]}
    assert {"claims/ggz_declaraties_deel1.csv", "claims/ggz_declaraties_deel2.parquet", "wachttijden/wachttijden.csv"} <= paths
    for name in OUTPUTS:
        assert manifest["outputs"][f"{name}.parquet"]["rows"] == pq.read_metadata(out / f"{name}.parquet").num_rows


def test_shuffled_input_gives_the_same_bytes(ggz_run, tmp_path):
    out, _ = ggz_run
    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLE, bundle)
    for path in bundle.rglob("*.csv"):
        header, *rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
        random.Random(7).shuffle(rows)
        path.write_text(header + "".join(rows), encoding="utf-8")
    result = cli("run", "--policy", "ggz-2021", "--input", str(bundle), "--output", str(tmp_path / "again"), "--quiet")
    assert result.exit_code == 0, result.output
    for name in OUTPUTS:
        assert (out / f"{name}.parquet").read_bytes() == (tmp_path / "again" / f"{name}.parquet").read_bytes(), name


def test_no_patient_identity_reaches_any_output(ggz_run):
    out, stdout = ggz_run
    bsns = set()
    for path in (SAMPLE / "claims").glob("*.csv"):
        with path.open() as fh:
            bsns |= {row["bsn"] for row in csv.DictReader(fh)}
    for path in (SAMPLE / "claims").glob("*.parquet"):
        bsns |= set(pq.read_table(path, columns=["bsn"]).column("bsn").to_pylist())
    assert len(bsns) > 1000
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        found = set(re.findall(r"(?<!\d)\d{9}(?!\d)", readable_text(path))) & bsns
        assert not found, f"{path.name} holds BSNs in clear text, e.g. {sorted(found)[:1]}"
    assert not set(re.findall(r"(?<!\d)\d{9}(?!\d)", stdout)) & bsns


def test_report_and_workbook_cover_the_ggz_run(ggz_run):
    out, _ = ggz_run
    page = (out / "report.html").read_text()
    assert 'id="chart-outcomes"' in page and 'id="chart-segmentatie"' in page and "Offerte-uitnodigingen" in page
    assert "Behandelindex" not in page  # nothing of the paramedical report leaks into a GGZ run
    book = load_workbook(out / "selectie.xlsx")
    assert [s.title for s in book.worksheets if s.sheet_state == "visible"] == [s.title for s in SHEETS]
    offerte = book["Offerte-uitnodigingen"]
    assert [c.value for c in offerte[1]][:2] == ["AGB-code instelling", "Naam"]
    assert offerte.max_row - 1 == pq.read_metadata(out / "offerte_uitnodigingen.parquet").num_rows


def test_explain_shows_the_figures_and_rules(ggz_run):
    out, _ = ggz_run
    result = cli("explain", "54999904", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "DIGITAAL_AANBOD" in result.output and "kostenintensieve_patienten 12" in result.output
    assert "WTZI_TOEGELATEN" in result.output and "INVOER_VOLLEDIG" in result.output
    assert "Voorwaarden voor een contract > Algemeen" in result.output  # the policy section behind each rule


def test_whatif_and_diff_on_a_ggz_run(ggz_run, tmp_path):
    out, _ = ggz_run
    result = cli("whatif", "--set", "offerte_min_clienten=299", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert re.search(r"54999903\s+│\s+ggz\s+│\s+LOPENDE_OVEREENKOMST\s+│\s+OFFERTE_UITNODIGING", result.output), result.output
    from zorginkoop.analysis.runs import diff, whatif
    from zorginkoop.engine.policy import load_policy

    changes = whatif(out, load_policy("ggz-2021"), {"offerte_min_clienten": 299}).changes
    assert ("54999903", "ggz", "LOPENDE_OVEREENKOMST", "OFFERTE_UITNODIGING") in changes
    assert diff(out, out).outcomes == []


def test_claims_load_for_ggz(tmp_path):
    result = cli("claims", "load", str(SAMPLE / "claims"), "--policy", "ggz-2021", "--output", str(tmp_path / "claims"))
    assert result.exit_code == 0, result.output
    claims = pq.read_table(tmp_path / "claims" / "claims.parquet")
    assert "bsn" not in claims.column_names and "patient_pseudonym" in claims.column_names
    assert claims.num_rows == sum(1 for p in (SAMPLE / "claims").glob("*.csv") for _ in p.open()) - 1 + \
        pq.read_metadata(next((SAMPLE / "claims").glob("*.parquet"))).num_rows
    assert not (tmp_path / "claims" / "reconciliation.parquet").exists()  # no PM304 in GGZ


def test_publication_of_a_ggz_run(ggz_run, tmp_path):
    out, _ = ggz_run
    acceptances = tmp_path / "acceptances.csv"
    acceptances.write_text("praktijk_agb,discipline,geaccepteerd_op\n54999901,ggz,2020-10-20\n54999906,ggz,2020-10-28\n")
    result = cli("publish", "--acceptances", str(acceptances), "--run", str(out), "--output", str(tmp_path / "pub"))
    assert result.exit_code == 0, result.output
    rows = duckdb.connect().execute(f"select distinct praktijk_agb, gecontracteerd, status from '{tmp_path}/pub/zorgzoeker.parquet' "
                                    f"where gecontracteerd").fetchall()
    running = {r[0] for r in duckdb.connect().execute(f"select instelling_agb from '{out}/decisions.parquet' "
                                                      f"where outcome = 'LOPENDE_OVEREENKOMST'").fetchall()}
    # the accepted offer and the running contracts without an acceptance; 54999906 has a running contract, so
    # its acceptance is quarantined and it is gecontracteerd through that contract (contract cycle 3)
    shown = {r[0] for r in duckdb.connect().execute(f"select praktijk_agb from '{tmp_path}/pub/zorgzoeker.parquet'").fetchall()}
    assert sorted(rows) == sorted((agb, True, "definitief") for agb in ({"54999901"} | running) & shown)
    assert "54999901" not in running and "54999906" in running
    kept_out = duckdb.connect().execute(f"select line, reason from '{tmp_path}/pub/quarantine.parquet'").fetchall()
    assert kept_out and kept_out[0][0] == 3 and "lopende overeenkomst" in kept_out[0][1]


def test_bad_ggz_input_is_refused_with_file_column_and_examples(prefect_server, tmp_path):
    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLE, bundle)
    claims = bundle / "claims" / "ggz_declaraties_deel1.csv"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(re.sub(r",(\d{4})-(\d{2})-(\d{2}),", r",\3-\2-\1,", text), encoding="utf-8")
    result = cli("run", "--policy", "ggz-2021", "--input", str(bundle), "--output", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == 2
    assert "claims/ggz_declaraties_deel1.csv" in result.output and "DD-MM-YYYY" in result.output
    assert "startdatum" in result.output or "einddatum" in result.output
    assert not (tmp_path / "out").exists()


def test_a_bad_zorgtype_is_quarantined_and_the_institution_reviewed(prefect_server, tmp_path):
    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLE, bundle)
    claims = bundle / "claims" / "ggz_declaraties_deel1.csv"
    header, first, *rest = claims.read_text(encoding="utf-8").splitlines(keepends=True)
    claims.write_text(header + first.replace(",SGGZ,", ",sggz,").replace(",BGGZ,", ",bggz,").replace(",LGGZ,", ",lggz,")
                      + "".join(rest), encoding="utf-8")
    agb = first.split(",")[1]
    result = cli("run", "--policy", "ggz-2021", "--input", str(bundle), "--output", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    quarantined = con.execute(f"select file, line, \"column\", reason from '{tmp_path}/out/quarantine.parquet'").fetchall()
    assert quarantined == [("claims/ggz_declaraties_deel1.csv", 2, "zorgtype", quarantined[0][3])]
    assert "BGGZ, SGGZ or LGGZ" in quarantined[0][3]
    outcome = con.execute(f"select outcome, reasons from '{tmp_path}/out/decisions.parquet' where instelling_agb = ?", [agb]).fetchall()
    assert outcome == [("INDIVIDUELE_BEOORDELING", ["REVIEW_INVOER_IN_QUARANTAINE"])]
