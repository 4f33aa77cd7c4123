import type { AccessEvent } from '../normalize/types.ts';
import type { UaClass } from './uaClass.ts';
import type { ActorType } from './types.ts';
import type { Profile } from './state.ts';
import type { EndpointRef, IdRef, PathRef } from './pathCache.ts';
import type { ProfileRings } from './ringIndex.ts';
import type { ActorWindow, TemplateUse } from './window.ts';

/** What buildWindow works out once per request and hands to each of the request's actors (one object, reused). */
export interface RequestFacts {
  /** Position of the request in the window (see WindowLog). */
  index: number;
  requestId: string;
  ts: number;
  status: number;
  ok: number;
  e4: number;
  unauth: number;
  bytes: number;
  ua: string;
  cls: UaClass;
  domain: string;
  ip: string;
  principal: string | null;
  apiKey: string | null;
  ep: EndpointRef | null;
  ids: IdRef[];
  probe: string;
}

const SAMPLE_MAX = 5;
const NUMS_MAX = 2048;
const DISTINCT_IDS_MAX = 4096;

/**
 * The window's requests in order, what each path resolved to, and per actor type a chain linking each request
 * to the same actor's next request on the same endpoint. An endpoint use keeps only where its chain starts;
 * its sample request ids and numeric ids (which few detectors read) are collected from here on first read,
 * rather than every use of every actor carrying two arrays through the window.
 */
export class WindowLog {
  readonly paths: PathRef[];
  /** One chain per actor type (ip, principal, API key): a request has at most one actor of each. */
  readonly next: Int32Array[];

  constructor(readonly events: readonly AccessEvent[]) {
    this.paths = new Array<PathRef>(events.length);
    this.next = [0, 1, 2].map(() => new Int32Array(events.length).fill(-1));
  }
}

/*
 * A window keeps thousands of actors and endpoint uses alive until it closes, and their size is what garbage
 * collection copies: collections most of them never fill start as these shared empties (typed read-only, so
 * only this file adds to them, through `grown`).
 */
const NO_STRINGS: ReadonlySet<string> = new Set();
const NO_COUNTS: ReadonlyMap<string, number> = new Map();

function grown<T>(s: ReadonlySet<T>): Set<T>;
function grown<K, V>(m: ReadonlyMap<K, V>): Map<K, V>;
function grown<K, V>(c: ReadonlySet<K> | ReadonlyMap<K, V>): Set<K> | Map<K, V> {
  if (c.size > 0) return c as Set<K> | Map<K, V>;
  return c instanceof Map ? new Map<K, V>() : new Set<K>();
}

/** The request counters that an actor and each of its endpoint uses keep alike. */
class RequestCounts {
  n = 0;
  ok = 0;
  e4 = 0;
  e401 = 0;
  e403 = 0;
  e404 = 0;
  e429 = 0;
  e5 = 0;
  bytes = 0;
  unauth = 0;

  count(r: RequestFacts): void {
    const s = r.status;
    this.n++; this.ok += r.ok; this.e4 += r.e4; this.bytes += r.bytes; this.unauth += r.unauth;
    if (s === 401) this.e401++; else if (s === 403) this.e403++; else if (s === 404) this.e404++; else if (s === 429) this.e429++;
    if (s >= 500) this.e5++;
  }
}

/** One actor's requests on one endpoint in the window (see TemplateUse). */
class UseAcc extends RequestCounts implements TemplateUse {
  readonly key: string;
  readonly id: string;
  readonly domain: string;
  readonly method: string;
  readonly template: string;
  distinctIds = 0;
  newIds = 0;
  prevs: ReadonlyMap<string, number> = NO_COUNTS;
  /** First and latest request of this use (indexes into the log). */
  readonly head: number;
  tail: number;
  private collected: { samples: string[]; nums: number[] } | null = null;

