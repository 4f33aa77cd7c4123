/**
 * The value-style model: what a path parameter's values look like, chosen from its name and schema the
 * way real APIs use them, and a generator for each style. Generators are pure functions of (style, param,
 * pool key, index): value `i` of a pool is the same whatever was drawn before it.
 */
import { Faker, base, en } from '@faker-js/faker';
import { createRequire } from 'node:module';
import type { ParamInfo } from './extractTemplates.ts';
import { Rng, hashString } from './rng.ts';

export const STYLES = [
  'int', 'uuid', 'objectid', 'hex', 'prefixed', 'token', 'sepid', 'slug', 'word', 'name', 'username', 'email',
  'phone', 'gitref', 'enum', 'date', 'datetime', 'version', 'locale', 'filename', 'country', 'currency',
  'pattern', 'shaped', 'path',
] as const;
export type Style = (typeof STYLES)[number];

/** Styles whose values are an open set of identifiers (pool size follows traffic). */
const OPEN = new Set<Style>(['int', 'uuid', 'objectid', 'hex', 'prefixed', 'token', 'sepid', 'email', 'phone', 'username', 'name', 'datetime', 'pattern', 'shaped', 'path', 'filename', 'gitref']);

/** Words of a parameter name: `resourceGroupName` -> resource, group, name; `repo_id` -> repo, id. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    // All-lowercase compounds (`raceid`, `ticketnumber`) end in the same words camelCase would split off.
    .flatMap((t) => {
      const m = /^([a-z]{3,})(id|ids|uuid|number|num|name|code|key|slug)$/.exec(t);
      return m ? [m[1], m[2]] : [t];
    });
}

const has = (toks: string[], ...ws: string[]) => toks.some((t) => ws.includes(t));
const last = (toks: string[]) => toks[toks.length - 1] ?? '';

/** Container names that real APIs fill with plain words or slugs: `/workspaces/marketing/repos/api-gateway`. */
const CONTAINER = ['workspace', 'repo', 'repository', 'team', 'project', 'org', 'organization', 'owner', 'slug', 'space', 'channel', 'board', 'bucket', 'namespace', 'group', 'site', 'app', 'application', 'environment', 'env', 'service', 'cluster', 'database', 'db', 'table', 'index', 'topic', 'queue', 'vault', 'zone', 'folder', 'collection', 'dataset', 'model', 'store', 'shop', 'tenant', 'realm', 'region', 'category', 'label', 'resource', 'profile', 'list', 'template', 'package', 'module', 'plugin'];

/**
 * Patterns that pin a value's form (fixed lengths, a literal prefix such as Twilio's `^AC[0-9a-f]{32}$`), as
 * opposed to loose character classes (`^[-\w._()]+$`) that say nothing about what values look like.
 */
