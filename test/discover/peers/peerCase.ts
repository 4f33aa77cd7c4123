import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessEvent } from '../../../shared/normalize/types.ts';
import { maskEvent } from '../../../shared/normalize/maskEvent.ts';
import { cleanResourcePath } from '../../../shared/normalize/normalizeRecord.ts';
import { createMasker } from '../../../shared/sensitive/maskPath.ts';
import { parseOpenApiSpec } from '../../../shared/discover/parseOpenApiSpec.ts';
import type { DiscoveryOverrides } from '../../../shared/discover/overrides.ts';
import { ev, rng, run, T0 } from '../helpers.ts';

/**
 * A templating test case of another tool, ported as input traffic plus expected templates. Fixtures keep the peer's
 * own expectation (`peer`, in its notation) next to the one apiscope is held to (`apiscope`, `{name}` placeholders;
 * names are not compared, positions are).
 */
export interface PeerCase {
  id: string;
  source: { file: string; test: string };
  /** Known templates (an imported OpenAPI description), `METHOD /template` or `/template` (GET). */
  spec?: string[];
  overrides?: DiscoveryOverrides;
  traffic?: TrafficEntry[];
  /** Distinct templates of all the traffic (`METHOD /t` when not GET). */
  templates?: { peer: Array<string | null>; apiscope: Array<string | null> };
  /** Templates of single paths, resolved after all the traffic (a path not in the traffic is sent once, last). */
  expect?: Array<{ path: string; method?: string; peer: string | null; apiscope: string | null }>;
  /** Why apiscope's expectation intentionally differs from the peer's. */
  differs?: string;
  /** Anything else a reader needs (how the peer test was translated). */
  note?: string;
}

/**
 * One line of traffic: `/path`, `POST /path`, or an object. In `path`, `{i}` / `{i+N}` take the values of `range`
 * (inclusive), `{uuid}`, `{objectid}` and `{hex40}` a fresh deterministic identifier per occurrence.
 */
export type TrafficEntry = string | {
  path: string;
  method?: string;
  /** Requests per path (default 1). */
  count?: number;
  range?: [number, number];
  resourcePath?: string;
  status?: number;
  /** 5-minute window the requests fall in (default 0): later windows see the inference of earlier ones. */
  window?: number;
};

export interface PeerFixture {
  tool: string;
  repo: string;
  license: string;
  attribution: string;
  translation: string;
  cases: PeerCase[];
}

const DIR = new URL('.', import.meta.url).pathname;
const DOMAIN = 'api.example.com';
const WINDOW = 300_000;

export function loadFixtures(): PeerFixture[] {
  return readdirSync(DIR).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as PeerFixture);
}

/** `{anything}` -> `{}`, no trailing slash, `GET ` dropped: what is compared. */
export function normalizeTemplate(t: string | null): string | null {
  if (t === null) return null;
  let s = t.startsWith('GET /') ? t.slice(4) : t;
  s = s.replace(/\{[^}/]*\}/g, '{}');
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

function splitMethod(s: string): { method: string; path: string } {
  const sp = s.indexOf(' ');
  return sp > 0 && /^[A-Z]+$/.test(s.slice(0, sp)) ? { method: s.slice(0, sp), path: s.slice(sp + 1) } : { method: 'GET', path: s };
}

