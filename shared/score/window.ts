import type { AccessEvent } from '../normalize/types.ts';
import type { EndpointResolver } from '../engine/types.ts';
import { classifyUserAgent, type UaClass } from './uaClass.ts';
import type { ActorType } from './types.ts';
import { idDigest, type Profile } from './state.ts';

/** `<type>|<id>`: the key of an actor in state and findings. */
export function actorKey(t: ActorType, id: string): string {
  return `${t}|${id}`;
}

export function splitActorKey(k: string): { type: ActorType; id: string } {
  const i = k.indexOf('|');
  return { type: k.slice(0, i) as ActorType, id: k.slice(i + 1) };
}

/** What one actor did on one endpoint in the window. */
export interface TemplateUse {
  key: string;
  /** Digest of the endpoint key (what profiles store). */
  id: string;
  domain: string;
  method: string;
  template: string;
  n: number;
  ok: number;
  e4: number;
  e401: number;
  e403: number;
  e404: number;
  e429: number;
  e5: number;
  bytes: number;
  unauth: number;
  /** Distinct id values (masked tokens stay distinct by their hash). */
  ids: Set<string>;
  /** Numeric ids, in request order (bounded), for walk detection. */
  nums: number[];
  /** Requests whose id this actor had never used before (not in its profile nor earlier in the window). */
  newIds: number;
  /** Predecessor endpoint keys (principals only). */
  prevs: Map<string, number>;
  samples: string[];
}

/** One actor's window: counts, what it touched, and a few request ids to quote in evidence. */
export interface ActorWindow {
  key: string;
  type: ActorType;
  id: string;
  n: number;
  ok: number;
  e4: number;
  e401: number;
  e403: number;
  e404: number;
  e429: number;
  e5: number;
  bytes: number;
  unauth: number;
  unauthOk: number;
  unauthBytes: number;
  unmatched: number;
  unmatchedPaths: Set<string>;
  tpls: Map<string, TemplateUse>;
  ips: Set<string>;
  prs: Set<string>;
  uas: Set<string>;
  keys: Set<string>;
  classes: Map<UaClass, number>;
  /** First domain the actor called in the window (the usual case is one), and counts per domain. */
  domain: string;
  domains: Map<string, number>;
  first: number;
  last: number;
  samples: string[];
  /** Digests of ids seen in this window (for new-id checks). */
  seenIds: Set<string>;
  /** IPs not in the actor's profile ring (principals). */
  newIps: number;
  idReq: number;
  idNew: number;
  lastTpl: string | null;
  /** The actor's profile before this window (read-only), if any. */
  prof: Profile | undefined;
  /** Endpoint key of the actor's first request in the window (null when unmatched). */
  firstTpl: string | null;
}

/** What everyone did on one endpoint in the window. */
export interface EndpointWindow {
  key: string;
  domain: string;
  method: string;
  template: string;
  n: number;
  ok: number;
  e4: number;
  e404: number;
  e5: number;
  bytes: number;
  /** 401/403 answers, per IP (auth failures). */
  fail: number;
  failIps: Map<string, number>;
  /** 429 answers per IP. */
  throttledIps: Map<string, number>;
  unauth: number;
  okIps: Set<string>;
}

export interface WindowView {
  start: number;
  end: number;
  actors: Map<string, ActorWindow>;
  endpoints: Map<string, EndpointWindow>;
  /** Per domain: requests and UA class mix of authenticated requests in the window. */
  domains: Map<string, { n: number; e4: number; refused: number; cls: Map<UaClass, number> }>;
  events: number;
}

interface Resolved { key: string | null; kid: string; method: string; template: string | null; ids: string[]; digests: string[] }

const SAMPLE_MAX = 5;

function newActor(key: string, type: ActorType, id: string, ts: number, domain: string): ActorWindow {
  return {
    key, type, id, n: 0, ok: 0, e4: 0, e401: 0, e403: 0, e404: 0, e429: 0, e5: 0, bytes: 0, unauth: 0, unauthOk: 0, unauthBytes: 0,
    unmatched: 0, unmatchedPaths: new Set(), tpls: new Map(), ips: new Set(), prs: new Set(), uas: new Set(), keys: new Set(),
    classes: new Map(), domain, domains: new Map(), first: ts, last: ts, samples: [], seenIds: new Set(), newIps: 0, idReq: 0, idNew: 0, lastTpl: null, prof: undefined, firstTpl: null,
  };
}

