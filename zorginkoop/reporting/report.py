"""report.html: the run at a glance for procurement analysts, one self-contained page.

Counts per outcome (split by discipline or segment), the domain's own charts (paramedie: the
BI distribution with its threshold; GGZ: revenue against the offerte thresholds), the review
worklists, quarantined rows per file, and links to the Great Expectations Data Docs and the
manifest. Charts are Plotly with its JavaScript embedded once, so the page opens from disk in
any browser without a server or network. The page is the jinja2 template templates/report.html.j2;
this module only gathers what it shows.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import duckdb
import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, StrictUndefined

from zorginkoop.domains import Domain
from zorginkoop.engine.policy import Policy
from zorginkoop.reporting.workbook import sheet_count, sheet_rows
from zorginkoop.sqltext import literal

TABLE_LIMIT = 200  # rows of a worklist shown in the page; the rest are in the Parquet file and selectie.xlsx


def _rows(con, out_dir: Path, name: str, sql: str):
    return con.execute(sql.replace("{t}", f"read_parquet({literal(out_dir / f'{name}.parquet')})")).fetchall()


def _cell(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.4f}"  # shares and indices: four decimals are enough to read
    return "" if value is None else str(value)


@cache
def _template():
    """templates/report.html.j2, autoescaped: every value from the data is text, the charts' HTML
    (Plotly's own) is the one thing marked safe."""
    env = Environment(loader=PackageLoader("zorginkoop.reporting", "templates"), autoescape=True, undefined=StrictUndefined,
                      keep_trailing_newline=True)
    env.filters["cell"] = _cell
    return env.get_template("report.html.j2")


def review_progress(con, out_dir: Path, domain: Domain) -> list[tuple[str, int, int, int, int]]:
    """Per review worklist: units under review, decided AANBIEDEN, decided NIET_AANBIEDEN, still open.
    Counted by eindbesluit, so a decision the run did not take in (quarantined) stays open."""
    progress = []
    for sheet in (s for s in domain.sheets if s.review):
        where = f"where {sheet.where}" if sheet.where else ""
        (counts,) = _rows(con, out_dir, sheet.output, f"""
            select count(*), count(*) filter (eindbesluit = 'AANBIEDEN'), count(*) filter (eindbesluit = 'NIET_AANBIEDEN'),
                count(*) filter (eindbesluit = 'OPEN') from {{t}} {where}""")
        progress.append((sheet.title, *counts))
    return progress


def write_report(out_dir: Path, policy: Policy) -> Path:
    domain = policy.domain
    manifest = json.loads((out_dir / "manifest.json").read_text())
    split = domain.summary_column
    with duckdb.connect() as con:
        counts = _rows(con, out_dir, "decisions",
                       f"select outcome, coalesce(cast(\"{split}\" as varchar), '-'), count(*) from {{t}} group by all order by all")
        extra_charts = domain.call(domain.charts, con, out_dir, policy) if domain.charts else []
        # Only the rows the page shows are fetched, and the count of the rest.
        worklists = [(sheet, sheet_count(con, out_dir, sheet), sheet_rows(con, out_dir, sheet, limit=TABLE_LIMIT))
                     for sheet in domain.sheets if sheet.title in domain.report_worklists]
        progress = review_progress(con, out_dir, domain)
        quarantine = _rows(con, out_dir, "quarantine", 'select file, count(distinct line), any_value(reason) from {t} group by 1 order by 1')
    columns = sorted({d for _, d, _ in counts})
    present = [o for o in domain.outcome_order if any(c[0] == o for c in counts)]
    bars = go.Figure()
    for outcome in present:
        per = {d: n for o, d, n in counts if o == outcome}
        bars.add_bar(name=outcome, x=columns, y=[per.get(d, 0) for d in columns], marker_color=domain.colours.get(outcome))
    bars.update_layout(barmode="stack", title=f"Units per outcome and {split}", height=450, margin={"t": 60})
    charts = bars.to_html(full_html=False, include_plotlyjs=True, div_id="chart-outcomes")
    charts += "".join(figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id) for div_id, figure in extra_charts)
    summary = [[o, *[next((n for oo, d, n in counts if oo == o and d == c), 0) for c in columns]] for o in present]
    inputs = [[i["path"], i["rows_read"], i["rows_loaded"], i["rows_deduplicated"], i["rows_quarantined"]] for i in manifest["inputs"]]
    page = _template().render(
        policy_name=policy.name, policy_sha256=manifest["policy"]["sha256"], code_version=manifest["code_version"],
        docs=manifest.get("data_docs"), columns=columns, summary=summary, charts=charts, progress=progress,
        worklists=[{"title": sheet.title, "total": total, "rows": rows, "header": [label for _, label in sheet.all_columns]}
                   for sheet, total, rows in worklists],
        limit=TABLE_LIMIT, inputs=inputs, quarantine=quarantine)
    path = out_dir / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
