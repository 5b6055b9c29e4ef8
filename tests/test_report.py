"""report.html in a real headless browser, and selectie.xlsx as an analyst opens it."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from zorginkoop.reporting.report import write_report
from zorginkoop.domains.paramedie import SHEETS
from zorginkoop.reporting.workbook import write_workbook

from .test_analysis import finished_run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def run_with_report(tmp_path_factory, policy):
    out = finished_run(tmp_path_factory.mktemp("report") / "run", policy)
    from zorginkoop.engine import pipeline
    from zorginkoop.ingest.loader import FileReport
    pipeline.write_manifest(out, policy, out, [FileReport("x", "agb/x.csv", "0" * 64, 1, 1)], [], {}, {})
    write_report(out, policy)
    write_workbook(out, policy.domain)
    return out


def test_report_renders_its_charts_in_chromium(run_with_report, tmp_path):
    assert CHROMIUM, "Debian's chromium is needed (make test installs it; .ci/run too)"
    page = (run_with_report / "report.html").as_uri()
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'dom'}", "--virtual-time-budget=10000",
                          "--enable-logging=stderr", "--dump-dom", page], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0
    assert dom.stdout.count('class="main-svg"') >= 4, "both Plotly charts drew their SVG"
    assert "Uncaught" not in dom.stderr, dom.stderr[-2000:]
    assert "Individuele beoordeling" in dom.stdout and "drempel 150" in dom.stdout
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'shot'}", "--window-size=1400,1800",
                    "--virtual-time-budget=10000", f"--screenshot={shot}", page], capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 50_000, "a screenshot with charts, not a blank page"


def test_report_is_self_contained(run_with_report):
    text = (run_with_report / "report.html").read_text()
    assert "<script src=\"http" not in text and "cdn.plot.ly" not in text.split("</script>")[0][:200]
    assert 'href="manifest.json"' in text


def test_workbook_sheets_labels_frozen_header_and_filters(run_with_report):
    book = load_workbook(run_with_report / "selectie.xlsx")
    assert [s.title for s in book.worksheets if s.sheet_state == "visible"] == [s.title for s in SHEETS]
    assert book["_zorginkoop"].sheet_state == "hidden"  # marks the workbook for `zorginkoop reviews import`
    sheet = book["Aanbod proactief"]
    assert [c.value for c in sheet[1]] == [label for _, label in SHEETS[0].columns]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.max_row > 100
    no_offer = {row[2] for row in book["Geen aanbod"].iter_rows(min_row=2, values_only=True)}
    assert no_offer == {"NIET_AANBIEDEN", "AANVRAAG_TE_LAAT", "GEEN_ACTIE"}


def test_formula_like_text_stays_text(tmp_path, run_with_report, policy):
    import duckdb
    out = tmp_path / "run"
    shutil.copytree(run_with_report, out)
    con = duckdb.connect()
    con.execute(f"copy (select * replace ('=HYPERLINK(\"http://x\")' as naam) from '{out}/proactive_offers.parquet') "
                f"to '{out}/proactive_offers.parquet' (format parquet)")
    write_workbook(out, policy.domain)
    cell = load_workbook(out / "selectie.xlsx")["Aanbod proactief"]["C2"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
