import type { EndpointResolver } from '../engine/types.ts';
import { idCode, idDigest } from './state.ts';
import type { EndpointWindow } from './window.ts';
import { Members } from './members.ts';

/**
 * An id value taken from a path: its digest code (see `idCode`) and numeric value, computed once per window,
 * and who met it in the window (what buildWindow would otherwise keep a Set per actor and endpoint use for).
 */
export interface IdRef {
  value: string;
  code: number;
  num: number | null;
  /** Actors that used an id with this code (shared by the values of one code: ids count as seen by code). */
  seenBy: Members<object>;
  /** Endpoint uses whose request ended with this value (distinct ids per use). */
  usedBy: Members<object>;
}

/** An endpoint as the window sees it: key, digest and id positions computed once, not per request. */
export interface EndpointRef {
  /** `<domain> <method> <template>`. */
  key: string;
  /** Digest of the key (what profiles store). */
  kid: string;
  domain: string;
  method: string;
  template: string;
  /** Segment count of the template and the positions of its (non-greedy) id placeholders. */
  segments: number;
  idPos: number[];
  /** POST or PUT: a submission, where 400/422 is a rejected one (see EndpointWindow.fail). */
  submits: boolean;
  /** The window's aggregate for this endpoint, created by buildWindow on the first request. */
  ew: EndpointWindow | null;
}

/** What one concrete path resolves to: its endpoint (null when unmatched) and the ids at the placeholders. */
export interface PathRef {
  ep: EndpointRef | null;
  ids: IdRef[];
  /** `<method> <path>`, what forced-browsing evidence lists for unmatched paths ('' when matched). */
  probe: string;
}

/** A method's endpoints in the window, by template (paths are numbered by the window: see indexPaths). */
interface MethodNode {
  endpoints: Map<string, EndpointRef>;
}

/**
 * One domain of the window. `name` is the first string seen for it: using one string object for every
 * request lets later Map look-ups compare by identity instead of by content.
 */
export interface DomainNode {
  name: string;
  methods: Map<string, MethodNode>;
}

const NO_IDS: IdRef[] = [];

/**
 * Endpoint keys and their digests, kept from one window to the next: the same string objects every window,
 * so the state's tables keyed by them (endpoint baselines, names, profiles' top endpoints) find them without
 * hashing a fresh string each window. Bounded: starts over past `max` endpoints.
 */
export class EndpointNames {
  private readonly byDomain = new Map<string, Map<string, Map<string, { key: string; kid: string }>>>();
  private size = 0;

  constructor(private readonly max = 50_000) {}

  of(domain: string, method: string, template: string): { key: string; kid: string } {
    let byMethod = this.byDomain.get(domain);
    if (!byMethod) { byMethod = new Map(); this.byDomain.set(domain, byMethod); }
    let byTemplate = byMethod.get(method);
    if (!byTemplate) { byTemplate = new Map(); byMethod.set(method, byTemplate); }
    let n = byTemplate.get(template);
    if (!n) {
      if (this.size >= this.max) { this.byDomain.clear(); this.size = 0; return this.of(domain, method, template); }
      const key = `${domain} ${method} ${template}`;
      n = { key, kid: idDigest(key) };
      byTemplate.set(template, n);
      this.size++;
    }
    return n;
  }
}

/**
 * Resolves a window's paths (each once, by the caller: see indexPaths), endpoints once each (many paths share
 * one), and id values once each (an id appears in several paths).
 * @example
 * const paths = new PathCache(ctx.endpoints);
 * const ref = paths.resolve(paths.domain('api.example.com'), 'GET', '/v1/users/42'); // ref.ids[0].value === '42'
 */
export class PathCache {
  private readonly domains = new Map<string, DomainNode>();
  private readonly idRefs = new Map<string, IdRef>();
  private readonly seenByCode = new Map<number, Members<object>>();
  private lastName: string | null = null;
  private last: DomainNode | null = null;

