"""report.html: the run at a glance for procurement analysts, one self-contained page.

Counts per outcome (split by discipline or segment), the domain's own charts (paramedie: the
BI distribution with its threshold; GGZ: revenue against the offerte thresholds), the review
worklists, quarantined rows per file, and links to the Great Expectations Data Docs and the
manifest. Charts are Plotly with its JavaScript embedded once, so the page opens from disk in
any browser without a server or network.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import duckdb
import plotly.graph_objects as go

from .domains import Domain
from .policy import Policy
from .workbook import sheet_count, sheet_rows

TABLE_LIMIT = 200  # rows of a worklist shown in the page; the rest are in the Parquet file and selectie.xlsx


def _rows(con, out_dir: Path, name: str, sql: str):
    path = str(out_dir / f"{name}.parquet").replace("'", "''")
    return con.execute(sql.replace("{t}", f"read_parquet('{path}')")).fetchall()


def _cell(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.4f}"  # shares and indices: four decimals are enough to read
    return "" if value is None else str(value)


def _table(header: list[str], rows: list, limit: int = TABLE_LIMIT, total: int | None = None) -> str:
    """`total`: the number of rows when `rows` holds only the first `limit` of them."""
    total = len(rows) if total is None else total
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>" for row in rows[:limit])
    more = f"<p>{total - limit} more rows in the Parquet file.</p>" if total > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


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
    docs = manifest.get("data_docs")
    sections = "".join(f"<h2>{html.escape(sheet.title)} ({total})</h2>\n"
                       f"{_table([label for _, label in sheet.all_columns], rows, total=total)}\n"
                       for sheet, total, rows in worklists)
    reviews = _table(["werklijst", "in beoordeling", "besluit AANBIEDEN", "besluit NIET_AANBIEDEN", "open"], progress)
    page = f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Selectie {html.escape(policy.name)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#222}} table{{border-collapse:collapse;margin:1rem 0;font-size:.9rem}}
td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}} th{{background:#f0f0f0}} h2{{margin-top:2.5rem}}</style></head>
<body>
<h1>Selectie {html.escape(policy.name)}</h1>
<p>Policy file sha256 {html.escape(manifest['policy']['sha256'][:16])}…, code {html.escape(manifest['code_version'])}.
Links: <a href="manifest.json">manifest.json</a>{f' · <a href="{docs}">validation results (Data Docs)</a>' if docs else ''}.</p>
<h2>Outcomes</h2>
{_table(["outcome", *columns], summary)}
{charts}
<h2>Beoordelingen</h2>
<p>Decisions of the reviewers (reviews/beoordelingen.csv in the bundle; fill in selectie.xlsx and run
<code>zorginkoop reviews import</code>). Open: no decision taken in yet.</p>
{reviews}
{sections}<h2>Input files and quarantine</h2>
{_table(["file", "rows read", "loaded", "duplicates", "quarantined"], inputs)}
{_table(["file", "rows in quarantine", "example reason"], quarantine) if quarantine else "<p>No input row was quarantined.</p>"}
</body></html>
"""
    path = out_dir / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
