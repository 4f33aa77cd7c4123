import { SEVERITY_ORDER, type Severity } from '../../shared/emit/rows.ts';
import type { DeliveredAlert } from './alertTopic.ts';

const COOLDOWN_MS = 3_600_000;
const WINDOW_MS = 300_000;
const atLeast = (s: string, min: string) => SEVERITY_ORDER[s as Severity] >= SEVERITY_ORDER[min as Severity];
const higher = (a: string, b: string) => (SEVERITY_ORDER[b as Severity] > SEVERITY_ORDER[a as Severity] ? b : a);

interface Incident { actorType: string; actor: string; scenario: string; domain: string; start: number; end: number; severity: string }

/**
 * Risk incidents as the findings lake shows them: an actor's risk rows, a new incident after an hour without
 * one (the scoring's incident cooldown), with the highest severity it reached.
 */
export function riskIncidents(rows: ReadonlyArray<Record<string, any>>): Incident[] {
  const byActor = new Map<string, Array<Record<string, any>>>();
  for (const r of rows) (byActor.get(`${r.actor_type}|${r.actor}`) ?? byActor.set(`${r.actor_type}|${r.actor}`, []).get(`${r.actor_type}|${r.actor}`)!).push(r);
  const out: Incident[] = [];
  for (const rs of byActor.values()) {
    rs.sort((a, b) => Date.parse(a.window_start) - Date.parse(b.window_start));
    let cur: Incident | null = null;
    for (const r of rs) {
      const ws = Date.parse(r.window_start);
      if (!cur || ws - cur.end > COOLDOWN_MS) out.push((cur = { actorType: r.actor_type, actor: r.actor, scenario: r.scenario, domain: r.domain_name, start: ws, end: Date.parse(r.window_end), severity: r.severity }));
      cur.end = Date.parse(r.window_end);
      cur.severity = higher(cur.severity, r.severity);
    }
  }
  return out;
}

/** Each generation of each defect (opened, or reopened), with the highest severity it reached. */
export function defectGenerations(rows: ReadonlyArray<Record<string, any>>): Array<{ id: string; generation: number; severity: string; where: string }> {
  const gens = new Map<string, { id: string; generation: number; severity: string; where: string }>();
  for (const r of rows) {
    if (r.status === 'resolved') continue;
    const generation = Number(JSON.parse(r.evidence).generation);
    const k = `${r.defect_id}#${generation}`;
    const g = gens.get(k) ?? gens.set(k, { id: r.defect_id, generation, severity: r.severity, where: `${r.defect_type} ${r.method} ${r.template}` }).get(k)!;
    g.severity = higher(g.severity, r.severity);
  }
  return [...gens.values()];
}

/** Whether an alert names the actor: as its subject, as an identity seen with it, or among a campaign's actors. */
function names(m: Record<string, any>, actorType: string, actor: string): boolean {
  const is = (x: any) => x && x.actorType === actorType && x.actor === actor;
  if (is(m)) return true;
  if (Array.isArray(m.alsoSeenAs) && m.alsoSeenAs.some(is)) return true;
  return Array.isArray(m.actors) && m.actors.some((a: any) => is(a) || (Array.isArray(a.alsoSeenAs) && a.alsoSeenAs.some(is)));
}

/**
 * What did not reach the topic: every risk incident and every defect generation at or above `min` must be
 * in a delivered alert of at least its highest severity. A risk incident is in an alert that names it
 * (directly, as an identity seen with another, or among a campaign's actors) during the incident, or in a
 * campaign alert of its scenario and API sent while it went on or within the hour before (an ongoing
 * campaign folds in members at the severity it has sent). A defect generation is in an alert with its
 * defect id and generation.
 */
export function notDelivered(riskRows: ReadonlyArray<Record<string, any>>, defectRows: ReadonlyArray<Record<string, any>>, delivered: readonly DeliveredAlert[], min: Severity): string[] {
  const missing: string[] = [];
  const alerts = delivered.map((d) => ({ ...d.message, at: Date.parse(String(d.message.time)) }) as Record<string, any>);
  for (const i of riskIncidents(riskRows)) {
    if (!atLeast(i.severity, min)) continue;
    const ok = alerts.some(
      (a) => a.kind === 'risk' && atLeast(a.severity, i.severity) &&
        ((a.at >= i.start && a.at <= i.end + WINDOW_MS && names(a, i.actorType, i.actor)) ||
         (a.campaign === true && a.scenario === i.scenario && a.domain === i.domain && a.at >= i.start - COOLDOWN_MS && a.at <= i.end + WINDOW_MS)),
    );
    if (!ok) missing.push(`risk incident ${i.actorType} ${i.actor} (${i.scenario}, ${i.severity}, ${new Date(i.start).toISOString()})`);
  }
  for (const g of defectGenerations(defectRows)) {
    if (!atLeast(g.severity, min)) continue;
    const ok = alerts.some((a) => a.kind === 'defect' && a.defectId === g.id && String(a.dedupKey).startsWith(`${g.id}#${g.generation}`) && atLeast(a.severity, g.severity));
    if (!ok) missing.push(`defect ${g.where} generation ${g.generation} (${g.severity})`);
  }
  return missing;
}
