import {
  AWS_ACCESS_KEY, isBankCard, isCnMobile, isCnResidentId, isE164, isEmail, isIban, isUsSsn, SECRET_KEY, SECRET_PARAM_NAMES, secretParamKind,
  type SensitiveKind,
} from './detectSensitive.ts';
import { IBAN_LENGTHS } from './ibanLengths.ts';

/**
 * Finds sensitive values anywhere in a text: a log line that failed to parse, another log format (CLF,
 * key=value), an error message, a user agent, a query string in any syntax. Works on decoded text (see
 * {@link decodeForScan}); every hit carries the value normalized (no separators), so that `138 1234 5678` and
 * `13812345678` are the same value with the same keyed hash.
 */
export interface TextHit {
  start: number;
  end: number;
  kind: SensitiveKind;
  value: string;
}

/** Fewest digits of a numeric kind: 9 (a dashed SSN), 8 after a `+` (E.164). */
const MIN_DIGITS = 9;
const MIN_PLUS_DIGITS = 8;
/** Digit runs shorter than this are not even looked at by findInText. */
const MIN_RUN_DIGITS = 8;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
const isAlnum = (c: number) => (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122);

/** Word before a `=` or `:` at `i` (skipping a quote and spaces), when it names a secret (`password=`, `"token":`). */
function secretNameBefore(s: string, i: number): boolean {
  let e = i;
  while (e > 0 && (s.charCodeAt(e - 1) === 32 || s.charCodeAt(e - 1) === 9)) e--;
  if (e > 0 && (s.charCodeAt(e - 1) === 34 || s.charCodeAt(e - 1) === 39)) e--;
  let b = e;
  while (b > 0 && e - b < 32) {
    const c = s.charCodeAt(b - 1);
    if (isAlnum(c) || c === 95 || c === 45) b--;
    else break;
  }
  return b < e && SECRET_PARAM_NAMES.test(s.slice(b, e));
}

/** Per ASCII code: 1 digit, 2 separator inside a number (space, dash, `+`), 3 a character that may start something. */
const CHAR_CLASS = (() => {
  const t = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) t[c] = 1;
  for (const c of ' -+()') t[c.charCodeAt(0)] = 2;
  for (const c of '@%\\eAkgxBb=:') t[c.charCodeAt(0)] = 3;
  return t;
})();

/** What the scan saw, so that findInText runs only the recognisers that can find something. */
export const SEEN_NUMBER = 1, SEEN_IBAN = 2, SEEN_EMAIL = 4, SEEN_JWT = 8, SEEN_KEY = 16, SEEN_AUTH = 32, SEEN_ASSIGNMENT = 64, SEEN_ESCAPE = 128;
export const SEEN_ALL = 255;

/** What the trigger character at `i` may start (checked by code, not by a call per candidate); 0 for nothing. */
function triggerAt(s: string, i: number, c: number): number {
  switch (c) {
    case 64: return SEEN_EMAIL; // @
    case 37: return isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2)) ? SEEN_ESCAPE : 0; // %XX: anything may be escaped
    case 92: return s.charCodeAt(i + 1) === 117 ? SEEN_ESCAPE : 0; // \u
    case 101: return s.charCodeAt(i + 1) === 121 && s.charCodeAt(i + 2) === 74 ? SEEN_JWT : 0; // eyJ
    case 65: return AWS_PREFIXES.has(s.slice(i, i + 4)) ? SEEN_KEY : 0;
    case 107: { const p = s.charCodeAt(i - 1); return s.charCodeAt(i + 1) === 95 && (p === 115 || p === 114) ? SEEN_KEY : 0; } // sk_ rk_
    case 103: return s.charCodeAt(i + 1) === 104 && (s.charCodeAt(i + 3) === 95 || s.startsWith('ithub_pat_', i + 1)) ? SEEN_KEY : 0; // gh?_ github_pat_
    case 120: return s.charCodeAt(i + 1) === 111 && s.charCodeAt(i + 2) === 120 ? SEEN_KEY : 0; // xox
    case 66: case 98: { const a = s.charCodeAt(i + 1) | 0x20, b = s.charCodeAt(i + 2) | 0x20, d = s.charCodeAt(i + 3) | 0x20; return (a === 101 ? b === 97 && d === 114 : a === 97 && b === 115 && d === 105) ? SEEN_AUTH : 0; } // bear, basi in any case
    case 61: case 58: return secretNameBefore(s, i) ? SEEN_ASSIGNMENT : 0; // name= name:
    default: return 0;
  }
}

