import { parseMaskToken } from '../sensitive/maskPath.ts';

/**
 * What a path segment looks like. `strong` shapes are identifiers whatever their neighbours are; `weak` shapes
 * (words, codes, versions, file names) can be literals or parameter values, which only the traffic structure
 * around them can tell.
 */
export type ValueShape =
  | 'integer'
  | 'digits'
  | 'uuid'
  | 'objectid'
  | 'hex'
  | 'date'
  | 'email'
  | 'masked'
  | 'encoded'
  | 'prefixed_id'
  | 'token'
  | 'code'
  | 'file'
  | 'version'
  | 'word';

export const STRONG_SHAPES: ReadonlySet<ValueShape> = new Set<ValueShape>(['integer', 'digits', 'uuid', 'objectid', 'hex', 'date', 'email', 'masked', 'encoded', 'prefixed_id', 'token']);

/** Extensions that make a path a downloadable file asset. */
export const FILE_ASSET_EXTENSIONS: ReadonlySet<string> = new Set(['docx', 'doc', 'xlsx', 'xls', 'pptx', 'ppt', 'pdf', 'csv', 'txt', 'json', 'zip']);
const FILE_EXT = /\.(docx?|xlsx?|pptx?|pdf|csv|txt|json|zip|xml|html?|png|jpe?g|gif|svg|webp|mp[34]|mov|avi|gz|tgz|tar|7z|rar|bin|apk|ipa|dmg|exe|msi|log|md|yaml|yml|js|css|ico|php|aspx?|jsp)$/i;

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const OBJECT_ID = /^[0-9a-f]{24}$/i;
const HEX = /^[0-9a-f]{8,}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$|^\d{8}$/;
// A version's numbers are small: `v8574522` is an identifier with a letter in front.
const VERSION = /^v\d{1,3}(?:\.\d+)*(?:[a-z]+\d*)?$|^\d+\.\d+(?:\.\d+)*$/i;
const PREFIXED = /^[A-Za-z]{1,12}_[A-Za-z0-9]{6,}$/;
const ALNUM = /^[A-Za-z0-9_-]+$/;
/** Response formats an API appends to a route name. */
const FORMAT_EXT = /^(?:json|xml|atom|rss|ya?ml|html?)$/i;
/** Lower-case words joined by `_` or `-` (or camelCase): how route names are spelled. */
const NAME_STEM = /^[a-z]+(?:[A-Z][a-z]+)*(?:[_-][a-z]+(?:[A-Z][a-z]+)*)*$/;
/** Digits in groups joined by one kind of separator: `1234-5678`, `999_888`, `12.345.678`, `415-555-2671`. */
const DIGIT_GROUPS = /^\d+(?:([-_.])\d+)(?:\1\d+)*$/;
/** Thousands separators: a short first group, then groups of exactly three. */
const THOUSANDS = /^\d{1,3}(?:\.\d{3})+$/;

/**
 * Digit groups are identifiers (order, account, phone numbers written with separators), unless they read as a
 * date (`2024-01-31`) or a dotted version (`1.4.0`, `2.10`); a dotted number with thousands groups
 * (`12.345.678`) is an identifier again.
 */
function digitGroups(seg: string): ValueShape {
  if (DATE.test(seg)) return 'date';
  if (seg.includes('.') && VERSION.test(seg) && !THOUSANDS.test(seg)) return 'version';
  return 'digits';
}

/**
 * Classifies one (already masked) path segment.
 *
 * @example
 * valueShape('12345') // 'integer'
 * valueShape('cus_MujjSlecAjvclNUYLHAceKCJ') // 'prefixed_id'
 * valueShape('me') // 'word'
 */
export function valueShape(seg: string): ValueShape {
  // Numeric ids are the bulk of a trie's segments: checking the digits is cheaper than hashing them for the
  // cache (8 digits can be a date: those take the general path).
  if (seg.length !== 8 && isDigits(seg)) return 'integer';
  // Masked values carry a hash of the value: nearly every one is new, and caching them only evicts the rest.
  if (seg.charCodeAt(0) === 42 && parseMaskToken(seg)) return 'masked';
  let shape = SHAPE_CACHE.get(seg);
  if (shape === undefined) {
    if (SHAPE_CACHE.size >= MAX_SHAPE_CACHE) SHAPE_CACHE.clear();
    shape = classifyShape(seg);
    SHAPE_CACHE.set(seg, shape);
  }
  return shape;
}

const SHAPE_CACHE = new Map<string, ValueShape>();
const MAX_SHAPE_CACHE = 100_000;

function isDigits(seg: string): boolean {
  const n = seg.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) { const c = seg.charCodeAt(i); if (c < 48 || c > 57) return false; }
  return true;
}