/** Id values of a concrete path at the template's placeholder positions (same segment count only). */
export function idsOf(path: string, template: string): string[] {
  if (template.indexOf('{') < 0) return [];
  const ps = path.split('/');
  const ts = template.split('/');
  if (ps.length !== ts.length) return [];
  const out: string[] = [];
  for (let i = 0; i < ts.length; i++) if (ts[i].charCodeAt(0) === 123 && !ts[i].endsWith('+}')) out.push(ps[i]);
  return out;
}

/**
 * One pass over the window's events: per-actor and per-endpoint aggregates that detectors read. Reads
 * profiles (never writes them) to tell "id never seen from this actor" and "new IP for this principal".
 */
export function buildWindow(
  events: readonly AccessEvent[],
  resolver: EndpointResolver,
  profiles: Record<string, Profile>,
  start: number,
  end: number,
): WindowView {
  const actors = new Map<string, ActorWindow>();
  const endpoints = new Map<string, EndpointWindow>();
  const domains = new Map<string, { n: number; e4: number; refused: number; cls: Map<UaClass, number> }>();
  // Nested caches keyed by the raw strings: no key concatenation per event.
  const resolved = new Map<string, Map<string, Map<string, Resolved>>>();
  const byType: Record<'ip' | 'principal' | 'api_key', Map<string, ActorWindow>> = { ip: new Map(), principal: new Map(), api_key: new Map() };
  // Profile id rings as sets, built once per actor per window.
  const known = new Map<string, Set<string> | null>();
  const knownIds = (key: string, p: Profile | undefined): Set<string> | null => {
    let s = known.get(key);
    if (s === undefined) { s = p && p.ids.length ? new Set(p.ids) : null; known.set(key, s); }
    return s;
  };

  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    let byMethod = resolved.get(e.domainName);
    if (!byMethod) { byMethod = new Map(); resolved.set(e.domainName, byMethod); }
    let byPath = byMethod.get(e.method);
    if (!byPath) { byPath = new Map(); byMethod.set(e.method, byPath); }
    let r = byPath.get(e.path);
    if (!r) {
      const tpl = resolver.templateOf(e.domainName, e.method, e.path);
      const ids = tpl === null ? [] : idsOf(e.path, tpl);
      const rkey = tpl === null ? null : `${e.domainName} ${e.method} ${tpl}`;
      r = { key: rkey, kid: rkey === null ? '' : idDigest(rkey), method: e.method, template: tpl, ids, digests: ids.map(idDigest) };
      byPath.set(e.path, r);
    }
    const s = e.status;
    const ok = s < 400 ? 1 : 0;
    const e4 = s >= 400 && s < 500 ? 1 : 0;
    const unauth = e.principalId === null ? 1 : 0;
    const cls = classifyUserAgent(e.userAgent);
    const bytes = e.responseLength > 0 ? e.responseLength : 0;

    let d = domains.get(e.domainName);
    if (!d) { d = { n: 0, e4: 0, refused: 0, cls: new Map() }; domains.set(e.domainName, d); }
    d.n++; d.e4 += e4;
    if (s === 401 || s === 403) d.refused++;
    if (!unauth) d.cls.set(cls, (d.cls.get(cls) ?? 0) + 1);

    if (r.key !== null) {
      let ew = endpoints.get(r.key);
      if (!ew) {
        ew = { key: r.key, domain: e.domainName, method: e.method, template: r.template!, n: 0, ok: 0, e4: 0, e404: 0, e5: 0, bytes: 0, fail: 0, failIps: new Map(), throttledIps: new Map(), unauth: 0, okIps: new Set() };
        endpoints.set(r.key, ew);
      }
      ew.n++; ew.ok += ok; ew.e4 += e4; ew.bytes += bytes; ew.unauth += unauth;
      if (s === 404) ew.e404++;
      if (s >= 500) ew.e5++;
      if (s === 401 || s === 403) { ew.fail++; ew.failIps.set(e.ip, (ew.failIps.get(e.ip) ?? 0) + 1); }
      else if (s === 429) ew.throttledIps.set(e.ip, (ew.throttledIps.get(e.ip) ?? 0) + 1);
      else if (ok) ew.okIps.add(e.ip);
    }

    for (let k = 0; k < 3; k++) {
      let type: 'ip' | 'principal' | 'api_key', id: string | null;
      if (k === 0) { type = 'ip'; id = e.ip; }
      else if (k === 1) { type = 'principal'; id = e.principalId; }
      else { type = 'api_key'; id = e.apiKeyId; }
      if (id === null || id === '') continue;
      const m = byType[type];
      let a = m.get(id);
      if (!a) {
        const key = actorKey(type, id);
        a = newActor(key, type, id, e.ts, e.domainName); a.firstTpl = r.key; m.set(id, a); actors.set(key, a);
        a.prof = profiles[key];
      }
      const key = a.key;
      const prof = a.prof;
      a.n++; a.ok += ok; a.e4 += e4; a.bytes += bytes; a.last = e.ts;
      if (s === 401) a.e401++; else if (s === 403) a.e403++; else if (s === 404) a.e404++; else if (s === 429) a.e429++;
      if (s >= 500) a.e5++;
      if (unauth) { a.unauth++; a.unauthOk += ok; if (ok) a.unauthBytes += bytes; }
      if (a.samples.length < SAMPLE_MAX) a.samples.push(e.requestId);
      if (type !== 'ip') { if (!a.ips.has(e.ip)) { a.ips.add(e.ip); if (type === 'principal' && (!prof || !prof.ips.includes(e.ip))) a.newIps++; } }
      else if (e.principalId !== null && a.prs.size < 64) a.prs.add(e.principalId);
      if (a.uas.size < 16) a.uas.add(e.userAgent);
      if (e.apiKeyId && a.keys.size < 16) a.keys.add(e.apiKeyId);
      a.classes.set(cls, (a.classes.get(cls) ?? 0) + 1);
      a.domains.set(e.domainName, (a.domains.get(e.domainName) ?? 0) + 1);
      if (r.key === null) {
        a.unmatched++;
        if (a.unmatchedPaths.size < 256) a.unmatchedPaths.add(e.method + ' ' + e.path);
        continue;
      }
      let u = a.tpls.get(r.key);
      if (!u) {
        u = { key: r.key, id: r.kid, domain: e.domainName, method: e.method, template: r.template!, n: 0, ok: 0, e4: 0, e401: 0, e403: 0, e404: 0, e429: 0, e5: 0, bytes: 0, unauth: 0, ids: new Set(), nums: [], newIds: 0, prevs: new Map(), samples: [] };
        a.tpls.set(r.key, u);
      }
      u.n++; u.ok += ok; u.e4 += e4; u.bytes += bytes; u.unauth += unauth;
      if (s === 401) u.e401++; else if (s === 403) u.e403++; else if (s === 404) u.e404++; else if (s === 429) u.e429++;
      if (s >= 500) u.e5++;
      if (u.samples.length < SAMPLE_MAX) u.samples.push(e.requestId);
      if (r.ids.length) {
        a.idReq++;
        let fresh = true;
        const ks = knownIds(key, prof);
        for (const v of r.digests) if (a.seenIds.has(v) || (ks !== null && ks.has(v))) { fresh = false; break; }
        if (fresh) { u.newIds++; a.idNew++; }
        const last = r.ids[r.ids.length - 1];
        if (u.ids.size < 4096) u.ids.add(last);
        if (u.nums.length < 2048) { const num = parseNumericId(last); if (num !== null) u.nums.push(num); }
        for (const v of r.digests) a.seenIds.add(v);
      }
      if (type === 'principal') {
        const prev = a.lastTpl ?? prof?.last ?? null;
        if (prev !== null && prev !== r.key) u.prevs.set(prev, (u.prevs.get(prev) ?? 0) + 1);
        a.lastTpl = r.key;
      }
    }
  }
  return { start, end, actors, endpoints, domains, events: events.length };
}

function parseNumericId(v: string): number | null {
  if (v.length === 0 || v.length > 15) return null;
  for (let i = 0; i < v.length; i++) { const c = v.charCodeAt(i); if (c < 48 || c > 57) return null; }
  return Number(v);
}

/** The endpoint an actor used most in the window. */
export function topTemplate(a: ActorWindow): TemplateUse | null {
  let best: TemplateUse | null = null;
  for (const u of a.tpls.values()) if (!best || u.n > best.n) best = u;
  return best;
}

/** The domain an actor used most in the window. */
export function topDomain(a: ActorWindow): string {
  let best = '', n = -1;
  for (const [d, c] of a.domains) if (c > n) { best = d; n = c; }
  return best;
}