function hexOf(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

function fillPath(template: string, i: number, r: () => number): string {
  return template.replace(/\{(i(?:[+-]\d+)?|uuid|objectid|hex40)\}/g, (_, k: string) => {
    if (k === 'uuid') { const h = hexOf(r, 32); return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`; }
    if (k === 'objectid') return hexOf(r, 24);
    if (k === 'hex40') return hexOf(r, 40);
    return String(i + (k.length > 1 ? Number(k.slice(1)) : 0));
  });
}

interface Request { method: string; path: string; query: string; resourcePath: string | null; status: number; window: number }

function requestOf(method: string, raw: string, e: Exclude<TrafficEntry, string> | null): Request {
  // A request line carries no fragment; the query goes to its own field, as the gateway logs it.
  const noFrag = raw.split('#')[0];
  const q = noFrag.indexOf('?');
  return {
    method,
    path: q >= 0 ? noFrag.slice(0, q) : noFrag,
    query: q >= 0 ? noFrag.slice(q + 1) : '',
    // As normalization does: catch-all or malformed routes tell nothing.
    resourcePath: cleanResourcePath(e?.resourcePath ?? null),
    status: e?.status ?? 200,
    window: e?.window ?? 0,
  };
}

export function expandTraffic(c: PeerCase): Request[] {
  const r = rng([...c.id].reduce((h, ch) => Math.imul(h, 31) + ch.charCodeAt(0), 7));
  const out: Request[] = [];
  for (const e of c.traffic ?? []) {
    if (typeof e === 'string') { const { method, path } = splitMethod(e); out.push(requestOf(method, path, null)); continue; }
    const [from, to] = e.range ?? [0, 0];
    for (let i = from; i <= to; i++) {
      const path = fillPath(e.path, i, r);
      for (let k = 0; k < (e.count ?? 1); k++) out.push(requestOf(e.method ?? 'GET', path, e));
    }
  }
  const seen = new Set(out.map((q) => q.method + ' ' + q.path));
  const lastWindow = out.reduce((w, q) => Math.max(w, q.window), 0);
  for (const x of c.expect ?? []) {
    const q = requestOf(x.method ?? 'GET', x.path, null);
    if (!seen.has(q.method + ' ' + q.path)) { seen.add(q.method + ' ' + q.path); out.push({ ...q, window: lastWindow }); }
  }
  return out;
}

function specOf(templates: string[]) {
  const paths: Record<string, Record<string, object>> = {};
  for (const s of templates) {
    const { method, path } = splitMethod(s);
    (paths[path] ??= {})[method.toLowerCase()] = { responses: { 200: { description: 'ok' } } };
  }
  return parseOpenApiSpec(JSON.stringify({ openapi: '3.0.3', info: { title: 'peer case', version: '1' }, paths }));
}

export interface CaseResult {
  /** Distinct normalized templates of the traffic, sorted. */
  templates: Array<string | null>;
  /** Normalized template of each `expect` path, in order. */
  resolved: Array<string | null>;
}

/**
 * Feeds a case's traffic through discovery as the pipeline does (masked as at ingest, in 5-minute event-time
 * windows) and reads back the templates.
 */
export function runCase(c: PeerCase): CaseResult {
  const masker = createMasker('peer-cases');
  const reqs = expandTraffic(c);
  const seq = new Map<number, number>();
  const events: AccessEvent[] = reqs.map((q) => {
    const n = seq.get(q.window) ?? 0;
    seq.set(q.window, n + 1);
    const raw = ev(q.path, { method: q.method, query: q.query, resourcePath: q.resourcePath, status: q.status, domainName: DOMAIN, ts: T0 + q.window * WINDOW + n });
    return maskEvent(raw, masker);
  });
  const { templateOf } = run(events, { spec: c.spec ? specOf(c.spec) : undefined, overrides: c.overrides });
  const keyOf = (method: string, path: string) => {
    const t = normalizeTemplate(templateOf(masker.maskPath(path), method));
    return t === null || method === 'GET' ? t : `${method} ${t}`;
  };
  const distinct = new Map<string, string | null>();
  for (const q of reqs) if (!distinct.has(q.method + ' ' + q.path)) distinct.set(q.method + ' ' + q.path, keyOf(q.method, q.path));
  const templates = sortTemplates([...new Set(distinct.values())]);
  const resolved = (c.expect ?? []).map((x) => { const q = requestOf(x.method ?? 'GET', x.path, null); return keyOf(q.method, q.path); });
  return { templates, resolved };
}

export function sortTemplates(ts: Array<string | null>): Array<string | null> {
  return [...ts].sort((a, b) => (a ?? '').localeCompare(b ?? ''));
}

/** What a case holds apiscope to, normalized like {@link runCase}'s result. */
export function expectationOf(c: PeerCase): CaseResult {
  const key = (s: string | null) => { if (s === null) return null; const { method, path } = splitMethod(s); const t = normalizeTemplate(path); return method === 'GET' ? t : `${method} ${t}`; };
  return {
    templates: c.templates ? sortTemplates([...new Set(c.templates.apiscope.map(key))]) : [],
    resolved: (c.expect ?? []).map((x) => { const t = normalizeTemplate(x.apiscope); return t === null || !x.method || x.method === 'GET' ? t : `${x.method} ${t}`; }),
  };
}

/** A peer's placeholder segments (Akto INTEGER/STRING, Sentry and Relay `*`, Datadog `?` and `{param:int}`). */
const PEER_PARAM = /^(?:INTEGER|STRING|OBJECT_ID|FLOAT|\*|\?|\{[^}/]*\})$/;

/** A peer's expected template in apiscope's normalized notation (a Sentry rule's `/**` rest dropped). */
export function peerTemplate(s: string | null): string | null {
  if (s === null) return null;
  const { method, path } = splitMethod(s.replace(/\/\*\*$/, ''));
  const t = normalizeTemplate(path.split('/').map((seg) => (PEER_PARAM.test(seg) ? '{}' : seg)).join('/'));
  return method === 'GET' ? t : `${method} ${t}`;
}

/** What the peer expects, in the notation of {@link expectationOf}. */
export function peerExpectationOf(c: PeerCase): CaseResult {
  return {
    templates: c.templates ? sortTemplates([...new Set(c.templates.peer.map(peerTemplate))]) : [],
    resolved: (c.expect ?? []).map((x) => { const t = peerTemplate(x.peer); return t === null || !x.method || x.method === 'GET' ? t : `${x.method} ${t}`; }),
  };
}