/** The four-letter starts of AWS_ACCESS_KEY's ids and of Google API keys. */
const AWS_PREFIXES = new Set(['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AGPA', 'AIDA', 'AROA', 'ANPA', 'ANVA', 'AIPA', 'AIza']);

/**
 * Cheap pre-check, one pass over the characters and no allocation: what in the text findInText could find
 * something in (SEEN_* flags), 0 when nothing. It over-approximates findInText's candidates, never under: a
 * number of 9+ digits (8+ after a `+`) with the same boundaries as there, an IBAN's country and check digits,
 * an `@`, a JWT or key prefix, a secret `name=`, anything percent- or JSON-escaped. Most fields of most events
 * come out 0; a random UUID's digit runs are glued to hex letters and do not count.
 */
export function scanForSensitive(s: string): number {
  const n = s.length;
  let seen = 0;
  // Digits in the current run (groups joined by up to two separator characters), in its last group, whether
  // the run is glued to a letter before it or follows a `+`, and separator characters just seen.
  let run = 0, group = 0, glued = false, plus = false, seps = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? CHAR_CLASS[c] : 0;
    // Most characters are neither digits nor triggers, and most come outside a number: nothing to do.
    if (k === 0 && run === 0) continue;
    if (k === 1) {
      if (run === 0) {
        const p = i > 0 ? s.charCodeAt(i - 1) : 32;
        glued = isAlnum(p);
        plus = p === 43 || p === 40; // `+` or the `(` of `+1 (415)`
        // A country code and two digits at the start of a word: an IBAN's first four characters.
        if (glued && i >= 2 && !isAlnum(s.charCodeAt(i - 3)) && isDigit(s.charCodeAt(i + 1)) && IBAN_LENGTHS[s.slice(i - 2, i)] !== undefined) seen |= SEEN_IBAN;
      }
      run++; group++; seps = 0;
      continue;
    }
    if (k === 2 && run > 0 && seps < 2) {
      // A glued run cannot be a number, but the group after the separator starts a new one.
      if (glued) { run = 0; group = 0; glued = false; } else { seps++; group = 0; }
      continue;
    }
    if (run > 0 && !glued) {
      // A letter right after the digits (other than a resident ID's final X) leaves the groups before the last.
      const gluedEnd = seps === 0 && isAlnum(c) && !((c | 0x20) === 120 && !isAlnum(s.charCodeAt(i + 1)));
      if ((gluedEnd ? run - group : run) >= (plus ? MIN_PLUS_DIGITS : MIN_DIGITS)) seen |= SEEN_NUMBER;
    }
    run = 0; group = 0; glued = false; seps = 0;
    // The hex letters e and b start no trigger unless the next character fits (eyJ, bear, basi).
    if (k === 3 && (c !== 101 || s.charCodeAt(i + 1) === 121) && (c !== 98 || (s.charCodeAt(i + 1) | 0x20) === 101 || (s.charCodeAt(i + 1) | 0x20) === 97)) seen |= triggerAt(s, i, c);
  }
  if (run > 0 && !glued && run >= (plus ? MIN_PLUS_DIGITS : MIN_DIGITS)) seen |= SEEN_NUMBER;
  return seen;
}

