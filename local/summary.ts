import { queryLake } from './lakeQuery.ts';

/** A short human summary of a findings lake: endpoints, defects, risky callers and why. */
export async function summarizeLake(dir: string): Promise<string> {
  const q = async (sql: string) => (await queryLake(dir, sql)).rows;
  const out: string[] = [];
  const [ep] = await q(`SELECT count(*) AS n, count(DISTINCT domain_name) AS domains FROM (SELECT DISTINCT domain_name, method, template FROM endpoints)`);
  out.push(`Endpoints discovered: ${ep.n} across ${ep.domains} API domain(s)`);
  for (const r of await q(`SELECT domain_name, method, template, max(request_count) AS requests, list_distinct(flatten(list(sensitive_types))) AS sensitive FROM endpoints GROUP BY ALL ORDER BY requests DESC LIMIT 8`))
    out.push(`  ${String(r.method).padEnd(6)} ${r.domain_name}${r.template}  (${r.requests} req${(r.sensitive as string[])?.length ? `, sensitive: ${(r.sensitive as string[]).join(',')}` : ''})`);
  const defects = await q(`SELECT defect_type, severity, domain_name, method, template, title, owasp FROM (SELECT *, row_number() OVER (PARTITION BY defect_id ORDER BY last_seen DESC) AS rn FROM defects) WHERE rn = 1 AND status <> 'resolved' ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, defect_type`);
  out.push(`Open defects: ${defects.length}`);
  for (const d of defects.slice(0, 10)) out.push(`  [${String(d.severity).toUpperCase()}] ${d.owasp} ${d.title} - ${d.method} ${d.domain_name}${d.template}`);
  const risky = await q(`SELECT actor_type, actor, max(score) AS score, arg_max(scenario, score) AS scenario, list_distinct(flatten(list(detectors))) AS detectors, min(window_start) AS first, max(window_end) AS last FROM risk_events GROUP BY actor_type, actor ORDER BY score DESC, actor LIMIT 10`);
  const [rc] = await q(`SELECT count(DISTINCT actor_type || ':' || actor) AS n FROM risk_events`);
  out.push(`Risky callers: ${rc.n}`);
  for (const r of risky) out.push(`  ${String(r.score).padStart(3)} ${r.actor_type}:${r.actor}  ${r.scenario}  (${(r.detectors as string[]).join(', ')}; ${String(r.first).slice(11, 16)}-${String(r.last).slice(11, 16)} UTC)`);
  return out.join('\n');
}
