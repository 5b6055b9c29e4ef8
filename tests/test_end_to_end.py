"""`zorginkoop run` on the committed sample bundle, through the real Prefect flow."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from zorginkoop.cli import app
from zorginkoop.errors import EXIT_BAD_INPUT
from zorginkoop.paths import SAMPLE_DIR

from .golden import decisions_as_rows, read_golden

OUTPUTS = ["case_reviews", "decisions", "proactive_offers", "quarantine", "reconciliation", "requested_offers", "rule_results",
           "zorgplicht_reviews", "zorgzoeker"]


def run_cli(*args):
    result = CliRunner().invoke(app, ["run", *args])
    return result


@pytest.fixture(scope="module")
def sample_run(prefect_server, tmp_path_factory):
    out = tmp_path_factory.mktemp("e2e") / "out"
    result = run_cli("--policy", "paramedie-2024", "--input", str(SAMPLE_DIR), "--output", str(out))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return out, result.output


def test_outputs_of_the_contract_are_written(sample_run):
    out, stdout = sample_run
    for name in OUTPUTS:
        assert (out / f"{name}.parquet").is_file(), name
    assert (out / "manifest.json").is_file() and (out / "zorginkoop.duckdb").is_file()
    assert out.is_symlink() and not list(out.parent.glob(".out.runs/.staging-*")), "staging directory left behind"
    assert (out / "data_docs" / "index.html").is_file() and "Data Docs" in stdout
    assert "PROACTIEF_AANBOD" in stdout and "fysiotherapie" in stdout and str(out) in stdout


def test_sample_matches_the_golden_decisions(sample_run):
    out, _ = sample_run
    assert decisions_as_rows(out / "decisions.parquet") == read_golden()


def test_named_units(sample_run):
    out, _ = sample_run
    con = duckdb.connect()
    got = {(r[0], r[1]): (r[2], r[3]) for r in con.execute(
        f"select praktijk_agb, discipline, outcome, reasons from '{out}/decisions.parquet' where praktijk_agb like '__9999__'").fetchall()}
    assert got[("04999901", "fysiotherapie")] == ("PROACTIEF_AANBOD", [])
    assert got[("04999902", "fysiotherapie")] == ("NIET_AANBIEDEN", ["BEHANDELINDEX"])
    assert got[("04999903", "fysiotherapie")] == ("INDIVIDUELE_BEOORDELING", ["REVIEW_KLEINE_PRAKTIJK"])
    assert got[("04999904", "fysiotherapie")] == ("INDIVIDUELE_BEOORDELING", ["REVIEW_BI_ONTBREEKT"])
    assert got[("04999905", "fysiotherapie")] == ("ZORGPLICHTTOETS", [])
    assert got[("04999906", "fysiotherapie")] == ("AANVRAAG_TE_LAAT", [])
    assert got[("05999907", "logopedie")] == ("AANBOD_OP_AANVRAAG", [])
    assert got[("05999908", "logopedie")] == ("NIET_AANBIEDEN", ["GEEN_FRAUDEONDERZOEK"])
    assert got[("07999909", "oefentherapie")] == ("INDIVIDUELE_BEOORDELING", ["UBO_BEKEND"])
    assert got[("90999910", "instelling")] == ("PROACTIEF_AANBOD", [])
    assert got[("04999911", "oefentherapie")] == ("PROACTIEF_AANBOD", [])
    assert got[("04999912", "fysiotherapie")] == ("NIET_AANBIEDEN", ["AGB_ACTIEF"])
    # only credits in 2023, but its three-year contract 2023-2025 covers 2024 (contract cycle 1.4)
    assert got[("24999913", "dietetiek")] == ("LOPENDE_OVEREENKOMST", [])


def test_every_outcome_occurs_and_lists_match(sample_run):
    out, _ = sample_run
    con = duckdb.connect()
    counts = dict(con.execute(f"select outcome, count(*) from '{out}/decisions.parquet' group by 1").fetchall())
    assert set(counts) == {"PROACTIEF_AANBOD", "AANBOD_OP_AANVRAAG", "ZORGPLICHTTOETS", "INDIVIDUELE_BEOORDELING",
                           "NIET_AANBIEDEN", "AANVRAAG_TE_LAAT", "GEEN_ACTIE", "LOPENDE_OVEREENKOMST"}
    for name, outcome in [("proactive_offers", "PROACTIEF_AANBOD"), ("requested_offers", "AANBOD_OP_AANVRAAG"),
                          ("case_reviews", "INDIVIDUELE_BEOORDELING"), ("zorgplicht_reviews", "ZORGPLICHTTOETS")]:
        assert pq.read_metadata(out / f"{name}.parquet").num_rows == counts[outcome], name


def test_parquet_types_are_clean(sample_run):
    out, _ = sample_run
    schema = pq.read_schema(out / "decisions.parquet")
    types = {f.name: str(f.type) for f in schema}
    assert types["reasons"].startswith("list<") and "string" in types["reasons"]
    assert types["aanvraagdatum"] == "date32[day]" and types["contract_einddatum"] == "date32[day]"
    assert types["bi"] == "double" and types["prior_contract"] == "bool" and types["aantal_patienten"] == "int32"
    zz = {f.name: str(f.type) for f in pq.read_schema(out / "zorgzoeker.parquet")}
    assert zz["publicatiedatum"] == "date32[day]" and zz["gecontracteerd"] == "bool"


def test_manifest_reconciles(sample_run):
    out, _ = sample_run
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["policy"]["name"] == "paramedie-2024" and len(manifest["policy"]["sha256"]) == 64
    for entry in manifest["inputs"]:
        assert entry["rows_read"] == entry["rows_loaded"] + entry["rows_deduplicated"] + entry["rows_quarantined"], entry["path"]
        # the file's own SHA-256 (read ahead in a thread beside its load, zorginkoop.ingest.readahead)
        assert entry["sha256"] == hashlib.sha256((Path(manifest["input_dir"]) / entry["path"]).read_bytes()).hexdigest()
    paths = {e["path"] for e in manifest["inputs"]}
    assert {"agb/ondernemingen.csv", "claims/claims_2023_deel1.csv", "claims/claims_2023_deel2.parquet"} <= paths
    for name in OUTPUTS:
        assert manifest["outputs"][f"{name}.parquet"]["rows"] == pq.read_metadata(out / f"{name}.parquet").num_rows
    assert set(manifest["timings_seconds"]) == {"ingest", "validate", "select", "export", "report"}


def test_rerun_is_byte_identical(sample_run, tmp_path):
    out, _ = sample_run
    again = tmp_path / "again"
    result = run_cli("--input", str(SAMPLE_DIR), "--output", str(again), "--quiet")
    assert result.exit_code == 0, result.output
    for name in OUTPUTS:
        assert (out / f"{name}.parquet").read_bytes() == (again / f"{name}.parquet").read_bytes(), name


def test_bad_input_exits_2_and_keeps_previous_outputs(sample_run, tmp_path):
    out, _ = sample_run
    previous = tmp_path / "previous"
    shutil.copytree(out, previous)
    bad = tmp_path / "bad"
    shutil.copytree(SAMPLE_DIR, bad)
    path = bad / "behandelindex" / "behandelindex.csv"
    head, *rows = path.read_text().splitlines()
    path.write_text("\n".join([head] + [_quote_bi(r) for r in rows]) + "\n")
    result = run_cli("--input", str(bad), "--output", str(previous), "--quiet")
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "behandelindex/behandelindex.csv" in result.output and "column 'bi'" in result.output
    assert "decimal comma" in result.output
    for name in OUTPUTS:
        assert (previous / f"{name}.parquet").read_bytes() == (out / f"{name}.parquet").read_bytes()
    assert not list(tmp_path.glob(".previous.runs/.staging-*"))


def _quote_bi(row: str) -> str:
    """Write the bi column (4th of 5) with a decimal comma, quoted as a spreadsheet export would."""
    agb, jaar, versie, bi, patienten = row.split(",")
    return ",".join([agb, jaar, versie, f'"{bi.replace(".", ",")}"' if bi else "", patienten])


def test_a_bad_row_is_quarantined_and_the_run_goes_on(sample_run, tmp_path):
    out, _ = sample_run
    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLE_DIR, bundle)
    path = bundle / "agb" / "zorgverleners.csv"
    lines = path.read_text().splitlines()
    bad_agb = lines[5].split(",")[0]
    lines[5] = lines[5][1:]  # a leading zero lost on line 6
    path.write_text("\n".join(lines) + "\n")
    result = run_cli("--input", str(bundle), "--output", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    rows = con.execute(f"select file, line, \"column\", value, reason from '{tmp_path}/out/quarantine.parquet'").fetchall()
    assert rows == [("agb/zorgverleners.csv", 6, "agb_code", bad_agb[1:],
                     f"AGB code '{bad_agb[1:]}' has 7 characters; AGB codes have 8 digits. Was a leading zero dropped?")]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    entry = next(e for e in manifest["inputs"] if e["path"] == "agb/zorgverleners.csv")
    assert (entry["rows_quarantined"], entry["rows_loaded"] + 1) == (1, entry["rows_read"])


def test_unknown_policy_exits_3(prefect_server, tmp_path):
    result = run_cli("--policy", "paramedie-1999", "--output", str(tmp_path / "x"))
    assert result.exit_code == 3 and "paramedie-1999" in result.output
    assert not (tmp_path / "x").exists()


def input_identities() -> tuple[set[str], set[str]]:
    """Every BSN and every PM304 patient name in the sample bundle."""
    import csv as csvmod

    from zorginkoop.ingest.pm304 import layout

    bsns, names = set(), set()
    claims = SAMPLE_DIR / "claims"
    for path in claims.glob("*.csv"):
        with path.open() as fh:
            bsns |= {row["bsn"] for row in csvmod.DictReader(fh)}
    for path in claims.glob("*.parquet"):
        bsns |= set(pq.read_table(path, columns=["bsn"]).column("bsn").to_pylist())
    bsn_start, _ = layout()[("02", "Burgerservicenummer (bsn) verzekerde")]
    name_start, name_width = layout()[("02", "Naam verzekerde (01)")]
    for path in claims.glob("*.asc"):
        for line in path.read_text(encoding="latin-1").splitlines():
            if line.startswith("02"):
                bsns.add(line[bsn_start - 1:bsn_start + 8])
                names.add(line[name_start - 1:name_start - 1 + name_width].strip())
    return bsns, {n for n in names if len(n) >= 4}


def readable_text(path: Path) -> str:
    """What a person or tool could read from a file: Parquet and DuckDB decoded, others as text."""
    if path.suffix == ".parquet":
        return repr(pq.read_table(path).to_pylist())
    if path.suffix == ".duckdb":
        parts = []
        with duckdb.connect(str(path), read_only=True) as con:
            tables = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
            for schema, table in tables:
                parts.append(repr(con.execute(f'select * from "{schema}"."{table}"').fetchall()))
        return "\n".join(parts)
    return path.read_bytes().decode("utf-8", errors="replace")


def test_no_patient_identity_reaches_any_output(sample_run):
    import re

    out, stdout = sample_run
    bsns, names = input_identities()
    assert len(bsns) > 10000 and names
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        text = readable_text(path)
        found = set(re.findall(r"(?<!\d)\d{9}(?!\d)", text)) & bsns
        assert not found, f"{path.name} holds BSNs in clear text, e.g. {sorted(found)[:1]}"
        leaked = [n for n in names if n in text]
        assert not leaked, f"{path.name} holds patient names, e.g. {leaked[:1]}"
    assert not set(re.findall(r"(?<!\d)\d{9}(?!\d)", stdout)) & bsns
    with duckdb.connect(str(out / "zorginkoop.duckdb"), read_only=True) as con:
        columns = {r[0] for r in con.execute("select column_name from information_schema.columns").fetchall()}
    # no BSN, and no claim line at all: the lines are kept in memory for the run only
    assert "bsn" not in columns and "patient_pseudonym" not in columns


KILL_MID_EXPORT = """
import os, signal, sys
from zorginkoop.engine import pipeline

