import { visibleKeepLayout } from './visibleText.ts';
import type { ReportData, Row } from './reportQueries.ts';

/**
 * Escapes text for HTML element content and attribute values: logged values are never markup. Control
 * characters (C0 but tab and line ends, DEL, C1) and bidi overrides, which would reorder what a reader sees,
 * are shown as escapes (`\x1b`, `\u202e`), as the CLI shows them.
 */
export function escapeHtml(v: unknown): string {
  return visibleKeepLayout(String(v ?? '')).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script type="application/json"> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const SEV_COLOR: Record<string, string> = { critical: '#7f1d1d', high: '#dc2626', medium: '#f59e0b', low: '#3b82f6', info: '#6b7280' };

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const cell = (v: unknown) => (typeof v === 'string' && ISO.test(v) ? v.slice(0, 16).replace('T', ' ') : v);

function table(rows: Row[], cols: Array<[string, string]>, empty: string): string {
  if (!rows.length) return `<p class="empty">${escapeHtml(empty)}</p>`;
  return `<table><thead><tr>${cols.map(([, h]) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${cols.map(([k]) => (k === 'severity' ? `<td><span class="sev" style="background:${SEV_COLOR[String(r[k])] ?? '#6b7280'}">${escapeHtml(r[k])}</span></td>` : `<td>${escapeHtml(cell(r[k]))}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function evidenceSummary(ev: unknown): string {
  try {
    const o = JSON.parse(String(ev));
    const parts: string[] = [];
    const walk = (x: unknown, depth: number) => {
      if (parts.length > 5 || depth > 2 || x === null || typeof x !== 'object') return;
      for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
        if (parts.length > 5) return;
        if (typeof v === 'number' || (typeof v === 'string' && v.length < 60)) parts.push(`${k}: ${v}`);
        else walk(v, depth + 1);
      }
    };
    walk(o, 0);
    return parts.join(' · ');
  } catch {
    return '';
  }
}

/**
 * The daily report as one self-contained HTML page (no external assets): headline numbers, charts drawn as
 * SVG by a small inline script from embedded JSON, and the tables a security team acts on.
 */
export function renderReport(d: ReportData): string {
  const s = d.summary[0] ?? {};
  const actors = d.riskyActors.map((r) => ({ ...r, why: evidenceSummary(r.evidence) }));
  const chartData = { riskByHour: d.riskByHour, trafficByHour: d.trafficByHour, defectsBySeverity: d.defectsBySeverity, sevColor: SEV_COLOR };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>apiscope daily report ${escapeHtml(d.day)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#111827}
header{background:#0f172a;color:#fff;padding:20px 32px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#cbd5e1}
main{padding:24px 32px;max-width:1280px}
.kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:16px;margin-bottom:24px}
.kpi{background:#fff;border-radius:10px;padding:16px;box-shadow:0 1px 2px rgba(0,0,0,.06)}.kpi b{display:block;font-size:30px}.kpi span{color:#6b7280}
.charts{display:grid;grid-template-columns:2fr 1fr;gap:16px;margin-bottom:24px}
.card{background:#fff;border-radius:10px;padding:16px;box-shadow:0 1px 2px rgba(0,0,0,.06);margin-bottom:24px;overflow-x:auto}
h2{font-size:16px;margin:0 0 12px}table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}
th{color:#6b7280;font-weight:600}td{word-break:break-word}.sev{color:#fff;border-radius:4px;padding:1px 6px;font-size:12px}.empty{color:#6b7280}
svg text{font-size:11px;fill:#374151}.legend span{display:inline-block;margin-right:12px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
</style></head><body>
<header><h1>apiscope daily report</h1><p>${escapeHtml(d.day)} (UTC, event time) · generated ${escapeHtml(d.generatedAt)}</p></header>
<main>
<section class="kpis">
<div class="kpi"><b>${escapeHtml(s.endpoints ?? 0)}</b><span>API endpoints in inventory</span></div>
<div class="kpi"><b>${escapeHtml(s.new_endpoints ?? 0)}</b><span>new endpoints this day</span></div>
<div class="kpi"><b>${escapeHtml(d.openDefects.length)}</b><span>open defects</span></div>
<div class="kpi"><b>${escapeHtml(s.risky_actors ?? 0)}</b><span>risky callers this day</span></div>
</section>
<section class="charts">
<div class="card"><h2>Risky callers per hour, by scenario</h2><svg id="chart-risk" width="100%" height="240" viewBox="0 0 720 240" role="img" aria-label="risky callers per hour"></svg><div class="legend" id="legend-risk"></div></div>
<div class="card"><h2>Open defects by severity</h2><svg id="chart-defects" width="100%" height="240" viewBox="0 0 320 240" role="img" aria-label="open defects by severity"></svg></div>
</section>
<div class="card"><h2>Traffic per hour (requests)</h2><svg id="chart-traffic" width="100%" height="180" viewBox="0 0 720 180" role="img" aria-label="requests per hour"></svg></div>
<div class="card"><h2>Riskiest callers</h2>${table(actors, [['score', 'score'], ['severity', 'severity'], ['actor_type', 'type'], ['actor', 'actor'], ['scenario', 'scenario'], ['first_seen', 'from'], ['last_seen', 'to'], ['why', 'why']], 'No risky callers this day.')}</div>
<div class="card"><h2>Open defects</h2>${table(d.openDefects, [['severity', 'severity'], ['owasp', 'OWASP'], ['title', 'defect'], ['method', 'method'], ['template', 'endpoint'], ['domain_name', 'API'], ['last_seen', 'last seen'], ['fix', 'how to fix']], 'No open defects.')}</div>
<div class="card"><h2>New endpoints</h2>${table(d.newEndpoints, [['method', 'method'], ['template', 'template'], ['domain_name', 'API'], ['first_seen', 'first seen'], ['requests', 'requests']], 'No new endpoints this day.')}</div>
</main>
<script type="application/json" id="report-data">${scriptJson(chartData)}</script>
<script>
(function () {
  var d = JSON.parse(document.getElementById('report-data').textContent);
  var NS = 'http://www.w3.org/2000/svg';
  function el(name, attrs, parent, text) { var e = document.createElementNS(NS, name); for (var k in attrs) e.setAttribute(k, attrs[k]); if (text !== undefined) e.textContent = text; parent.appendChild(e); return e; }
  var palette = ['#dc2626', '#f59e0b', '#2563eb', '#7c3aed', '#059669', '#db2777', '#0891b2', '#65a30d', '#9333ea', '#ea580c'];
  function bars(svg, series, W, H, colorOf) {
    var max = 1, hours = []; for (var h = 0; h < 24; h++) { var t = 0; for (var k in series) t += (series[k][h] || 0); hours.push(t); if (t > max) max = t; }
    var left = 36, bw = (W - left - 8) / 24, top = 10, ph = H - 34;
    el('line', { x1: left, y1: top + ph, x2: W - 4, y2: top + ph, stroke: '#d1d5db' }, svg);
    el('text', { x: 2, y: top + 10 }, svg, String(max));
    for (var h2 = 0; h2 < 24; h2++) {
      var y = top + ph, keys = Object.keys(series);
      for (var i = 0; i < keys.length; i++) { var v = series[keys[i]][h2] || 0; if (!v) continue; var bh = v / max * ph; y -= bh; el('rect', { x: left + h2 * bw + 1, y: y, width: Math.max(1, bw - 2), height: bh, fill: colorOf(keys[i], i), 'data-hour': h2 }, svg); }
      if (h2 % 3 === 0) el('text', { x: left + h2 * bw, y: H - 8 }, svg, String(h2).padStart(2, '0') + 'h');
    }
  }
  var risk = {}; d.riskByHour.forEach(function (r) { (risk[r.scenario] = risk[r.scenario] || {})[Number(r.hour)] = Number(r.actors); });
  var scen = Object.keys(risk);
  bars(document.getElementById('chart-risk'), risk, 720, 240, function (k, i) { return palette[i % palette.length]; });
  var lg = document.getElementById('legend-risk'); scen.forEach(function (s, i) { var sp = document.createElement('span'); var ic = document.createElement('i'); ic.style.background = palette[i % palette.length]; sp.appendChild(ic); sp.appendChild(document.createTextNode(s)); lg.appendChild(sp); });
  var traffic = { requests: {} }; d.trafficByHour.forEach(function (r) { traffic.requests[Number(r.hour)] = Number(r.requests); });
  bars(document.getElementById('chart-traffic'), traffic, 720, 180, function () { return '#2563eb'; });
  var sv = document.getElementById('chart-defects'), order = ['critical', 'high', 'medium', 'low', 'info'], counts = {}, mx = 1;
  d.defectsBySeverity.forEach(function (r) { counts[r.severity] = Number(r.defects); if (counts[r.severity] > mx) mx = counts[r.severity]; });
  order.forEach(function (s, i) { var v = counts[s] || 0, w = v / mx * 200; el('text', { x: 4, y: 30 + i * 40 }, sv, s); el('rect', { x: 70, y: 18 + i * 40, width: Math.max(v ? 2 : 0, w), height: 18, fill: d.sevColor[s] }, sv); el('text', { x: 76 + w, y: 31 + i * 40 }, sv, String(v)); });
  document.body.setAttribute('data-charts', 'drawn');
})();
</script>
</body></html>
`;
}