  constructor(private readonly resolver: EndpointResolver, private readonly names = new EndpointNames()) {}

  /** The node of a domain. A window has a few domains, so most requests repeat the previous one's. */
  domain(name: string): DomainNode {
    if (name === this.lastName) return this.last!;
    let d = this.domains.get(name);
    if (!d) { d = { name, methods: new Map() }; this.domains.set(name, d); }
    this.lastName = name; this.last = d;
    return d;
  }

  /**
   * What a path resolves to. The caller asks once per distinct path (by its number in the window, see
   * indexPaths). `template`: what the resolver's templateOf answers for it, when the caller has it already
   * (see templatesOf).
   */
  resolve(d: DomainNode, method: string, path: string, template?: string | null): PathRef {
    const tpl = template !== undefined ? template : this.resolver.templateOf(d.name, method, path);
    if (tpl === null) return { ep: null, ids: NO_IDS, probe: method + ' ' + path };
    let m = d.methods.get(method);
    if (!m) { m = { endpoints: new Map() }; d.methods.set(method, m); }
    let ep = m.endpoints.get(tpl);
    if (!ep) { ep = endpointRef(this.names.of(d.name, method, tpl), d.name, method, tpl); m.endpoints.set(tpl, ep); }
    return { ep, ids: this.idsAt(path, ep), probe: '' };
  }

  /** `idsOf(path, template)`, slicing only the id segments out of the path. */
  private idsAt(path: string, ep: EndpointRef): IdRef[] {
    const pos = ep.idPos;
    if (pos.length === 0) return NO_IDS;
    let slashes = 0;
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) slashes++;
    if (slashes + 1 !== ep.segments) return NO_IDS;
    const out = new Array<IdRef>(pos.length);
    for (let seg = 0, from = 0, k = 0; k < pos.length; seg++) {
      const slash = path.indexOf('/', from);
      const to = slash < 0 ? path.length : slash;
      if (seg === pos[k]) { out[k] = this.idRef(path.slice(from, to)); k++; }
      from = to + 1;
    }
    return out;
  }

  private idRef(value: string): IdRef {
    let r = this.idRefs.get(value);
    if (!r) {
      const code = idCode(value);
      let seenBy = this.seenByCode.get(code);
      if (!seenBy) { seenBy = new Members(); this.seenByCode.set(code, seenBy); }
      r = { value, code, num: parseNumericId(value), seenBy, usedBy: new Members() };
      this.idRefs.set(value, r);
    }
    return r;
  }
}

function endpointRef({ key, kid }: { key: string; kid: string }, domain: string, method: string, template: string): EndpointRef {
  const { segments, positions } = idPattern(template);
  return { key, kid, domain, method, template, segments, idPos: positions, submits: method === 'POST' || method === 'PUT', ew: null };
}

/** Segment count of a template and the positions of its id placeholders (`{id}`, not greedy `{proxy+}`). */
export function idPattern(template: string): { segments: number; positions: number[] } {
  if (template.indexOf('{') < 0) return { segments: 0, positions: [] };
  const ts = template.split('/');
  const positions: number[] = [];
  for (let i = 0; i < ts.length; i++) if (ts[i].charCodeAt(0) === 123 && !ts[i].endsWith('+}')) positions.push(i);
  return { segments: ts.length, positions };
}

/** Id values of a concrete path at the template's placeholder positions (same segment count only). */
export function idsOf(path: string, template: string): string[] {
  const { segments, positions } = idPattern(template);
  if (positions.length === 0) return [];
  const ps = path.split('/');
  return ps.length === segments ? positions.map((i) => ps[i]) : [];
}

function parseNumericId(v: string): number | null {
  if (v.length === 0 || v.length > 15) return null;
  for (let i = 0; i < v.length; i++) { const c = v.charCodeAt(i); if (c < 48 || c > 57) return null; }
  return Number(v);
}
