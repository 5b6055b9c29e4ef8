"""report.html: the run at a glance for procurement analysts, one self-contained page.

Counts per outcome and discipline, the BI distribution of fysiotherapie practices with the
threshold drawn in, the review worklists, quarantined rows per file, and links to the
Great Expectations Data Docs and the manifest. Charts are Plotly with its JavaScript
embedded once, so the page opens from disk in any browser without a server or network.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import duckdb
import plotly.graph_objects as go

from .summary import OUTCOMES

COLOURS = {"PROACTIEF_AANBOD": "#2e7d32", "AANBOD_OP_AANVRAAG": "#66bb6a", "ZORGPLICHTTOETS": "#29b6f6",
           "INDIVIDUELE_BEOORDELING": "#ffa726", "NIET_AANBIEDEN": "#e53935", "AANVRAAG_TE_LAAT": "#8d6e63",
           "GEEN_ACTIE": "#9e9e9e"}


def _rows(con, out_dir: Path, name: str, sql: str):
    path = str(out_dir / f"{name}.parquet").replace("'", "''")
    return con.execute(sql.replace("{t}", f"read_parquet('{path}')")).fetchall()


def _table(header: list[str], rows: list, limit: int = 200) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(', '.join(v) if isinstance(v, list) else '' if v is None else str(v))}</td>"
                                    for v in row) + "</tr>" for row in rows[:limit])
    more = f"<p>{len(rows) - limit} more rows in the Parquet file.</p>" if len(rows) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def write_report(out_dir: Path, policy_name: str, bi_threshold: float) -> Path:
    manifest = json.loads((out_dir / "manifest.json").read_text())
    with duckdb.connect() as con:
        counts = _rows(con, out_dir, "decisions", "select outcome, discipline, count(*) from {t} group by all order by all")
        bis = [r[0] for r in _rows(con, out_dir, "decisions",
                                   "select bi from {t} where discipline = 'fysiotherapie' and bi is not null order by bi")]
        cases = _rows(con, out_dir, "case_reviews", "select praktijk_agb, discipline, naam, plaats, reasons, review_details from {t}")
        zorgplicht = _rows(con, out_dir, "zorgplicht_reviews",
                           "select praktijk_agb, discipline, naam, postcode, plaats, aanvraagdatum, aangeboden_praktijken_pc4, "
                           "aantal_verzekerden_pc4 from {t}")
        quarantine = _rows(con, out_dir, "quarantine", 'select file, count(distinct line), any_value(reason) from {t} group by 1 order by 1')
    disciplines = sorted({d for _, d, _ in counts})
    bars = go.Figure()
    for outcome in [o for o in OUTCOMES if any(c[0] == o for c in counts)]:
        per = {d: n for o, d, n in counts if o == outcome}
        bars.add_bar(name=outcome, x=disciplines, y=[per.get(d, 0) for d in disciplines], marker_color=COLOURS.get(outcome))
    bars.update_layout(barmode="stack", title="Units per outcome and discipline", height=450, margin={"t": 60})
    hist = go.Figure(go.Histogram(x=bis, nbinsx=40, marker_color="#5c6bc0", name="praktijken"))
    hist.add_vline(x=bi_threshold, line_color="#e53935", line_dash="dash",
                   annotation_text=f"drempel {bi_threshold:g}", annotation_position="top right")
    hist.update_layout(title="Behandelindex of fysiotherapie practices", xaxis_title="BI", yaxis_title="praktijken",
                       height=400, margin={"t": 60})
    charts = (bars.to_html(full_html=False, include_plotlyjs=True, div_id="chart-outcomes")
              + hist.to_html(full_html=False, include_plotlyjs=False, div_id="chart-bi"))
    summary = [[o, *[next((n for oo, d, n in counts if oo == o and d == disc), 0) for disc in disciplines]]
               for o in OUTCOMES if any(c[0] == o for c in counts)]
    inputs = [[i["path"], i["rows_read"], i["rows_loaded"], i["rows_deduplicated"], i["rows_quarantined"]] for i in manifest["inputs"]]
    docs = manifest.get("data_docs")
    page = f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Selectie {html.escape(policy_name)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#222}} table{{border-collapse:collapse;margin:1rem 0;font-size:.9rem}}
td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}} th{{background:#f0f0f0}} h2{{margin-top:2.5rem}}</style></head>
<body>
<h1>Selectie {html.escape(policy_name)}</h1>
<p>Policy file sha256 {html.escape(manifest['policy']['sha256'][:16])}…, code {html.escape(manifest['code_version'])}.
Links: <a href="manifest.json">manifest.json</a>{f' · <a href="{docs}">validation results (Data Docs)</a>' if docs else ''}.</p>
<h2>Outcomes</h2>
{_table(["outcome", *disciplines], summary)}
{charts}
<h2>Individuele beoordeling ({len(cases)})</h2>
{_table(["AGB", "discipline", "naam", "plaats", "redenen", "toelichting"], cases)}
<h2>Zorgplichttoets ({len(zorgplicht)})</h2>
{_table(["AGB", "discipline", "naam", "postcode", "plaats", "aanvraagdatum", "aangeboden in pc4", "verzekerden in pc4"], zorgplicht)}
<h2>Input files and quarantine</h2>
{_table(["file", "rows read", "loaded", "duplicates", "quarantined"], inputs)}
{_table(["file", "rows in quarantine", "example reason"], quarantine) if quarantine else "<p>No input row was quarantined.</p>"}
</body></html>
"""
    path = out_dir / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
