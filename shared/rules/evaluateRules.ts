import type { Finding, ResolvedEvent, WindowView } from '../check/types.ts';
import type { EndpointInfo } from '../engine/types.ts';
import type { CustomRule } from './types.ts';
import { compileCondition, type Predicate } from './compileCondition.ts';
import { parseDuration } from './parseDuration.ts';
import { readField, type RuleSubject } from './fields.ts';

interface GroupCounter {
  /** [bucket start, count], oldest first; at most BUCKETS + 1 entries. */
  buckets: Array<[number, number]>;
  lastTs: number;
}

export interface RulesState {
  /** rule id -> group value -> counter. */
  groups: Record<string, Record<string, GroupCounter>>;
}

/** Threshold windows are counted in this many buckets (resolution: within / BUCKETS). */
const BUCKETS = 20;
/** Distinct group values remembered per rule (least recently seen are dropped). */
export const MAX_GROUPS_PER_RULE = 5000;

interface CompiledRule { rule: CustomRule; type: string; match: Predicate; withinMs: number; bucketMs: number }

/** Compiles validated rules once; evaluation then only runs predicates (no code from the rules file). */
export function compileRules(rules: readonly CustomRule[]): CompiledRule[] {
  return rules.map((rule) => {
    const withinMs = rule.threshold ? parseDuration(rule.threshold.within)! : 0;
    return { rule, type: `custom:${rule.id}`, match: compileCondition(rule.when), withinMs, bucketMs: Math.max(1000, Math.ceil(withinMs / BUCKETS)) };
  });
}

/**
 * Runs the custom rules over one window. Without a threshold every matching request is an occurrence on its
 * endpoint; with one, an occurrence is recorded when `count` matches fall within `within` (per `groupBy` value).
 */
export function evaluateRules(win: WindowView, state: RulesState, rules: readonly CompiledRule[]): Finding[] {
  const out: Finding[] = [];
  for (const id of Object.keys(state.groups)) if (!rules.some((cr) => cr.rule.id === id)) delete state.groups[id];
  for (const cr of rules) {
    const hits = new Map<string, Finding>();
    const groups = (state.groups[cr.rule.id] ??= {});
    // One subject per rule, pointed at each request in turn: predicates read it while they run and keep nothing.
    let r: ResolvedEvent | null = null;
    let info: EndpointInfo | undefined | null = null;
    const endpoint = () => (info === null ? (info = r!.template ? win.endpoints.endpointInfo(r!.ev.domainName, r!.ev.method, r!.template) : undefined) : info);
    let subject: RuleSubject | null = null;
    for (const current of win.events) {
      r = current;
      info = null;
      if (subject === null) subject = { ev: r.ev, template: r.template, endpoint };
      else { subject.ev = r.ev; subject.template = r.template; }
      if (!cr.match(subject)) continue;
      let fired = true;
      let groupValue: string | null = null, inWindow = 1;
      if (cr.rule.threshold) {
        groupValue = cr.rule.threshold.groupBy ? String(readField(subject, cr.rule.threshold.groupBy) ?? '(none)') : '*';
        const g = (groups[groupValue] ??= { buckets: [], lastTs: 0 });
        const b = r.ev.ts - (r.ev.ts % cr.bucketMs);
        const last = g.buckets[g.buckets.length - 1];
        if (last && last[0] === b) last[1]++; else g.buckets.push([b, 1]);
        while (g.buckets.length && g.buckets[0][0] + cr.bucketMs <= r.ev.ts - cr.withinMs) g.buckets.shift();
        g.lastTs = r.ev.ts;
        inWindow = g.buckets.reduce((a, x) => a + x[1], 0);
        fired = inWindow >= cr.rule.threshold.count;
      }
      if (!fired) continue;
      const template = r.template ?? '*';
      const k = `${r.ev.domainName} ${r.ev.method} ${template}`;
      const f = hits.get(k);
      if (f) {
        f.count++; f.ts = r.ev.ts;
        const ev = f.evidence as { maxInWindow?: number; groups?: string[] };
        if (ev.maxInWindow !== undefined) ev.maxInWindow = Math.max(ev.maxInWindow, inWindow);
        if (groupValue !== null && ev.groups && ev.groups.length < 5 && !ev.groups.includes(groupValue)) ev.groups.push(groupValue);
      } else {
        hits.set(k, {
          type: cr.type, domain: r.ev.domainName, method: r.ev.method, template, count: 1, ts: r.ev.ts,
          evidence: {
            rule: cr.rule.id, ...(cr.rule.description ? { description: cr.rule.description } : {}),
            samplePath: r.ev.path + (r.ev.query ? '?' + r.ev.query : ''), sampleStatus: r.ev.status,
            ...(cr.rule.threshold ? { threshold: cr.rule.threshold, maxInWindow: inWindow, groups: groupValue !== null ? [groupValue] : [] } : {}),
          },
        });
      }
    }
    out.push(...hits.values());
    const keys = Object.keys(groups);
    if (keys.length > MAX_GROUPS_PER_RULE) {
      keys.sort((a, b) => groups[a].lastTs - groups[b].lastTs || (a < b ? -1 : 1));
      for (const k of keys.slice(0, keys.length - MAX_GROUPS_PER_RULE)) delete groups[k];
    }
    // Groups whose newest bucket left the threshold window carry no information any more.
    for (const k of Object.keys(groups)) if (groups[k].lastTs < win.windowEnd - cr.withinMs - cr.bucketMs) delete groups[k];
  }
  return out;
}
