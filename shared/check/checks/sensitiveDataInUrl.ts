import type { Check, Finding } from '../types.ts';
import type { Severity } from '../../emit/rows.ts';
import { parseMaskToken } from '../../sensitive/maskPath.ts';
import { addSample, capRecord, pruneDue, maxSeverity, round } from '../util.ts';

/** A segment of digits only. */
const DIGITS = /^\d+$/;

/** Kinds no ordinary identifier looks like: one sighting is enough. */
const STRONG_KINDS = new Set(['email', 'jwt', 'password', 'api_token']);
const KIND_SEVERITY: Record<string, Severity> = {
  password: 'high', api_token: 'high', jwt: 'high', bank_card: 'high', cn_resident_id: 'high',
  email: 'medium', cn_mobile: 'medium', ipv4: 'low',
};

interface PositionStats {
  /** Plain (unmasked) all-digit values of 11-19 digits: the id space phone/card/ID look-alikes come from. */
  plainLongDigits: number;
  kinds: Record<string, number>;
  /** Masked display samples only (`138****5678`), never values. */
  samples: string[];
  lastTs: number;
}

export interface SensitiveDataInUrlState {
  /** `<endpoint key>|seg:<i>` or `<endpoint key>|q:<name>`. */
  positions: Record<string, PositionStats>;
  /** Requests per endpoint key (the denominator of the shares). */
  endpoints: Record<string, { n: number; lastTs: number }>;
}

const thresholds = {
  /** Weak kinds (phone, card, ID numbers can be look-alike ids): share of values at the position that must be of that kind. */
  minShareWeak: 0.3,
  /** Share of the kind among all 11-19 digit values at the position (separates phone numbers from numeric ids). */
  minShapeShareWeak: 0.8,
  /** ...and at least this many sensitive values at the position. */
  minCountWeak: 3,
  /** Strong kinds (email, JWT, password, token): sensitive values needed. */
  minCountStrong: 1,
  maxPositions: 20_000,
};

/**
 * Sensitive data (phone, ID, card numbers, emails, JWTs, passwords, tokens) in the URL path or query. Judged per
 * template parameter position so that numeric ids which merely look like phone numbers are not reported:
 * weak kinds need most values at that position to be of the kind.
 */
export const sensitiveDataInUrl: Check<SensitiveDataInUrlState, typeof thresholds> = {
  definition: {
    id: 'sensitive_data_in_url',
    title: 'Sensitive data in the URL',
    owasp: 'API8:2023',
    severity: 'medium',
    fix: 'Move personal data, credentials and tokens out of the URL: send them in the request body or an Authorization header, and use opaque ids in paths. URLs end up in access logs, proxies, browser history and Referer headers.',
    evidence: 'kind, position (path parameter or query key), share of values of that kind, masked display samples (e.g. 138****5678)',
    thresholds,
  },
  initialState: () => ({ positions: {}, endpoints: {} }),
  evaluate(win, state, t) {
    const hits = new Map<string, { count: number; ts: number; positions: Set<string>; domain: string; method: string; template: string }>();
    for (const [key, evs] of win.byEndpoint) {
      // Shares are over every request to the endpoint, counted before any sensitive value showed up.
      const e = (state.endpoints[key] ??= { n: 0, lastTs: evs[0].ts });
      e.n += evs.length; e.lastTs = evs[evs.length - 1].ts;
      for (const r of evs) {
        // Most requests carry neither a masked value nor a long number: nothing to look at.
        if (!r.longDigits && !r.masked) continue;
        const { ev } = r;
        if (r.longDigits) {
          const segs = ev.path.split('/');
          for (let i = 1; i < segs.length; i++) {
            if (segs[i].length < 11 || segs[i].length > 19 || !DIGITS.test(segs[i])) continue;
            const p = state.positions[`${key}|seg:${i}`];
            if (p) { p.plainLongDigits++; p.lastTs = ev.ts; }
            else state.positions[`${key}|seg:${i}`] = { plainLongDigits: 1, kinds: {}, samples: [], lastTs: ev.ts };
          }
        }
        if (!r.masked) continue;
        const tokens: Array<[string, string]> = [];
        if (ev.path.includes('*')) {
          const segs = ev.path.split('/');
          for (let i = 1; i < segs.length; i++) if (segs[i].charCodeAt(0) === 42) tokens.push([`seg:${i}`, segs[i]]);
        }
        if (ev.query.includes('*')) {
          for (const part of ev.query.split('&')) {
            const eq = part.indexOf('=');
            if (eq > 0 && part.charCodeAt(eq + 1) === 42) tokens.push([`q:${part.slice(0, eq)}`, part.slice(eq + 1)]);
          }
        }
        if (tokens.length === 0) continue;
        for (const [pos, tok] of tokens) {
          const m = parseMaskToken(tok);
          if (!m) continue;
          const pk = `${key}|${pos}`;
          const p = (state.positions[pk] ??= { plainLongDigits: 0, kinds: {}, samples: [], lastTs: ev.ts });
          p.lastTs = ev.ts;
          p.kinds[m.kind] = (p.kinds[m.kind] ?? 0) + 1;
          addSample(p.samples, `${m.kind}:${m.display}`, 3);
          const h = hits.get(key) ?? { count: 0, ts: ev.ts, positions: new Set<string>(), domain: ev.domainName, method: ev.method, template: r.template! };
          h.count++; h.ts = ev.ts; h.positions.add(pos);
          hits.set(key, h);
        }
      }
    }
    const out: Finding[] = [];
    for (const [key, h] of hits) {
      let severity: Severity = 'info';
      const where: Array<Record<string, unknown>> = [];
      for (const pos of [...h.positions].sort()) {
        const p = state.positions[`${key}|${pos}`];
        const n = state.endpoints[key].n;
        for (const [kind, c] of Object.entries(p.kinds).sort()) {
          const share = c / n;
          // Numeric kinds: among the long numbers seen at this position, most must be of the kind. Random 11-digit
          // ids look like CN mobiles ~8% of the time and pass Luhn 10% of the time; real phone columns ~100%.
          const shapeShare = c / (c + p.plainLongDigits);
          const ok = STRONG_KINDS.has(kind) ? c >= t.minCountStrong : c >= t.minCountWeak && share >= t.minShareWeak && shapeShare >= t.minShapeShareWeak;
          if (!ok) continue;
          severity = maxSeverity(severity, KIND_SEVERITY[kind] ?? 'medium');
          where.push({ position: describePosition(pos, h.template), kind, values: c, of: n, share: round(share, 2), otherLongNumbers: p.plainLongDigits, samples: p.samples.filter((s) => s.startsWith(kind + ':')).map((s) => s.slice(kind.length + 1)) });
        }
      }
      if (where.length === 0) continue;
      out.push({ type: this.definition.id, domain: h.domain, method: h.method, template: h.template, severity, count: h.count, ts: h.ts, evidence: { positions: where } });
    }
    if (pruneDue(win)) capRecord(state.positions, t.maxPositions, (p) => p.lastTs);
    if (pruneDue(win)) capRecord(state.endpoints, t.maxPositions, (p) => p.lastTs);
    return out;
  },
};

function describePosition(pos: string, template: string): string {
  if (pos.startsWith('q:')) return `query parameter "${pos.slice(2)}"`;
  const i = Number(pos.slice(4));
  const seg = template.split('/')[i];
  return seg && seg.startsWith('{') ? `path parameter ${seg}` : `path segment ${i}`;
}
