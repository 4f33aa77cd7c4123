import type { Check, Finding } from '../types.ts';
import { capRecord, memo, pruneDue, is2xx } from '../util.ts';
import { matchInSpecs, shapeOf } from '../spec/parseSpec.ts';

const VERSION = /^v(\d+)(?:\.(\d+))?$/i;

/** Splits a template at its first version segment: `/api/v1/users/{id}` -> { prefix '/api', version 1.0, rest '/users/{}' }. */
export const splitVersion = memo(splitVersionUncached);

function splitVersionUncached(template: string): { prefix: string; version: number; label: string; rest: string } | null {
  const segs = template.split('/');
  for (let i = 1; i < segs.length; i++) {
    const m = VERSION.exec(segs[i]);
    if (m) return { prefix: segs.slice(0, i).join('/'), version: Number(m[1]) + Number(m[2] ?? 0) / 1000, label: segs[i], rest: shapeOf('/' + segs.slice(i + 1).join('/')) };
  }
  return null;
}

export interface DeprecatedVersionState {
  /** `domain method prefix rest` -> version label -> last time it answered 2xx. */
  families: Record<string, Record<string, number>>;
  lastTs: Record<string, number>;
}

const thresholds = {
  /** A newer version counts as current when it answered 2xx within this long (ms). */
  newerSeenWithinMs: 7 * 86_400_000,
  maxFamilies: 20_000,
};

/**
 * An old API version (`/v1/...`) still answers 2xx while the same operation exists under a newer version
 * (`/v2/...`), or the imported spec marks the operation deprecated and it is still called successfully.
 */
export const deprecatedVersion: Check<DeprecatedVersionState, typeof thresholds> = {
  definition: {
    id: 'deprecated_version',
    title: 'Deprecated API version still in use',
    owasp: 'API9:2023',
    severity: 'medium',
    fix: 'Announce a sunset date (Deprecation/Sunset headers), move the remaining callers (see evidence) to the newer version, then remove the old route or stage so it stops answering. Old versions rarely get the newer security fixes.',
    evidence: 'old and newer version, 2xx requests to the old one in the window, or the spec operation marked deprecated',
    thresholds,
  },
  initialState: () => ({ families: {}, lastTs: {} }),
  evaluate(win, state, t) {
    const seen: Array<{ key: string; fam: string; label: string; version: number; n: number; ts: number; domain: string; method: string; template: string }> = [];
    for (const [key, evs] of win.byEndpoint) {
      const { domainName: domain, method } = evs[0].ev;
      const template = evs[0].template!;
      let n = 0, ts = 0;
      for (const r of evs) if (is2xx(r.status)) { n++; ts = r.ts; }
      if (n === 0) continue;
      const v = splitVersion(template);
      if (v) {
        const fam = `${domain} ${method} ${v.prefix} ${v.rest}`;
        (state.families[fam] ??= {})[v.label] = ts;
        state.lastTs[fam] = ts;
        seen.push({ key, fam, label: v.label, version: v.version, n, ts, domain, method, template });
      } else seen.push({ key, fam: '', label: '', version: 0, n, ts, domain, method, template });
    }
    const out: Finding[] = [];
    for (const s of seen) {
      let newer: string | null = null;
      if (s.fam) {
        for (const [label, last] of Object.entries(state.families[s.fam])) {
          const v = splitVersion('/' + label)!.version;
          if (v > s.version && s.ts - last <= t.newerSeenWithinMs && (!newer || v > splitVersion('/' + newer)!.version)) newer = label;
        }
      }
      const specs = win.specsFor(s.domain);
      const specCovers = specs.length > 0;
      const op = specCovers ? matchInSpecs(specs, s.method, s.template) : null;
      // Undocumented old versions are the shadow/zombie check's business when a spec is imported.
      if (specCovers && !op) continue;
      const specDeprecated = op?.deprecated === true;
      if (!newer && !specDeprecated) continue;
      out.push({
        type: this.definition.id, domain: s.domain, method: s.method, template: s.template, count: s.n, ts: s.ts,
        severity: specDeprecated ? 'medium' : 'low',
        evidence: { version: s.label || null, newerVersion: newer, deprecatedInSpec: specDeprecated, requests2xx: s.n },
      });
    }
    if (pruneDue(win)) {
      capRecord(state.lastTs, t.maxFamilies, (x) => x);
      for (const k of Object.keys(state.families)) if (!(k in state.lastTs)) delete state.families[k];
    }
    return out;
  },
};
