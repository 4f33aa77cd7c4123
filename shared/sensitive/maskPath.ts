import { createHmac } from 'node:crypto';
import { classifySensitive, maskValue, SECRET_PARAM_NAMES, secretParamKind, type SensitiveKind } from './detectSensitive.ts';
import { decodeForScan, findInText, mayHoldSensitive, scanForSensitive, SEEN_ESCAPE } from './findInText.ts';

/**
 * A masked segment replaces a sensitive value before anything is stored: `*cn_mobile:138****5678#1f2e3d4c5b`.
 * It keeps the kind (for discovery and defects), a display mask (for evidence) and a keyed hash (so that
 * distinct values stay distinct for enumeration detection) and never the value itself.
 */
export const MASK_PREFIX = '*';

const TOKEN_CACHE_MAX = 20_000;

export interface MaskedToken { kind: SensitiveKind; display: string; hash: string }

export function parseMaskToken(seg: string): MaskedToken | null {
  if (seg.charCodeAt(0) !== 42) return null;
  const m = /^\*([a-z_0-9]+):([^#]*)#([0-9a-f]+)$/.exec(seg);
  return m ? { kind: m[1] as SensitiveKind, display: m[2], hash: m[3] } : null;
}

export interface Masker {
  /** Masks sensitive path segments (whole, or inside one: matrix parameters, file names); returns the input string itself when nothing matched. */
  maskPath(path: string): string;
  /** Masks query values in `&`- or `;`-separated syntax, JSON or lists inside a value, URL-encoded or not. */
  maskQuery(query: string): string;
  /** Masks every sensitive value inside any text (see findInText); returns the input string itself when nothing matched. */
  maskText(text: string): string;
  /**
   * maskText for caller ids (principal, API key): the same email or phone number comes with request after
   * request, so what a flagged id masks to is remembered (bounded, process memory only).
   */
  maskId(id: string): string;
  /** A keyed hash of arbitrary bytes or text, for describing what cannot be stored (binary records). */
  digest(data: string | Uint8Array): string;
}

/** `f` remembered per input, in process memory only, bounded like the tokens (cleared when full). */
function remembered(f: (s: string) => string): (s: string) => string {
  const memo = new Map<string, string>();
  return (s) => {
    let out = memo.get(s);
    if (out === undefined) {
      if (memo.size >= TOKEN_CACHE_MAX) memo.clear();
      out = f(s);
      memo.set(s, out);
    }
    return out;
  };
}

/** One value, one hash: separators, a +86 prefix or an email's case do not make a different customer. */
function normalizeValue(kind: SensitiveKind, v: string): string {
  switch (kind) {
    case 'cn_mobile': return v.replace(/\D/g, '').slice(-11);
    case 'bank_card': return v.replace(/\D/g, '');
    case 'cn_resident_id': return v.toUpperCase();
    case 'email': return v.toLowerCase();
    case 'iban': return v.replace(/ /g, '').toUpperCase();
    default: return v;
  }
}

/** Characters a masked text must not bring into a path segment or a query value, where they are syntax. */
const encodeIn = (re: RegExp) => (s: string) => s.replace(re, (c) => encodeURIComponent(c));
const encodeSegment = encodeIn(/[/?%\s]/g);
const encodeQueryValue = encodeIn(/[&;%\s]/g);

function decodeQueryPart(s: string, plusIsSpace: boolean): string {
  const t = plusIsSpace && s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!t.includes('%')) return t;
  try { return decodeURIComponent(t); } catch { return decodeForScan(t); }
}

/**
 * @example
 * const m = createMasker('per-deployment-secret');
 * m.maskPath('/v1/users/13812345678/cards') // '/v1/users/*cn_mobile:138****5678#9c1e.../cards'
 * m.maskText('user alice@example.com not found') // 'user *email:a***@example.com#0b1c... not found'
 */
export function createMasker(hashKey: string): Masker {
  const hash = (v: string | Uint8Array) => createHmac('sha256', hashKey).update(v).digest('hex').slice(0, 12);
  // The same customer's phone or card shows up in request after request; an HMAC per occurrence was a
  // visible share of ingest CPU. Process memory only (cleared when full), never stored.
  const tokens = new Map<string, string>();
  const token = (kind: SensitiveKind, raw: string) => {
    const v = normalizeValue(kind, raw);
    const k = kind + ':' + v;
    let t = tokens.get(k);
    if (t === undefined) {
      if (tokens.size >= TOKEN_CACHE_MAX) tokens.clear();
      t = `${MASK_PREFIX}${kind}:${maskValue(kind, v)}#${hash(v)}`;
      tokens.set(k, t);
    }
    return t;
  };
  const maskText = (text: string): string => {
    let seen = scanForSensitive(text);
    if (seen === 0) return text;
    let decoded = text;
    if (seen & SEEN_ESCAPE) { decoded = decodeForScan(text); seen = decoded === text ? seen : scanForSensitive(decoded); }
    const hits = findInText(decoded, seen);
    if (!hits.length) return text;
    let out = '', at = 0;
    for (const h of hits) { out += decoded.slice(at, h.start) + token(h.kind, h.value); at = h.end; }
    return out + decoded.slice(at);
  };
  // Paths that hold a long number repeat too (a customer's card, an order): their outcome is remembered, keyed
  // by the path as received (see remembered).
  const maskSegments = (path: string): string => {
    const segs = path.split('/');
    let changed = false;
    for (let i = 1; i < segs.length; i++) {
      const raw = segs[i];
      if (raw.length < 6) continue;
      let s = raw;
      if (s.includes('%')) { try { s = decodeURIComponent(s); } catch { /* keep raw */ } }
      const kind = classifySensitive(s);
      if (kind) { segs[i] = token(kind, s); changed = true; continue; }
      const inner = maskText(raw);
      if (inner !== raw) { segs[i] = encodeSegment(inner); changed = true; }
    }
    return changed ? segs.join('/') : path;
  };
  /** Masks free text decoded from a query key or value; null when nothing in it was sensitive. */
  const maskDecoded = (...candidates: string[]): string | null => {
    for (const c of candidates) { const m = maskText(c); if (m !== c) return encodeQueryValue(m); }
    return null;
  };
  const maskQueryPart = (part: string): string => {
    const eq = part.indexOf('=');
    if (eq < 0) return maskDecoded(decodeQueryPart(part, false), decodeQueryPart(part, true)) ?? part;
    const rawKey = part.slice(0, eq), rawValue = part.slice(eq + 1);
    const name = decodeQueryPart(rawKey, true);
    const key = maskDecoded(name) ?? rawKey;
    // `+` is a space in form encoding, but a literal `+` before digits is an international number.
    const literal = decodeQueryPart(rawValue, false), spaced = decodeQueryPart(rawValue, true);
    if (spaced.trim() && SECRET_PARAM_NAMES.test(name)) return `${key}=${token(secretParamKind(name), spaced)}`;
    const whole = classifySensitive(literal);
    if (whole) return `${key}=${token(whole, literal)}`;
    const spacedKind = classifySensitive(spaced.trim());
    if (spacedKind) return `${key}=${token(spacedKind, spaced.trim())}`;
    const value = maskDecoded(literal, spaced) ?? rawValue;
    return key === rawKey && value === rawValue ? part : `${key}=${value}`;
  };
  // Only what the pre-check lets through is remembered: flagged paths and ids repeat, clean ones cost nothing.
  const rememberedPath = remembered(maskSegments), rememberedId = remembered(maskText);
  const masker: Masker = {
    maskPath: (path) => (mayHoldSensitive(path) ? rememberedPath(path) : path),
    maskQuery(query: string): string {
      if (!query || !mayHoldSensitive(query)) return query;
      const parts = query.split(/([&;])/);
      let changed = false;
      for (let i = 0; i < parts.length; i += 2) {
        const p = parts[i];
        if (!p) continue;
        const m = maskQueryPart(p);
        if (m !== p) { parts[i] = m; changed = true; }
      }
      return changed ? parts.join('') : query;
    },
    maskText,
    maskId: (id) => (mayHoldSensitive(id) ? rememberedId(id) : id),
    digest: (data) => hash(data),
  };
  return masker;
}