/** Whether findInText could find anything in `s` (see scanForSensitive). */
export const mayHoldSensitive = (s: string): boolean => scanForSensitive(s) !== 0;

const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;
const HAS_PERCENT = /%[0-9A-Fa-f]{2}/;
const JSON_ESCAPE = /\\u([0-9A-Fa-f]{4})/g;

/**
 * Undoes the encodings that would hide a value from the recognisers: percent-encoding (up to three rounds, for
 * double-encoded input) and JSON `\uXXXX` escapes. Returns the input itself when there is nothing to decode.
 */
export function decodeForScan(s: string): string {
  let out = s;
  for (let round = 0; round < 3 && HAS_PERCENT.test(out); round++) {
    const next = out.replace(PERCENT_RUN, (m) => { try { return decodeURIComponent(m); } catch { return m; } });
    if (next === out) break;
    out = next;
  }
  if (out.includes('\\u')) out = out.replace(JSON_ESCAPE, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return out;
}

// A number: digits in groups joined by one space or dash, optionally `+` and a bracketed area code
// (`+1 (415) 555-2671`), a trailing X for resident IDs; not glued to letters or digits on either side.
const NUMBER = /(?<![A-Za-z0-9])(?:\+\d{1,3}[ -]?\(\d{1,4}\)[ -]?\d+|\+?\d+)(?:[ -]\d+)*[Xx]?(?![A-Za-z0-9])/g;
// Upper-case country codes only, as IBANs are written (and as the pre-check looks for them).
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Za-z0-9]){11,40}/g;
const AWS_KEY = new RegExp(`(?<![A-Za-z0-9])(?:${AWS_ACCESS_KEY.source})(?![A-Za-z0-9])`, 'g');
const PROVIDER_KEY = new RegExp(`(?<![A-Za-z0-9])(?:${SECRET_KEY.source})`, 'g');
const AUTH_HEADER = /\b(?:Bearer|Basic)\s+([A-Za-z0-9._~+/-]{8,}=*)/gi;
const SECRET_ASSIGNMENT = /(?<![A-Za-z0-9_-])(["']?)([A-Za-z][A-Za-z0-9_-]{1,31})\1\s*[:=]\s*(["']?)([^\s"'&;,}\]]{1,512})/g;

/** Classifies a run of digit groups as a whole; null when it is none of the numeric kinds. */
function classifyNumber(groups: readonly string[], seps: string, plus: boolean, x: boolean): { kind: SensitiveKind; value: string } | null {
  let n = 0;
  for (const g of groups) n += g.length;
  // Lengths of the numeric kinds: SSN 9, E.164 8-15, mobile 11 (13, 15 with 86, 0086), ID 18, card 13-19.
  if (n < 8 || n > 19) return null;
  const d = groups.join('');
  if (x) return groups.length <= 3 && isCnResidentId(d + 'X') ? { kind: 'cn_resident_id', value: d + 'X' } : null;
  if (plus) {
    if (d.startsWith('86') && isCnMobile(d.slice(2))) return { kind: 'cn_mobile', value: d.slice(2) };
    return isE164('+' + d) ? { kind: 'e164_phone', value: '+' + d } : null;
  }
  if (isCnMobile(d)) return { kind: 'cn_mobile', value: d.slice(-11) };
  if (d.length === 18 && groups.length <= 3 && isCnResidentId(d)) return { kind: 'cn_resident_id', value: d };
  if (groups.length === 3 && seps === '--' && groups[0].length === 3 && groups[1].length === 2) {
    const ssn = groups.join('-');
    return isUsSsn(ssn) ? { kind: 'us_ssn', value: ssn } : null;
  }
  // Cards are printed whole or in groups of four (Amex 4-6-5).
  if ((groups.length === 1 || groups[0].length === 4) && isBankCard(d)) return { kind: 'bank_card', value: d };
  return null;
}