  constructor(ep: EndpointRef, index: number, private readonly chain: Int32Array, private readonly log: WindowLog) {
    super();
    this.key = ep.key; this.id = ep.kid; this.domain = ep.domain; this.method = ep.method; this.template = ep.template;
    this.head = index; this.tail = index;
  }

  get samples(): string[] { return this.collect().samples; }
  get nums(): number[] { return this.collect().nums; }

  /** The first request ids and the numeric last ids of this use's requests, in request order. */
  private collect(): { samples: string[]; nums: number[] } {
    if (this.collected !== null) return this.collected;
    const samples: string[] = [], nums: number[] = [];
    for (let i = this.head; i >= 0; i = this.chain[i]) {
      if (samples.length < SAMPLE_MAX) samples.push(this.log.events[i].requestId);
      const ids = this.log.paths[i].ids;
      if (ids.length && nums.length < NUMS_MAX) { const num = ids[ids.length - 1].num; if (num !== null) nums.push(num); }
    }
    return (this.collected = { samples, nums });
  }
}

/**
 * Accumulates one actor's requests; it is the actor's `ActorWindow`. Consecutive requests of an actor mostly
 * repeat its endpoint, client, class and domain, so those are compared with the previous request's before
 * any Map or Set is touched; class and domain counts are kept as runs and written to their maps when the
 * value changes and in `finish`, which keeps the maps' first-seen order.
 */
export class ActorAcc extends RequestCounts implements ActorWindow {
  unauthOk = 0;
  unauthBytes = 0;
  unmatched = 0;
  unmatchedPaths: ReadonlySet<string> = NO_STRINGS;
  readonly tpls = new Map<string, TemplateUse>();
  ips: ReadonlySet<string> = NO_STRINGS;
  prs: ReadonlySet<string> = NO_STRINGS;
  readonly uas = new Set<string>();
  keys: ReadonlySet<string> = NO_STRINGS;
  readonly classes = new Map<UaClass, number>();
  readonly domain: string;
  readonly domains = new Map<string, number>();
  readonly first: number;
  last: number;
  readonly samples: string[] = [];
  readonly seenIds: number[] = [];
  newIps = 0;
  /** Sum and sum of squares of the gaps between consecutive requests (ms): the actor's cadence. */
  gapSum = 0;
  gapSq = 0;
  idReq = 0;
  idNew = 0;
  lastTpl: string | null = null;
  readonly firstTpl: string | null;
  /** The profile's id and IP rings as sets, fetched from the ring index on first need. */
  private knownIds: { has(code: number): boolean } | null = null;
  private knownIps: { has(ip: string): boolean } | null = null;
  private use: UseAcc | null = null;
  private useEp: EndpointRef | null = null;
  private lastUa: string | null = null;
  private lastPeer: string | null = null;
  private runClass: UaClass | null = null;
  private classRun = 0;
  private runDomain: string;
  private domainRun = 0;
  private readonly chain: Int32Array;
  /**
   * What the requests need from the profile, read once: profiles change shape as their counters turn
   * fractional, and reading them per request would make the optimized code bail out on each new shape.
   */
  private readonly profIds: string[] | null;
  private readonly profIps: string[] | null;
  private readonly profLast: string | null;

  constructor(
    readonly key: string, readonly type: ActorType, readonly id: string, r: RequestFacts, readonly prof: Profile | undefined,
    private readonly rings: ProfileRings, private readonly log: WindowLog,
  ) {
    super();
    this.domain = r.domain; this.runDomain = r.domain;
    this.first = r.ts; this.last = r.ts;
    this.firstTpl = r.ep === null ? null : r.ep.key;
    this.chain = log.next[type === 'ip' ? 0 : type === 'principal' ? 1 : 2];
    this.profIds = prof === undefined ? null : prof.ids;
    this.profIps = prof === undefined ? null : prof.ips;
    this.profLast = prof?.last ?? null;
  }