def export_then_die(db_path, policy, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "decisions.parquet").write_bytes(b"PAR1 half written")
    os.kill(os.getpid(), signal.SIGKILL)

pipeline.export = export_then_die
from zorginkoop.cli import app
sys.argv = ["zorginkoop", "run", "--input", sys.argv[1], "--output", sys.argv[2], "--quiet"]
app()
"""


def test_killed_run_leaves_previous_outputs_and_rerun_starts_cleanly(prefect_server, sample_run, tmp_path):
    import os
    import subprocess
    import sys

    out, _ = sample_run
    target = tmp_path / "out"
    assert run_cli("--input", str(SAMPLE_DIR), "--output", str(target), "--quiet").exit_code == 0
    before = {p.name: p.read_bytes() for p in target.glob("*.parquet")}
    env = dict(os.environ, PREFECT_API_URL=prefect_server)
    killed = subprocess.run([sys.executable, "-c", KILL_MID_EXPORT, str(SAMPLE_DIR), str(target)], env=env,
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert {p.name: p.read_bytes() for p in target.glob("*.parquet")} == before
    assert list((tmp_path / ".out.runs").glob(".staging-*")), "the killed run's staging directory is still there"
    again = run_cli("--input", str(SAMPLE_DIR), "--output", str(target), "--quiet")
    assert again.exit_code == 0, again.output
    assert not list((tmp_path / ".out.runs").glob(".staging-*")), "a rerun removes what the killed run left"
    assert {p.name: p.read_bytes() for p in target.glob("*.parquet")} == before
    assert len([p for p in (tmp_path / ".out.runs").iterdir()]) == 2, "the current and the previous run are kept"


def test_output_directory_with_other_files_is_refused(prefect_server, tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.docx").write_text("do not move me")
    result = run_cli("--input", str(SAMPLE_DIR), "--output", str(target), "--quiet")
    assert result.exit_code == EXIT_BAD_INPUT and "notes.docx" in result.output
    assert (target / "notes.docx").read_text() == "do not move me"


def test_publication_makes_the_zorgzoeker_definitief(prefect_server, sample_run, tmp_path):
    out, _ = sample_run
    con = duckdb.connect()
    offered = con.execute(f"select praktijk_agb, discipline from '{out}/decisions.parquet' "
                          f"where outcome in ('PROACTIEF_AANBOD', 'AANBOD_OP_AANVRAAG') order by 1, 2").fetchall()
    accepted = set(offered[:-3])  # three offers not accepted (yet)
    acceptances = tmp_path / "acceptances.csv"
    acceptances.write_text("praktijk_agb,discipline,geaccepteerd_op\n"
                           + "".join(f"{a},{d},2023-10-20\n" for a, d in sorted(accepted)))
    before = (out / "zorgzoeker.parquet").read_bytes()
    result = CliRunner().invoke(app, ["publish", "--acceptances", str(acceptances), "--run", str(out),
                                      "--output", str(tmp_path / "pub")])
    assert result.exit_code == 0, result.output
    rows = con.execute(f"select praktijk_agb, discipline, gecontracteerd, status, toelichting "
                       f"from '{tmp_path}/pub/zorgzoeker.parquet'").fetchall()
    running = set(con.execute(f"select praktijk_agb, discipline from '{out}/decisions.parquet' "
                              f"where outcome = 'LOPENDE_OVEREENKOMST'").fetchall())
    assert rows and {r[3] for r in rows} == {"definitief"}
    shown = {(r[0], r[1]) for r in rows}
    # gecontracteerd: the accepted offers, and the running contracts without an acceptance (contract cycle 3)
    assert {(r[0], r[1]) for r in rows if r[2]} == {u for u in accepted | running if u in shown}
    assert running & shown
    assert all("polisvoorwaarden" in r[4] for r in rows if not r[2])
    csv_rows = con.execute(f"select count(*) from read_csv('{tmp_path}/pub/zorgzoeker.csv')").fetchall()[0][0]
    assert csv_rows == len(rows)
    assert (out / "zorgzoeker.parquet").read_bytes() == before, "the selection run is not changed"


def test_yearly_schedules():
    from flows.deployments import deployments

    selection, publication = deployments()
    assert (selection.flow_name, publication.flow_name) == ("annual_selection", "publication")
    assert [(s.schedule.cron, s.schedule.timezone) for s in selection.schedules] == [("0 6 1 9 *", "Europe/Amsterdam")]
    assert [(s.schedule.cron, s.schedule.timezone) for s in publication.schedules] == [("0 6 12 11 *", "Europe/Amsterdam")]
    assert publication.parameters["run_dir"] == selection.parameters["output_dir"]
    from flows.deployments import all_deployments

    names = {d.name: d for d in all_deployments()}
    assert {"paramedie-2024-selectie", "paramedie-2024-publicatie", "ggz-2021-selectie", "ggz-2021-publicatie"} <= set(names)
    ggz = names["ggz-2021-selectie"]
    assert [s.schedule.cron for s in ggz.schedules] == ["0 6 1 8 *"] and ggz.parameters["input_dir"] == "data/sample-ggz"