/** Longest groups considered together: a 19-digit card in groups of 4 is 5, a mobile with +86 is 4. */
const MAX_GROUPS = 6;

function findNumbers(s: string, hits: TextHit[]): void {
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(s); m !== null; m = NUMBER.exec(s)) {
    const text = m[0];
    let digits = 0;
    for (let i = 0; i < text.length; i++) if (isDigit(text.charCodeAt(i))) digits++;
    if (digits < MIN_RUN_DIGITS) continue;
    const plus = text.charCodeAt(0) === 43;
    const x = (text.charCodeAt(text.length - 1) | 0x20) === 120;
    // Groups with their offsets in the text, and the separator after each.
    const groups: string[] = [], starts: number[] = [], seps: string[] = [];
    const re = /\d+/g;
    for (let g = re.exec(text); g !== null; g = re.exec(text)) {
      if (groups.length) seps.push(text[g.index - 1]);
      groups.push(g[0]); starts.push(g.index);
    }
    if (text.includes('(')) {
      // A bracketed area code only occurs in phone numbers written with their country code.
      const r = classifyNumber(groups, '', true, false);
      if (r) hits.push({ start: m.index, end: m.index + text.length, ...r });
      continue;
    }
    // The whole run first, then, left to right, the longest run of consecutive groups that is something.
    const upTo: number[] = [0]; // digits in groups[0..k)
    for (const g of groups) upTo.push(upTo[upTo.length - 1] + g.length);
    for (let i = 0; i < groups.length; ) {
      let found = 0;
      for (let j = Math.min(groups.length, i + MAX_GROUPS); j > i; j--) {
        const len = upTo[j] - upTo[i];
        if (len < 8 || len > 19) continue;
        const last = j === groups.length;
        const r = classifyNumber(groups.slice(i, j), seps.slice(i, j - 1).join(''), plus && i === 0, x && last);
        if (r) {
          const start = m.index + starts[i] - (plus && i === 0 ? 1 : 0);
          const end = m.index + starts[j - 1] + groups[j - 1].length + (x && last ? 1 : 0);
          hits.push({ start, end, ...r });
          found = j - i;
          break;
        }
      }
      i += found || 1;
    }
  }
}

function findEmails(s: string, hits: TextHit[]): void {
  for (let at = s.indexOf('@'); at >= 0; at = s.indexOf('@', at + 1)) {
    let b = at;
    while (b > 0 && at - b < 64 && /[A-Za-z0-9._%+-]/.test(s[b - 1])) b--;
    let e = at + 1;
    while (e < s.length && e - at < 254 && /[A-Za-z0-9.-]/.test(s[e])) e++;
    // Trailing dots and dashes are punctuation, not part of the domain.
    while (e > at + 1 && !/[A-Za-z]/.test(s[e - 1])) e--;
    const v = s.slice(b, e);
    if (b < at && isEmail(v)) hits.push({ start: b, end: e, kind: 'email', value: v.toLowerCase() });
  }
}

function findIbans(s: string, hits: TextHit[]): void {
  IBAN.lastIndex = 0;
  for (let m = IBAN.exec(s); m !== null; m = IBAN.exec(s)) {
    const len = IBAN_LENGTHS[m[0].slice(0, 2).toUpperCase()];
    if (len === undefined) { IBAN.lastIndex = m.index + 1; continue; }
    // Exactly the country's length of non-space characters, then a boundary.
    let k = 0, e = 0;
    for (; e < m[0].length && k < len; e++) if (m[0][e] !== ' ') k++;
    const end = m.index + e;
    const compact = m[0].slice(0, e).replace(/ /g, '');
    if (k === len && !isAlnum(s.charCodeAt(end)) && isIban(compact)) { hits.push({ start: m.index, end, kind: 'iban', value: compact.toUpperCase() }); IBAN.lastIndex = end; }
    else IBAN.lastIndex = m.index + 1;
  }
}

const isB64Url = (c: number) => isAlnum(c) || c === 45 || c === 95;