  /** Adds a request; returns the actor's use of the request's endpoint (null when unmatched). */
  add(r: RequestFacts): TemplateUse | null {
    this.count(r);
    if (this.n > 1) { const d = r.ts > this.last ? r.ts - this.last : 0; this.gapSum += d; this.gapSq += d * d; }
    this.last = r.ts;
    if (r.unauth) { this.unauthOk += r.ok; if (r.ok) this.unauthBytes += r.bytes; }
    if (this.n <= SAMPLE_MAX) this.samples.push(r.requestId);
    if (this.type === 'ip') {
      if (r.principal !== null && r.principal !== this.lastPeer && this.prs.size < 64) this.prs = grown(this.prs).add(r.principal);
      this.lastPeer = r.principal;
    } else if (r.ip !== this.lastPeer) {
      this.lastPeer = r.ip;
      if (!this.ips.has(r.ip)) {
        this.ips = grown(this.ips).add(r.ip);
        // A principal's address is new when its profile never saw it.
        if (this.type === 'principal' && (this.profIps === null || !(this.knownIps ??= this.rings.ips.setOf(this.profIps)).has(r.ip))) this.newIps++;
      }
    }
    if (r.ua !== this.lastUa) { if (this.uas.size < 16) this.uas.add(r.ua); this.lastUa = r.ua; }
    if (r.apiKey !== null && this.keys.size < 16) this.keys = grown(this.keys).add(r.apiKey);
    if (r.cls === this.runClass) this.classRun++;
    else { this.flushClass(); this.runClass = r.cls; this.classRun = 1; }
    if (r.domain === this.runDomain) this.domainRun++;
    else { this.flushDomain(); this.runDomain = r.domain; this.domainRun = 1; }
    const ep = r.ep;
    if (ep === null) {
      this.unmatched++;
      if (this.unmatchedPaths.size < 256) this.unmatchedPaths = grown(this.unmatchedPaths).add(r.probe);
      return null;
    }
    let u = this.use;
    if (u === null || this.useEp !== ep) {
      u = (this.tpls.get(ep.key) as UseAcc | undefined) ?? null;
      if (u === null) { u = new UseAcc(ep, r.index, this.chain, this.log); this.tpls.set(ep.key, u); }
      this.use = u; this.useEp = ep;
    }
    if (u.n > 0) { this.chain[u.tail] = r.index; u.tail = r.index; }
    u.count(r);
    const ids = r.ids;
    if (ids.length) {
      this.idReq++;
      // New id: none of the request's ids was used by this actor earlier in the window or in its profile's ring.
      let fresh = true;
      for (let j = 0; j < ids.length; j++) {
        const id = ids[j];
        if (id.seenBy.has(this) || (this.profIds !== null && (this.knownIds ??= this.rings.ids.setOf(this.profIds)).has(id.code))) { fresh = false; break; }
      }
      if (fresh) { u.newIds++; this.idNew++; }
      const last = ids[ids.length - 1];
      if (u.distinctIds < DISTINCT_IDS_MAX && last.usedBy.add(u)) u.distinctIds++;
      for (let j = 0; j < ids.length; j++) if (ids[j].seenBy.add(this)) this.seenIds.push(ids[j].code);
    }
    if (this.type === 'principal') {
      const prev = this.lastTpl ?? this.profLast;
      if (prev !== null && prev !== ep.key) { const prevs = grown(u.prevs); prevs.set(prev, (prevs.get(prev) ?? 0) + 1); u.prevs = prevs; }
      this.lastTpl = ep.key;
    }
    return u;
  }

  /** Writes the pending class and domain runs; the actor's window is complete after this. */
  finish(): ActorWindow {
    this.flushClass();
    this.flushDomain();
    return this;
  }

  private flushClass(): void {
    if (this.runClass !== null && this.classRun > 0) this.classes.set(this.runClass, (this.classes.get(this.runClass) ?? 0) + this.classRun);
    this.classRun = 0;
  }

  private flushDomain(): void {
    if (this.domainRun > 0) this.domains.set(this.runDomain, (this.domains.get(this.runDomain) ?? 0) + this.domainRun);
    this.domainRun = 0;
  }
}