function classifyShape(seg: string): ValueShape {
  const n = seg.length;
  if (n === 0) return 'word';
  const c0 = seg.charCodeAt(0);
  if (c0 === 42 /* * */ && parseMaskToken(seg)) return 'masked';
  let digits = 0, upper = 0, lower = 0, other = 0;
  for (let i = 0; i < n; i++) {
    const c = seg.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else other++;
  }
  if (digits === n) return n === 8 && DATE.test(seg) && +seg.slice(0, 4) > 1900 && +seg.slice(0, 4) < 2100 && +seg.slice(4, 6) <= 12 ? 'date' : 'integer';
  if (other > 0) {
    if (seg.includes('@')) return 'email';
    if (upper + lower === 0 && DIGIT_GROUPS.test(seg)) return digitGroups(seg);
    // Percent-encoded bytes (`feature%2Flogin`, `a%20b`) only occur in values, never in endpoint names.
    if (/%[0-9A-Fa-f]{2}/.test(seg)) return 'encoded';
    if (digits >= 4 && DATE.test(seg)) return 'date';
    if (n >= 32 && UUID.test(seg)) return 'uuid';
    if (VERSION.test(seg)) return 'version';
    if (FILE_EXT.test(seg) && seg.indexOf('.') > 0) {
      // `categories.json`, `update_profile.xml`: a name with the response format appended, as Rails and many
      // older APIs route; a document is named otherwise (`report_final.pdf`).
      const dot = seg.lastIndexOf('.');
      if (FORMAT_EXT.test(seg.slice(dot + 1)) && NAME_STEM.test(seg.slice(0, dot))) return 'word';
      return 'file';
    }
    if (PREFIXED.test(seg) && randomStem(seg.slice(seg.indexOf('_') + 1))) return 'prefixed_id';
  } else {
    if (n === 32 && UUID.test(seg)) return 'uuid';
    if (n === 24 && OBJECT_ID.test(seg)) return 'objectid';
    if (digits > 0 && HEX.test(seg) && (lower === 0 || upper === 0)) return 'hex';
    if (VERSION.test(seg)) return 'version';
  }
  if (!ALNUM.test(seg)) return other > 0 && FILE_EXT.test(seg) ? 'file' : 'word';
  if (digits > 0 && upper + lower > 0) {
    // Letters and digits together: an identifier unless it reads like a word with a number in it (oauth2, by-v1-id).
    if (wordLike(seg)) return 'word';
    if (digits >= 3 && n >= 5) return 'token';
    if (n >= 8 && (lower === 0 || isRandomish(other ? seg.replace(/[-_]/g, '') : seg))) return 'token';
    return upper > 0 && lower === 0 && n >= 6 ? 'code' : 'word';
  }
  if (digits === 0 && n >= 10 && other === 0 && isRandomish(seg)) return 'token';
  if (lower === 0 && upper >= 2 && other === 0) return 'code';
  return 'word';
}

/** True for `one-two_three`, `v2beta`, `oauth2`, `sha256`, `by-v1-id`: lowercase words with a short number at most. */
function wordLike(seg: string): boolean {
  const parts = seg.split(/[-_.]/);
  let digits = 0;
  for (const p of parts) {
    if (!p) continue;
    if (/^[a-z]+$/i.test(p) && (p.length < 4 || !isRandomish(p))) continue;
    if (/^[a-z]{2,}\d{1,3}$|^v\d{1,2}[a-z]*$|^\d{1,2}[a-z]{1,3}$/.test(p)) { digits += p.replace(/\D/g, '').length; continue; }
    return false;
  }
  return digits <= 3;
}

/** The part after `cus_`: random letters and digits (ten or more mixed-case letters are never a word). */
function randomStem(stem: string): boolean {
  return isRandomish(stem) || (stem.length >= 10 && /[a-z]/.test(stem) && /[A-Z].*[A-Z]/.test(stem.slice(1)));
}

/**
 * Random-looking alphanumerics: mixed case without the regular humps of camelCase, or digits scattered in letters.
 */
export function isRandomish(s: string): boolean {
  const n = s.length;
  if (n < 6) return false;
  let upper = 0, lower = 0, digits = 0, transitions = 0, prev = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const k = c >= 48 && c <= 57 ? 1 : c >= 65 && c <= 90 ? 2 : c >= 97 && c <= 122 ? 3 : 4;
    if (k === 1) digits++; else if (k === 2) upper++; else if (k === 3) lower++;
    if (i > 0 && k !== prev) transitions++;
    prev = k;
  }
  if (upper + lower + digits !== n) return false;
  if (digits > 0 && upper + lower > 0) return transitions >= 3 || digits >= 3;
  if (digits === 0 && upper > 0 && lower > 0) {
    // camelCase/PascalCase words have few capitals, each followed by lowercase letters.
    // Long random strings can fall into humps by chance; they then show several odd ones (`FInq`, `Ti`).
    const odd = (s.match(/[A-Z]{2}/g)?.length ?? 0) + (s.match(/[A-Z][a-z](?=[A-Z])/g)?.length ?? 0);
    if (n >= 12 && odd >= 3) return true;
    // Humps of a real identifier are syllables; random letters give vowel-less ones (`NStx`, `Dkr`).
    let bare = 0;
    for (const h of s.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g) ?? []) if (h.length >= 3 && !/[aeiouyAEIOUY]/.test(h)) bare++;
    if (n >= 10 && bare >= 2) return true;
    if (/^[A-Z]?[a-z]+(?:[A-Z][a-z]+|[A-Z]{2}[a-z]{2,})*(?:[A-Z]{1,2})?$/.test(s)) return false;
    const capsRatio = upper / n;
    return capsRatio >= 0.2 && transitions >= n * 0.3 || /[A-Z]{3,}[a-z]/.test(s) && capsRatio > 0.3 || /[a-z][A-Z][a-z][A-Z]/.test(s) || /[A-Z]{2}[a-z][A-Z]/.test(s);
  }
  if (upper === 0 && digits === 0) return n >= 16 && !/[aeiou]/.test(s.slice(0, 6));
  return false;
}

export function isStrongShape(shape: ValueShape): boolean {
  return STRONG_SHAPES.has(shape);
}

/** The JSON-Schema-ish type name used in param_types and the exported OpenAPI document. */
export function shapeToParamType(shape: ValueShape): string {
  switch (shape) {
    case 'integer': return 'integer';
    case 'digits': return 'digits';
    case 'uuid': return 'uuid';
    case 'objectid': return 'objectid';
    case 'hex': return 'hex';
    case 'date': return 'date';
    case 'email': return 'email';
    case 'masked': return 'masked';
    case 'prefixed_id': return 'prefixed_id';
    case 'token': return 'token';
    case 'file': return 'filename';
    default: return 'string';
  }
}
