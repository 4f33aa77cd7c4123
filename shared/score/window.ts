import type { AccessEvent } from '../normalize/types.ts';
import type { EndpointResolver } from '../engine/types.ts';
import { windowPathsOf, type WindowPaths } from '../engine/windowPaths.ts';
import { classifyUserAgent, type UaClass } from './uaClass.ts';
import type { ActorType } from './types.ts';
import type { Profile } from './state.ts';
import { EndpointNames, PathCache, type EndpointRef, type PathRef } from './pathCache.ts';
import { newProfileRings, type ProfileRings } from './ringIndex.ts';
import { ActorAcc, WindowLog, type RequestFacts } from './actorAcc.ts';

export { idsOf } from './pathCache.ts';

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
  /** Distinct id values (masked tokens stay distinct by their hash), counting at most 4096. */
  distinctIds: number;
  /** Numeric ids, in request order (bounded), for walk detection. */
  nums: number[];
  /** Requests whose id this actor had never used before (not in its profile nor earlier in the window). */
  newIds: number;
  /** Predecessor endpoint keys (principals only). */
  prevs: ReadonlyMap<string, number>;
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
  unmatchedPaths: ReadonlySet<string>;
  tpls: Map<string, TemplateUse>;
  /** Addresses of a principal or API key. */
  ips: ReadonlySet<string>;
  /** Principals behind an address (at most 64). */
  prs: ReadonlySet<string>;
  uas: Set<string>;
  keys: ReadonlySet<string>;
  classes: Map<UaClass, number>;
  /** First domain the actor called in the window (the usual case is one), and counts per domain. */
  domain: string;
  domains: Map<string, number>;
  first: number;
  last: number;
  samples: string[];
  /** Ids seen in this window, first seen first, by digest code (`idCode`; `digestOfCode` is what profiles store). */
  seenIds: readonly number[];
  /** IPs not in the actor's profile ring (principals). */
  newIps: number;
  /** Sum and sum of squares of the gaps between consecutive requests, ms (see cadenceCv). */
  gapSum: number;
  gapSq: number;
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
  /** Rejected requests per IP: 401/403, and 400/422 on POST/PUT (a refused submission). */
  fail: number;
  failIps: Map<string, number>;
  /** 429 answers per IP. */
  throttledIps: Map<string, number>;
  unauth: number;
  okIps: Set<string>;
}

export interface DomainWindow {
  n: number;
  e4: number;
  refused: number;
  cls: Map<UaClass, number>;
}

export interface WindowView {
  start: number;
  end: number;
  actors: Map<string, ActorWindow>;
  endpoints: Map<string, EndpointWindow>;
  /** Per domain: requests and UA class mix of authenticated requests in the window. */
  domains: Map<string, DomainWindow>;
  events: number;
}

/** What buildWindow keeps from one window to the next (not state: rebuilt when missing, same results). */
export interface WindowCaches {
  rings: ProfileRings;
  endpoints: EndpointNames;
  /** User agents and their class, by content: one string object per client across windows (bounded). */
  clients: Map<string, { ua: string; cls: UaClass }>;
}

const MAX_CLIENTS = 20_000;

export function newWindowCaches(): WindowCaches {
  return { rings: newProfileRings(), endpoints: new EndpointNames(), clients: new Map() };
}

function newEndpointWindow(ep: EndpointRef): EndpointWindow {
  return {
    key: ep.key, domain: ep.domain, method: ep.method, template: ep.template, n: 0, ok: 0, e4: 0, e404: 0, e5: 0, bytes: 0, fail: 0,
    failIps: new Map(), throttledIps: new Map(), unauth: 0, okIps: new Set(),
  };
}

/**
 * One pass over the window's events: per-actor and per-endpoint aggregates that detectors read. Reads
 * profiles (never writes them) to tell "id never seen from this actor" and "new IP for this principal",
 * through `caches.rings` (pass the scoring analysis's caches to reuse them across windows).
 *
 * Cost is per request, so what depends only on a path, an endpoint or an id value is worked out once per
 * window (`PathCache`), a user agent's class once per process (`caches.clients`), and each request's strings
 * are swapped for the first string seen with that content (the actor's id, the domain node's name, the
 * client's string): Map and Set look-ups with the same string object compare by identity, not content.
 * What each actor does with a request is ActorAcc's part.
 */
