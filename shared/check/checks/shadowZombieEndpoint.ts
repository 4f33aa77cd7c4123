import type { Check, Finding } from '../types.ts';
import { capRecord, is2xx, pruneDue } from '../util.ts';
import { matchInSpecs } from '../spec/parseSpec.ts';
import { splitVersion } from './deprecatedVersion.ts';

export interface ShadowZombieState {
  /** Undocumented endpoint key -> 2xx answers so far. */
  seen: Record<string, { n2xx: number; lastTs: number }>;
  /** Domain -> undocumented endpoints reported one by one (up to maxPerDomain). */
  individual: Record<string, string[]>;
}

const thresholds = {
  /** 2xx answers (in total) an undocumented endpoint needs before it is reported: one-off paths are noise. */
  minRequests2xx: 3,
  /** Undocumented endpoints reported one by one per domain; beyond that, one summary defect per domain. */
  maxPerDomain: 10,
  maxEndpoints: 20_000,
};

/**
 * With an imported spec: endpoints answering 2xx that the spec does not document (shadow), and old versions of
 * documented operations that still answer although the spec only lists a newer version (zombie).
 */
export const shadowZombieEndpoint: Check<ShadowZombieState, typeof thresholds> = {
  definition: {
    id: 'shadow_endpoint',
    title: 'Undocumented (shadow) or retired (zombie) endpoint answers',
    owasp: 'API9:2023',
    severity: 'medium',
    fix: 'Either document the endpoint in the spec (and give it the same authorizer and throttling as the rest) or remove the route. For zombie versions, delete the old route or stage.',
    evidence: 'spec title, 2xx requests in the window, for zombies the documented newer operation',
    thresholds,
    needsSpec: true,
  },
  initialState: () => ({ seen: {}, individual: {} }),
  evaluate(win, state, t) {
    if (win.specs.length === 0) return [];
    const out: Finding[] = [];
    const summary = new Map<string, { n: number; ts: number; sample: string[] }>();
    for (const [key, evs] of win.byEndpoint) {
      const { domainName: domain, method } = evs[0].ev;
      const template = evs[0].template!;
      const specs = win.specsFor(domain);
      if (specs.length === 0) continue;
      let n = 0, ts = 0;
      for (const r of evs) if (is2xx(r.status)) { n++; ts = r.ts; }
      if (n === 0 || matchInSpecs(specs, method, template)) continue;
      const seen = (state.seen[key] ??= { n2xx: 0, lastTs: 0 });
      seen.n2xx += n; seen.lastTs = ts;
      if (seen.n2xx < t.minRequests2xx) continue;
      const v = splitVersion(template);
      let documented: string | null = null;
      if (v) {
        for (const op of specs.flatMap((x) => x.operations)) {
          const ov = splitVersion(op.path);
          if (op.method === method && ov && ov.version > v.version && ov.rest === v.rest) { documented = `${op.method} ${op.path}`; break; }
        }
      }
      const listed = (state.individual[domain] ??= []);
      if (!documented && !listed.includes(key)) {
        if (listed.length >= t.maxPerDomain) {
          const sm = summary.get(domain) ?? { n: 0, ts: 0, sample: [] };
          sm.n += n; sm.ts = Math.max(sm.ts, ts);
          if (sm.sample.length < 10) sm.sample.push(`${method} ${template}`);
          summary.set(domain, sm);
          continue;
        }
        listed.push(key);
      }
      out.push({
        type: documented ? 'zombie_endpoint' : 'shadow_endpoint', domain, method, template, count: n, ts,
        severity: documented ? 'high' : 'medium',
        ...(documented ? { title: 'Retired (zombie) API version still answers', fix: 'Delete the old route or stage: the spec only documents the newer version, so the old one is unmaintained and unmonitored.' } : { title: 'Undocumented (shadow) endpoint answers' }),
        evidence: { spec: specs.map((x) => x.title).join(', '), requests2xx: n, ...(documented ? { documentedNewerOperation: documented } : {}) },
      });
    }
    for (const [domain, sm] of summary) {
      out.push({
        type: 'shadow_endpoint', domain, method: '*', template: '*', count: sm.n, ts: sm.ts, severity: 'medium',
        title: 'Many undocumented (shadow) endpoints answer',
        fix: 'The spec is out of date or routes are exposed by mistake: export the observed inventory (apiscope discover), review it with the API owners, document what should exist and remove the rest.',
        evidence: { spec: specsTitle(win.specsFor(domain)), beyondFirst: t.maxPerDomain, requests2xx: sm.n, sample: sm.sample },
      });
    }
    if (pruneDue(win)) capRecord(state.seen, t.maxEndpoints, (x) => x.lastTs);
    return out;
  },
};

const specsTitle = (specs: readonly { title: string }[]): string => specs.map((x) => x.title).join(', ');
