import { queryLake } from './lakeQuery.ts';
import { inventorySql } from '../shared/report/inventory.ts';
import { visible } from '../shared/report/visibleText.ts';

const ENDPOINTS_SHOWN = 8;
const DEFECTS_SHOWN = 10;
const CALLERS_SHOWN = 10;

/** "  ... and 12 more" when a list shows fewer than it counts, so a cut list is never read as complete. */
function more(shown: number, total: number, what: string): string[] {
  return total > shown ? [`  ... and ${total - shown} more ${what}`] : [];
}

/**
 * A short human summary of a findings lake: endpoints, defects, risky callers and why. Printed to a terminal,
 * so every logged value (actor ids, templates, domains) goes through {@link visible}.
 */
export async function summarizeLake(dir: string): Promise<string> {
  const q = async (sql: string) => (await queryLake(dir, sql)).rows;
  const v = (x: unknown) => visible(String(x ?? ''));
  const out: string[] = [];
  const [ep] = await q(`SELECT count(*) AS n, count(DISTINCT domain_name) AS domains FROM (${inventorySql()}) i`);
  out.push(`Endpoints discovered: ${ep.n} across ${ep.domains} API domain(s)`);
  const top = await q(`SELECT domain_name, method, template, request_count AS requests, sensitive_types AS sensitive FROM (${inventorySql()}) i ORDER BY requests DESC, domain_name, method, template LIMIT ${ENDPOINTS_SHOWN}`);
  for (const r of top) out.push(`  ${v(r.method).padEnd(6)} ${v(r.domain_name)}${v(r.template)}  (${r.requests} req${(r.sensitive as string[])?.length ? `, sensitive: ${v((r.sensitive as string[]).join(','))}` : ''})`);
  out.push(...more(top.length, Number(ep.n), 'endpoints'));
  const defects = await q(`SELECT defect_type, severity, domain_name, method, template, title, owasp FROM (SELECT *, row_number() OVER (PARTITION BY defect_id ORDER BY last_seen DESC) AS rn FROM defects) WHERE rn = 1 AND status <> 'resolved' ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, defect_type`);
  out.push(`Open defects: ${defects.length}`);
  for (const d of defects.slice(0, DEFECTS_SHOWN)) out.push(`  [${v(d.severity).toUpperCase()}] ${v(d.owasp)} ${v(d.title)} - ${v(d.method)} ${v(d.domain_name)}${v(d.template)}`);
  out.push(...more(Math.min(defects.length, DEFECTS_SHOWN), defects.length, 'defects'));
  // One line per scenario on an API (a campaign of 540 stuffing addresses is one line, with its count), its
  // highest-scoring caller named: ten copies of one campaign would hide every other attacker.
  const risky = await q(`WITH a AS (SELECT actor_type, actor, max(score) AS score, arg_max(scenario, score) AS scenario, arg_max(domain_name, score) AS domain_name, list_distinct(flatten(list(detectors))) AS detectors, min(window_start) AS first, max(window_end) AS last FROM risk_events GROUP BY actor_type, actor),
    g AS (SELECT *, count(*) OVER (PARTITION BY scenario, domain_name) AS actors, row_number() OVER (PARTITION BY scenario, domain_name ORDER BY score DESC, CASE actor_type WHEN 'principal' THEN 0 WHEN 'api_key' THEN 1 WHEN 'ip' THEN 2 ELSE 3 END, actor) AS rn FROM a)
    SELECT * FROM g WHERE rn = 1 ORDER BY score DESC, actors DESC, scenario, domain_name LIMIT ${CALLERS_SHOWN}`);
  const [rc] = await q(`SELECT count(DISTINCT actor_type || ':' || actor) AS n FROM risk_events`);
  out.push(`Risky callers: ${rc.n}`);
  let shown = 0;
  for (const r of risky) {
    shown += Number(r.actors);
    const others = Number(r.actors) - 1;
    out.push(`  ${String(r.score).padStart(3)} ${v(r.actor_type)}:${v(r.actor)}  ${v(r.scenario)}  (${v((r.detectors as string[]).join(', '))}; ${v(String(r.first).slice(11, 16))}-${v(String(r.last).slice(11, 16))} UTC)${others > 0 ? ` with ${others} more caller${others > 1 ? 's' : ''} in this ${v(r.scenario)} on ${v(r.domain_name)}` : ''}`);
  }
  out.push(...more(shown, Number(rc.n), 'risky callers'));
  return out.join('\n');
}