export function buildWindow(
  events: readonly AccessEvent[],
  resolver: EndpointResolver,
  profiles: Record<string, Profile>,
  start: number,
  end: number,
  caches: WindowCaches = newWindowCaches(),
  windowPaths?: WindowPaths,
): WindowView {
  const rings = caches.rings;
  // Each distinct path is resolved once, by its number in the window (see indexPaths).
  const wp = windowPathsOf(events, windowPaths);
  const slotOf = wp.slotOf;
  const refs: Array<PathRef | undefined> = new Array(wp.size);
  const templates = resolver.templatesOf?.(wp);
  const accs: ActorAcc[] = [];
  const endpoints = new Map<string, EndpointWindow>();
  const domains = new Map<string, DomainWindow>();
  const paths = new PathCache(resolver, caches.endpoints);
  const byIp = new Map<string, ActorAcc>(), byPrincipal = new Map<string, ActorAcc>(), byKey = new Map<string, ActorAcc>();
  const clients = caches.clients;
  // A window has a few clients, so a request often repeats the previous one's (then no hashing of a long string).
  let lastUa: string | null = null, lastClient = { ua: '', cls: 'empty' as UaClass };
  const uaOf = (ua: string) => {
    if (ua === lastUa) return lastClient;
    let u = clients.get(ua);
    if (!u) {
      if (clients.size >= MAX_CLIENTS) clients.clear();
      u = { ua, cls: classifyUserAgent(ua) };
      clients.set(ua, u);
    }
    lastUa = ua; lastClient = u;
    return u;
  };
  const log = new WindowLog(events);
  const r: RequestFacts = {
    index: 0, requestId: '', ts: 0, status: 0, ok: 0, e4: 0, unauth: 0, bytes: 0, ua: '', cls: 'empty', domain: '', ip: '', principal: null, apiKey: null,
    ep: null, ids: [], probe: '',
  };
  // Actors in order of first request (ip, then principal, then API key of that request): the order of view.actors.
  const actorOf = (m: Map<string, ActorAcc>, type: ActorType, id: string): ActorAcc => {
    let acc = m.get(id);
    if (!acc) {
      const key = actorKey(type, id);
      acc = new ActorAcc(key, type, id, r, profiles[key], rings, log);
      m.set(id, acc); accs.push(acc);
    }
    return acc;
  };

  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const dn = paths.domain(e.domainName);
    const slot = slotOf[i];
    const pr = (refs[slot] ??= paths.resolve(dn, e.method, e.path, templates?.[slot]));
    log.paths[i] = pr;
    const ep = pr.ep;
    const s = e.status;
    const ua = uaOf(e.userAgent);
    r.index = i; r.requestId = e.requestId; r.ts = e.ts; r.status = s;
    r.ok = s < 400 ? 1 : 0;
    r.e4 = s >= 400 && s < 500 ? 1 : 0;
    r.unauth = e.principalId === null ? 1 : 0;
    r.bytes = e.responseLength > 0 ? e.responseLength : 0;
    r.ua = ua.ua; r.cls = ua.cls; r.domain = dn.name; r.ep = ep; r.ids = pr.ids; r.probe = pr.probe;
    const ipA = e.ip ? actorOf(byIp, 'ip', e.ip) : null;
    const prA = e.principalId ? actorOf(byPrincipal, 'principal', e.principalId) : null;
    const keyA = e.apiKeyId ? actorOf(byKey, 'api_key', e.apiKeyId) : null;
    // The actors' ids serve as this request's strings from here on (see above).
    r.ip = ipA === null ? e.ip : ipA.id;
    r.principal = prA === null ? e.principalId : prA.id;
    r.apiKey = keyA === null ? null : keyA.id;

    let d = domains.get(r.domain);
    if (!d) { d = { n: 0, e4: 0, refused: 0, cls: new Map() }; domains.set(r.domain, d); }
    d.n++; d.e4 += r.e4;
    if (s === 401 || s === 403) d.refused++;
    if (!r.unauth) d.cls.set(r.cls, (d.cls.get(r.cls) ?? 0) + 1);

    if (ep !== null) {
      let ew = ep.ew;
      if (ew === null) {
        ew = endpoints.get(ep.key) ?? null;
        if (ew === null) { ew = newEndpointWindow(ep); endpoints.set(ep.key, ew); }
        ep.ew = ew;
      }
      ew.n++; ew.ok += r.ok; ew.e4 += r.e4; ew.bytes += r.bytes; ew.unauth += r.unauth;
      if (s === 404) ew.e404++;
      if (s >= 500) ew.e5++;
      // Rejected: 401/403, and on a submission (POST/PUT) 400/422 too (OAuth answers a wrong password with 400).
      if (s === 401 || s === 403 || ((s === 400 || s === 422) && ep.submits)) { ew.fail++; ew.failIps.set(r.ip, (ew.failIps.get(r.ip) ?? 0) + 1); }
      else if (s === 429) ew.throttledIps.set(r.ip, (ew.throttledIps.get(r.ip) ?? 0) + 1);
    }

    const ipUse = ipA === null ? null : ipA.add(r);
    if (prA !== null) prA.add(r);
    if (keyA !== null) keyA.add(r);
    // Addresses with a success on the endpoint: only the address's first success there can be new to the set.
    if (ep !== null && r.ok && (ipUse === null || ipUse.ok === 1)) ep.ew!.okIps.add(r.ip);
  }
  const actors = new Map<string, ActorWindow>();
  for (const acc of accs) actors.set(acc.key, acc.finish());
  return { start, end, actors, endpoints, domains, events: events.length };
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

/**
 * Coefficient of variation of the gaps between an actor's requests in the window, plus the decayed gaps of its
 * profile when given (`before`, the profile's accumulators; null below `minRequests`):
 * near 0 for a loop with a fixed sleep, above 1 for a person's bursts and pauses.
 */
export function cadenceCv(a: ActorWindow, minRequests: number, before?: { gN?: number; gS?: number; gQ?: number }): number | null {
  const k = a.n - 1 + (before?.gN ?? 0);
  if (k < minRequests - 1) return null;
  const mean = (a.gapSum + (before?.gS ?? 0)) / k;
  if (mean <= 0) return 0;
  return Math.sqrt(Math.max(0, (a.gapSq + (before?.gQ ?? 0)) / k - mean * mean)) / mean;
}