/** End of the base64url run starting at `i`. */
function b64End(s: string, i: number): number {
  while (i < s.length && isB64Url(s.charCodeAt(i))) i++;
  return i;
}

/**
 * `eyJ<header>.eyJ<payload>.<signature>`, by a scan rather than a pattern: a pattern backtracks over every
 * `eyJ` of a long run without dots (quadratic), the scan skips past a run that has failed.
 */
function findJwts(s: string, hits: TextHit[]): void {
  for (let i = s.indexOf('eyJ'); i >= 0; ) {
    const e1 = b64End(s, i + 3);
    let next = e1;
    if (e1 - i >= 5 && s.charCodeAt(e1) === 46 && s.startsWith('eyJ', e1 + 1)) {
      const e2 = b64End(s, e1 + 4);
      next = e2;
      if (e2 - e1 >= 6 && s.charCodeAt(e2) === 46) {
        const e3 = b64End(s, e2 + 1);
        hits.push({ start: i, end: e3, kind: 'jwt', value: s.slice(i, e3) });
        next = e3;
      }
    }
    i = s.indexOf('eyJ', Math.max(next, i + 1));
  }
}

function findAll(re: RegExp, s: string, hits: TextHit[], kind: SensitiveKind): void {
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) hits.push({ start: m.index, end: m.index + m[0].length, kind, value: m[0] });
}

function findAuthHeaders(s: string, hits: TextHit[]): void {
  AUTH_HEADER.lastIndex = 0;
  for (let m = AUTH_HEADER.exec(s); m !== null; m = AUTH_HEADER.exec(s)) {
    const start = m.index + m[0].length - m[1].length;
    hits.push({ start, end: m.index + m[0].length, kind: 'bearer_token', value: m[1] });
  }
}

function findSecretAssignments(s: string, hits: TextHit[]): void {
  SECRET_ASSIGNMENT.lastIndex = 0;
  for (let m = SECRET_ASSIGNMENT.exec(s); m !== null; m = SECRET_ASSIGNMENT.exec(s)) {
    const v = m[4];
    if (!SECRET_PARAM_NAMES.test(m[2]) || v.charCodeAt(0) === 42 /* already a masked token */ || /^(?:Bearer|Basic)$/i.test(v)) { SECRET_ASSIGNMENT.lastIndex = m.index + m[1].length + m[2].length; continue; }
    hits.push({ start: m.index + m[0].length - v.length, end: m.index + m[0].length, kind: secretParamKind(m[2]), value: v });
  }
}

/**
 * Every sensitive value in `s` (already decoded), without overlaps, in text order. `seen` (from
 * scanForSensitive) says which recognisers to run; checksums decide before anything is reported.
 *
 * @example findInText('call +86 138 1234 5678') // [{ start: 5, end: 22, kind: 'cn_mobile', value: '13812345678' }]
 */
export function findInText(s: string, seen = SEEN_ALL): TextHit[] {
  const hits: TextHit[] = [];
  if (seen & SEEN_NUMBER) findNumbers(s, hits);
  if (seen & SEEN_EMAIL) findEmails(s, hits);
  if (seen & SEEN_JWT) findJwts(s, hits);
  if (seen & SEEN_IBAN) findIbans(s, hits);
  if (seen & SEEN_KEY) { findAll(AWS_KEY, s, hits, 'aws_access_key'); findAll(PROVIDER_KEY, s, hits, 'secret_key'); }
  if (seen & SEEN_AUTH) findAuthHeaders(s, hits);
  if (seen & SEEN_ASSIGNMENT) findSecretAssignments(s, hits);
  if (hits.length < 2) return hits;
  // The earliest, then the longest, wins: an email's digits are not also a phone number.
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: TextHit[] = [];
  let end = -1;
  for (const h of hits) if (h.start >= end) { out.push(h); end = h.end; }
  return out;
}
