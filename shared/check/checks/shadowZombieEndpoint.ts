import type { Check, Finding } from '../types.ts';
import { is2xx } from '../util.ts';
import { matchOperation } from '../spec/parseSpec.ts';
import { splitVersion } from './deprecatedVersion.ts';

export interface ShadowZombieState { checked: number }

const thresholds = {
  /** 2xx answers an undocumented endpoint needs in a window. */
  minRequests2xx: 1,
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
  initialState: () => ({ checked: 0 }),
  evaluate(win, state, t) {
    if (win.specs.length === 0) return [];
    const out: Finding[] = [];
    for (const evs of win.byEndpoint.values()) {
      const { domainName: domain, method } = evs[0].ev;
      const template = evs[0].template!;
      const spec = win.specFor(domain);
      if (!spec) continue;
      let n = 0, ts = 0;
      for (const r of evs) if (is2xx(r.ev.status)) { n++; ts = r.ev.ts; }
      if (n < t.minRequests2xx) continue;
      state.checked++;
      if (matchOperation(spec, method, template)) continue;
      const v = splitVersion(template);
      let documented: string | null = null;
      if (v) {
        for (const op of spec.operations) {
          const ov = splitVersion(op.path);
          if (op.method === method && ov && ov.version > v.version && ov.rest === v.rest) { documented = `${op.method} ${op.path}`; break; }
        }
      }
      out.push({
        type: documented ? 'zombie_endpoint' : 'shadow_endpoint', domain, method, template, count: n, ts,
        severity: documented ? 'high' : 'medium',
        ...(documented ? { title: 'Retired (zombie) API version still answers', fix: 'Delete the old route or stage: the spec only documents the newer version, so the old one is unmaintained and unmonitored.' } : { title: 'Undocumented (shadow) endpoint answers' }),
        evidence: { spec: spec.title, requests2xx: n, ...(documented ? { documentedNewerOperation: documented } : {}) },
      });
    }
    return out;
  },
};
