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

/** Digits joined by single spaces or dashes before a number can be one of the numeric kinds (E.164 has 8). */
const MIN_RUN_DIGITS = 7;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlnum = (c: number) => (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122);

/** Word before a `=` or `:` at `i` (skipping a quote and spaces), when it names a secret (`password=`, `"token":`). */
function secretNameBefore(s: string, i: number): boolean {
  let e = i;
  while (e > 0 && s.charCodeAt(e - 1) === 32) e--;
  if (e > 0 && (s.charCodeAt(e - 1) === 34 || s.charCodeAt(e - 1) === 39)) e--;
  let b = e;
  while (b > 0 && e - b < 32) {
    const c = s.charCodeAt(b - 1);
    if (isAlnum(c) || c === 95 || c === 45) b--;
    else break;
  }
  return b < e && SECRET_PARAM_NAMES.test(s.slice(b, e));
}

/**
 * Cheap pre-check, one pass over the characters and no allocation: false when the text cannot hold any kind
 * findInText recognises (no run of 7+ digits, no `@`, no JWT or key prefix, no secret `name=`, nothing
 * percent- or JSON-escaped that could hide one). Most fields of most events stop here.
 */
export function mayHoldSensitive(s: string): boolean {
  const n = s.length;
  let run = 0, sep = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++run >= MIN_RUN_DIGITS) return true;
      sep = false;
      continue;
    }
    // Space, dash, or `+` (a space in a form-encoded query) inside a number.
    if ((c === 32 || c === 45 || c === 43) && run > 0 && !sep) { sep = true; continue; }
    run = 0; sep = false;
    switch (c) {
      case 64: /* @ */ return true;
      case 37: /* % : an escaped @, +, - , space or digit */ { const d = s.charCodeAt(i + 1); if (d === 50 || d === 51 || d === 52) return true; break; }
      case 92: /* \ */ if (s.charCodeAt(i + 1) === 117 /* u */) return true; break;
      case 101: /* e */ if (s.startsWith('yJ', i + 1)) return true; break;
      case 65: /* A */ if (s.startsWith('KIA', i + 1) || s.startsWith('SIA', i + 1) || s.startsWith('Iza', i + 1) || s.startsWith('ROA', i + 1) || s.startsWith('IDA', i + 1)) return true; break;
      case 107: /* k */ if (s.charCodeAt(i + 1) === 95 && (s.charCodeAt(i - 1) === 115 || s.charCodeAt(i - 1) === 114)) return true; break;
      case 103: /* g */ if (s.charCodeAt(i + 1) === 104 && (s.charCodeAt(i + 3) === 95 || s.startsWith('ithub_pat_', i + 1))) return true; break;
      case 120: /* x */ if (s.startsWith('ox', i + 1)) return true; break;
      case 66: case 98: /* B b */ if (s.startsWith('earer', i + 1) || s.startsWith('asic ', i + 1)) return true; break;
      case 61: case 58: /* = : */ if (secretNameBefore(s, i)) return true; break;
    }
  }
  return false;
}

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
const IBAN = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,40}/g;
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
 * Every sensitive value in `s` (already decoded), without overlaps, in text order. Each recogniser runs only
 * when the text holds what it needs (an `@`, `eyJ`, ...), and checksums decide before anything is reported.
 *
 * @example findInText('call +86 138 1234 5678') // [{ start: 5, end: 22, kind: 'cn_mobile', value: '13812345678' }]
 */
export function findInText(s: string): TextHit[] {
  const hits: TextHit[] = [];
  findNumbers(s, hits);
  if (s.includes('@')) findEmails(s, hits);
  if (s.includes('eyJ')) findJwts(s, hits);
  findIbans(s, hits);
  findAll(AWS_KEY, s, hits, 'aws_access_key');
  findAll(PROVIDER_KEY, s, hits, 'secret_key');
  if (/bearer|basic/i.test(s)) findAuthHeaders(s, hits);
  if (s.includes('=') || s.includes(':')) findSecretAssignments(s, hits);
  if (hits.length < 2) return hits;
  // The earliest, then the longest, wins: an email's digits are not also a phone number.
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: TextHit[] = [];
  let end = -1;
  for (const h of hits) if (h.start >= end) { out.push(h); end = h.end; }
  return out;
}
