import { createHmac } from 'node:crypto';
import { classifySensitive, maskValue, SECRET_PARAM_NAMES, type SensitiveKind } from './detectSensitive.ts';

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
  /** Masks sensitive path segments and query values; returns the input string itself when nothing matched. */
  maskPath(path: string): string;
  maskQuery(query: string): string;
}

/**
 * @example
 * const m = createMasker('per-deployment-secret');
 * m.maskPath('/v1/users/13812345678/cards') // '/v1/users/*cn_mobile:138****5678#9c1e.../cards'
 */
export function createMasker(hashKey: string): Masker {
  const hash = (v: string) => createHmac('sha256', hashKey).update(v).digest('hex').slice(0, 12);
  // The same customer's phone or card shows up in request after request; an HMAC per occurrence was a
  // visible share of ingest CPU. Process memory only (cleared when full), never stored.
  const tokens = new Map<string, string>();
  const token = (kind: SensitiveKind, v: string) => {
    const k = kind + ':' + v;
    let t = tokens.get(k);
    if (t === undefined) {
      if (tokens.size >= TOKEN_CACHE_MAX) tokens.clear();
      t = `${MASK_PREFIX}${kind}:${maskValue(kind, v)}#${hash(v)}`;
      tokens.set(k, t);
    }
    return t;
  };
  // Paths that hold a long number repeat too (a customer's card, an order): their outcome is remembered, keyed
  // by the path as received, in process memory only and bounded like the tokens.
  const paths = new Map<string, string>();
  const maskSegments = (path: string): string => {
    const segs = path.split('/');
    let changed = false;
    for (let i = 1; i < segs.length; i++) {
      let s = segs[i];
      if (s.length < 6) continue;
      if (s.includes('%')) { try { s = decodeURIComponent(s); } catch { /* keep raw */ } }
      const kind = classifySensitive(s);
      if (kind) { segs[i] = token(kind, s); changed = true; }
    }
    return changed ? segs.join('/') : path;
  };
  const masker: Masker = {
    maskPath(path: string): string {
      // Fast path: most paths hold no run of 6+ digits, no '@' and no JWT.
      if (!/\d{6}|@|%40|eyJ/.test(path)) return path;
      let out = paths.get(path);
      if (out === undefined) {
        if (paths.size >= TOKEN_CACHE_MAX) paths.clear();
        out = maskSegments(path);
        paths.set(path, out);
      }
      return out;
    },
    maskQuery(query: string): string {
      if (!query) return query;
      const parts = query.split('&');
      let changed = false;
      for (let i = 0; i < parts.length; i++) {
        const eq = parts[i].indexOf('=');
        if (eq < 0) continue;
        const k = parts[i].slice(0, eq);
        let v = parts[i].slice(eq + 1);
        try { v = decodeURIComponent(v.replace(/\+/g, ' ')); } catch { /* keep raw */ }
        if (!v) continue;
        const kind: SensitiveKind | null = SECRET_PARAM_NAMES.test(k) ? (/pass|pwd/i.test(k) ? 'password' : 'api_token') : classifySensitive(v);
        if (kind) { parts[i] = `${k}=${token(kind, v)}`; changed = true; }
      }
      return changed ? parts.join('&') : query;
    },
  };
  return masker;
}