export function isTightPattern(p: string): boolean {
  if (p.length > 120 || /(?<!\\)\.|\\[sS]/.test(p)) return false;
  const body = p.replace(/^\^/, '').replace(/\$$/, '');
  const loose = /[*+]|\{\d+,\d*\}/.test(body.replace(/\{(\d+),(\d+)\}/g, (m, a, b) => (Number(b) - Number(a) <= 4 ? `{${a}}` : '{0,}')));
  if (!loose) return true;
  return /^[A-Za-z]{2,}[[(\\]/.test(body) && !/^\(/.test(body);
}

/**
 * The style of a parameter. Per API, `apiRng` decides the open choices (how this API writes its ids, its
 * free strings), once per parameter name, so a name means the same thing across the API's routes.
 */
export function styleFor(p: ParamInfo, apiRng: Rng): Style {
  if (p.greedy) return 'path';
  const toks = nameTokens(p.name);
  const r = apiRng.fork(`style:${p.name}`);
  if (p.enum?.length) return 'enum';
  const f = (p.format ?? '').toLowerCase();
  if (f === 'uuid' || f === 'guid') return 'uuid';
  if (f === 'date') return 'date';
  if (f === 'date-time') return 'datetime';
  if (f === 'email') return 'email';
  if (has(toks, 'phone', 'msisdn', 'mobile', 'tel', 'telephone') || (has(toks, 'number') && has(toks, 'phone'))) return 'phone';
  if (has(toks, 'email', 'mail')) return 'email';
  if (p.type === 'integer' || p.type === 'number' || f === 'int32' || f === 'int64') {
    return has(toks, 'number', 'no', 'num') && r.chance(0.3) ? 'sepid' : 'int';
  }
  if (p.pattern && isTightPattern(p.pattern)) return 'pattern';
  if (has(toks, 'locale', 'lang', 'language')) return 'locale';
  if (has(toks, 'country')) return 'country';
  if (has(toks, 'currency')) return 'currency';
  if (has(toks, 'branch', 'ref', 'refs', 'head', 'base')) return 'gitref';
  if (has(toks, 'version', 'ver', 'tag', 'release')) return 'version';
  if (has(toks, 'date', 'day')) return 'date';
  if (has(toks, 'time', 'timestamp', 'datetime', 'since', 'until')) return 'datetime';
  if (has(toks, 'sha', 'hash', 'digest', 'commit', 'checksum', 'etag', 'fingerprint')) return 'hex';
  if (has(toks, 'filename', 'file', 'path', 'attachment', 'asset', 'image', 'photo', 'blob', 'object') && last(toks) !== 'id') return 'filename';
  if (has(toks, 'username', 'login', 'handle', 'screenname', 'nickname', 'user', 'author', 'member') && last(toks) !== 'id') return 'username';
  if (last(toks) === 'name' && has(toks, 'first', 'last', 'full', 'person', 'display', 'contact', 'customer')) return 'name';
  if (has(toks, 'token', 'cursor', 'secret', 'nonce', 'code', 'key', 'signature') && last(toks) !== 'id') return 'token';
  if (has(toks, 'number', 'num', 'no') && !has(toks, 'id')) return r.chance(0.6) ? 'sepid' : 'int';
  if (has(toks, ...CONTAINER) && last(toks) !== 'id' && last(toks) !== 'uuid') return r.chance(0.55) ? 'word' : 'slug';
  if (last(toks) === 'name' || last(toks) === 'title') return r.chance(0.5) ? 'word' : 'slug';
  if (p.example && exampleStyle(p.example)) return exampleStyle(p.example)!;
  if (last(toks) === 'id' || last(toks) === 'uuid' || last(toks) === 'sid' || last(toks) === 'uid' || toks.length === 0) return idStyle(apiRng, p.name);
  if (p.example) return 'shaped';
  return r.weighted({ word: 20, slug: 15, int: 20, uuid: 15, prefixed: 10, objectid: 5, token: 5, sepid: 5, hex: 5 });
}

/** How this API writes opaque ids: one choice per API, with some names deviating. */
function idStyle(apiRng: Rng, name: string): Style {
  const main = apiRng.fork('idstyle').weighted({ int: 30, uuid: 25, prefixed: 12, objectid: 10, hex: 5, token: 6, sepid: 6, slug: 6 }) as Style;
  const r = apiRng.fork(`idstyle:${name}`);
  return r.chance(0.75) ? main : (r.weighted({ int: 30, uuid: 25, prefixed: 12, objectid: 10, hex: 5, token: 6, sepid: 6, slug: 6 }) as Style);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A style the spec's example clearly shows, or null when it does not say. */
export function exampleStyle(ex: string): Style | null {
  if (UUID.test(ex)) return 'uuid';
  if (/^\d{1,12}$/.test(ex)) return 'int';
  if (/^[0-9a-f]{24}$/.test(ex)) return 'objectid';
  if (/^[0-9a-f]{32,64}$/i.test(ex)) return 'hex';
  if (/^[a-z]{2,5}_[A-Za-z0-9]{8,}$/.test(ex)) return 'prefixed';
  if (/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(ex)) return 'email';
  if (/^\+\d{8,15}$/.test(ex)) return 'phone';
  if (/^\d{4}-\d{2}-\d{2}$/.test(ex)) return 'date';
  if (/^\d{4}-\d{2}-\d{2}T/.test(ex)) return 'datetime';
  if (/^v?\d+(\.\d+){1,2}$/.test(ex)) return 'version';
  if (/^[a-z]{2}(-[A-Z]{2})?$/.test(ex)) return 'locale';
  if (/^\d+([-.]\d+)+$/.test(ex)) return 'sepid';
  if (/^[a-z]+(-[a-z]+)+$/.test(ex)) return 'slug';
  if (/^[A-Za-z]+$/.test(ex) && ex.length <= 20) return 'word';
  return null;
}

const faker = new Faker({ locale: [en, base] });
// randexp's typings declare an ES default export, but its CommonJS build sets module.exports to the class.
const RandExp = createRequire(import.meta.url)('randexp') as typeof import('randexp').default;
const HEX = '0123456789abcdef';
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const B64URL = B62 + '-_';
const LOCALES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'es-MX', 'pt-BR', 'it-IT', 'nl-NL', 'sv-SE', 'ja-JP', 'ko-KR', 'zh-CN', 'zh-TW', 'ru-RU', 'pl-PL', 'tr-TR', 'en', 'de', 'fr', 'es', 'ja', 'en-AU', 'en-CA', 'fr-CA', 'da-DK', 'fi-FI', 'nb-NO', 'cs-CZ', 'he-IL', 'ar-SA', 'hi-IN', 'zh-Hans-CN'];

/** Per pool, the fixed parts of its values (one prefix, one hex length, one separator layout). */
export interface PoolShape {
  style: Style;
  key: string;
  prefix: string;
  len: number;
  layout: number;
  base: number;
}

export function poolShape(style: Style, p: ParamInfo, key: string): PoolShape {
  const r = new Rng(`shape:${key}`);
  const toks = nameTokens(p.name).filter((t) => t !== 'id' && t !== 'sid');
  const stem = (toks[toks.length - 1] ?? 'obj').replace(/[^a-z]/g, '') || 'obj';
  return {
    style,
    key,
    prefix: stem.slice(0, r.int(2, 4)),
    len: style === 'hex' ? r.pick([7, 12, 32, 40, 40, 64]) : r.int(14, 24),
    layout: r.int(0, 5),
    base: r.chance(0.5) ? r.int(1, 999) : r.int(10_000, 9_000_000),
  };
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** Value number `i` of a pool: the raw (unencoded) text. */
export function poolValue(shape: PoolShape, p: ParamInfo, i: number): string {
  const r = new Rng(`${shape.key}#${i}`);
  const fk = () => { faker.seed(hashString(`${shape.key}#${i}`)); return faker; };
  switch (shape.style) {
    case 'int': return String(shape.base + i * (shape.layout % 3 === 0 ? 1 : r.int(1, 9)) + (shape.layout % 3 === 2 ? r.int(0, 1_000_000) : 0));
    case 'uuid': {
      const h = r.chars(HEX, 32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[r.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    }
    case 'objectid': return (0x5f000000 + shape.base * 997 + i * 61).toString(16).slice(-8).padStart(8, '6') + r.chars(HEX, 16);
    case 'hex': return r.chars(HEX, shape.len);
    case 'prefixed': return `${shape.prefix}_${r.chars(B62, shape.len)}`;
    case 'token': return r.chars(B64URL, shape.layout < 3 ? 22 : 43);
    case 'sepid': {
      const n = shape.base + i * 37 + r.int(0, 30);
      switch (shape.layout) {
        case 0: return `${pad(r.int(1000, 9999), 4)}-${pad(r.int(0, 9999), 4)}`;
        case 1: return `${r.int(10, 99)}.${pad(r.int(0, 999), 3)}.${pad(r.int(0, 999), 3)}`;
        case 2: return `${r.int(100, 999)}-${pad(r.int(0, 999), 3)}-${pad(r.int(0, 999), 3)}`;
        case 3: return `${2020 + (n % 6)}-${pad(n % 1_000_000, 6)}`;
        case 4: return `${r.int(1, 99)}-${pad(r.int(0, 99999), 5)}`;
        default: return `${pad(r.int(0, 999), 3)}.${pad(r.int(0, 999), 3)}.${pad(r.int(0, 999), 3)}-${pad(r.int(0, 99), 2)}`;
      }
    }
    case 'slug': {
      const f = fk();
      const words = [f.word.adjective(), f.word.noun()];
      if (r.chance(0.3)) words.push(f.word.noun());
      const s = words.join('-').toLowerCase().replace(/[^a-z0-9-]/g, '');
      return r.chance(0.25) ? `${s}-${r.int(1, 99)}` : s;
    }
    case 'word': {
      const f = fk();
      const w = (r.chance(0.7) ? f.word.noun() : f.company.buzzNoun()).replace(/[^A-Za-z]/g, '');
      return shape.layout === 0 ? w[0].toUpperCase() + w.slice(1) : w.toLowerCase();
    }
    case 'name': {
      const f = fk();
      const a = f.person.firstName().replace(/[^A-Za-z]/g, ''), b = f.person.lastName().replace(/[^A-Za-z]/g, '');
      return shape.layout < 2 ? `${a} ${b}` : shape.layout < 4 ? `${a}-${b}`.toLowerCase() : `${a}${b}`;
    }
    case 'username': return fk().internet.username();
    case 'email': return fk().internet.email().toLowerCase();
    case 'phone': return fk().phone.number({ style: 'international' });
    case 'gitref': {
      const f = fk();
      const b = f.git.branch();
      switch (r.int(0, 7)) {
        case 0: return r.pick(['main', 'master', 'develop', 'staging']);
        case 1: case 2: return `feature/${b}`;
        case 3: return `bugfix/${f.string.alpha({ length: 3, casing: 'upper' })}-${r.int(1, 9999)}-${b}`;
        case 4: return `release/${r.int(1, 9)}.${r.int(0, 20)}`;
        case 5: return `refs/heads/${b}`;
        case 6: return `dependabot/npm_and_yarn/${f.word.noun().toLowerCase()}-${f.system.semver()}`;
        default: return b;
      }
    }
    case 'enum': return p.enum![i % p.enum!.length];
    case 'date': {
      const d = new Date(Date.UTC(2024, 0, 1) + ((shape.base + i * 7919) % 1100) * 86_400_000);
      return d.toISOString().slice(0, 10);
    }
    case 'datetime': {
      const d = new Date(Date.UTC(2024, 0, 1) + r.int(0, 1100 * 86_400) * 1000);
      return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    case 'version': {
      if (shape.layout < 2) return `v${1 + (i % 5)}`;
      if (shape.layout < 4) return `${1 + (i % 4)}.${(i * 7) % 12}.${(i * 3) % 9}`;
      return `${2019 + (i % 7)}-${pad(1 + ((i * 5) % 12), 2)}-01`;
    }
    case 'locale': return LOCALES[(shape.base + i) % LOCALES.length];
    case 'filename': return r.chance(0.5) ? fk().system.commonFileName() : fk().system.fileName();
    case 'country': return shape.layout < 4 ? fk().location.countryCode('alpha-2') : fk().location.countryCode('alpha-3');
    case 'currency': return fk().finance.currencyCode();
    case 'pattern': return patternValue(p.pattern!, r) ?? r.chars(B62, 12);
    case 'shaped': return shaped(p.example!, r);
    case 'path': {
      const f = fk();
      const depth = r.int(1, 4);
      const parts: string[] = [];
      for (let k = 1; k < depth; k++) parts.push(r.chance(0.4) ? String(2020 + r.int(0, 6)) : f.word.noun().toLowerCase());
      parts.push(f.system.commonFileName());
      return parts.join('/');
    }
  }
}

/** Values of a spec pattern, by randexp driven by our seeded stream; null if it cannot make one that matches. */
function patternValue(pattern: string, r: Rng): string | null {
  let re: RegExp;
  try { re = new RegExp(pattern); } catch { return null; }
  const gen = new RandExp(re);
  gen.max = 12;
  gen.randInt = (a: number, b: number) => r.int(a, b);
  for (let k = 0; k < 3; k++) {
    const v = gen.gen();
    if (v && re.test(v) && !/[\s?#]/.test(v)) return v;
  }
  return null;
}

/** Same shape as the spec's example: digits, lower and upper case letters replaced, the rest kept. */
function shaped(ex: string, r: Rng): string {
  let s = '';
  for (const c of ex) {
    if (c >= '0' && c <= '9') s += r.chars('0123456789', 1);
    else if (c >= 'a' && c <= 'z') s += r.chars('abcdefghijklmnopqrstuvwxyz', 1);
    else if (c >= 'A' && c <= 'Z') s += r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 1);
    else s += c;
  }
  return s;
}

/** How many distinct values a pool holds, given how many requests go through it. */
export function poolSize(style: Style, p: ParamInfo, uses: number, r: Rng): number {
  if (style === 'enum') return p.enum!.length;
  if (style === 'country') return Math.min(40, Math.max(3, Math.round(uses / 5)));
  if (style === 'currency') return Math.min(12, Math.max(2, Math.round(uses / 10)));
  if (style === 'locale') return Math.min(LOCALES.length, Math.max(2, Math.round(uses / 8)));
  if (style === 'version') return r.int(2, 5);
  if (style === 'word' || style === 'slug') return Math.max(2, Math.min(300, Math.round(uses * r.next() * 0.5)));
  if (style === 'date') return Math.max(2, Math.min(400, Math.round(uses * 0.3)));
  const share = OPEN.has(style) ? 0.15 + 0.7 * r.next() : 0.3;
  return Math.max(2, Math.min(20_000, Math.round(uses * share)));
}

/**
 * A raw value as it appears in `$context.path`. `rawSlash` lets a `/` inside a value through unencoded
 * (git refs behind a greedy proxy route, which forwards any path); `mode` picks per API how `@`, `+` and
 * spaces are written.
 */
export function encodeValue(v: string, style: Style, mode: number, rawSlash: boolean): string {
  if (style === 'path') return v.split('/').map(encodeURIComponent).join('/');
  let s = encodeURIComponent(v);
  if (mode & 1) s = s.replace(/%40/g, '@');
  if (mode & 2) s = s.replace(/%2B/g, '+');
  if (mode & 4) s = s.replace(/%3A/g, ':');
  if (rawSlash) s = s.replace(/%2F/g, '/');
  return s;
}
