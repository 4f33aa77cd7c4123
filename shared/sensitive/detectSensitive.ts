import { IBAN_LENGTHS } from './ibanLengths.ts';

/**
 * Recognisers for sensitive values. Each is a shape test plus, where one exists, the checksum that separates
 * real identifiers from look-alike numbers (GB 11643 for CN resident IDs, Luhn for bank cards, ISO 13616
 * mod-97 for IBANs), so that order numbers are not reported as card numbers.
 */
export type SensitiveKind =
  | 'cn_mobile' | 'cn_resident_id' | 'bank_card' | 'email' | 'jwt' | 'password' | 'api_token' | 'ipv4'
  | 'e164_phone' | 'iban' | 'us_ssn' | 'aws_access_key' | 'secret_key' | 'bearer_token';

const RID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RID_C = '10X98765432';

/** 18-digit PRC resident identity number with a valid birth date and GB 11643 check digit. */
export function isCnResidentId(s: string): boolean {
  if (s.length !== 18 || !/^[1-9]\d{16}[\dXx]$/.test(s)) return false;
  const y = +s.slice(6, 10), mo = +s.slice(10, 12), d = +s.slice(12, 14);
  if (y < 1900 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (s.charCodeAt(i) - 48) * RID_W[i];
  return RID_C[sum % 11] === s[17].toUpperCase();
}

export function luhnOk(s: string): boolean {
  let sum = 0, dbl = false;
  for (let i = s.length - 1; i >= 0; i--) {
    let d = s.charCodeAt(i) - 48;
    if (dbl) { d *= 2; if (d > 9) d -= 9; }
    sum += d; dbl = !dbl;
  }
  return sum % 10 === 0;
}

/** Whether a card network issues numbers of this length under this prefix (ISO/IEC 7812 ranges). */
function cardLengthOk(s: string): boolean {
  const n = s.length, c = s.charCodeAt(0) - 48, two = +s.slice(0, 2);
  switch (c) {
    case 2: { const p = +s.slice(0, 4); return p >= 2221 && p <= 2720 && n === 16; } // Mastercard 2-series
    case 3: return two === 34 || two === 37 ? n === 15 : two === 35 || two === 30 || two === 36 || two === 38 || two === 39 ? n >= 14 : false; // Amex; JCB, Diners
    case 4: return n === 13 || n === 16 || n === 19; // Visa
    case 5: return two >= 51 && two <= 55 ? n === 16 : true; // Mastercard; Maestro
    case 6: return true; // UnionPay, Discover, Maestro: 13-19
    default: return false;
  }
}

/** 13-19 digit card number (UnionPay 62..., Visa, Mastercard, Amex, JCB...) of a length its network issues, passing Luhn. */
export function isBankCard(s: string): boolean {
  return s.length >= 13 && s.length <= 19 && /^\d+$/.test(s) && cardLengthOk(s) && luhnOk(s);
}

/** Mainland China mobile number, optionally with +86 / 86 / 0086 prefix. */
export function isCnMobile(s: string): boolean {
  return /^(?:\+?86|0086)?1[3-9]\d{9}$/.test(s);
}

/** ITU-T E.164 international number as written in URLs and logs: `+`, country code, 8-15 digits in all. */
export function isE164(s: string): boolean {
  return s.length >= 9 && s.length <= 16 && /^\+[1-9]\d{7,14}$/.test(s);
}

/** US social security number in its dashed form, without the never-issued areas (000, 666, 9xx), group 00 or serial 0000. */
export function isUsSsn(s: string): boolean {
  const m = /^(\d{3})-(\d{2})-(\d{4})$/.exec(s);
  return m !== null && m[1] !== '000' && m[1] !== '666' && m[1][0] !== '9' && m[2] !== '00' && m[3] !== '0000';
}

/** IBAN (no spaces): a country's registered length and the ISO 13616 mod-97 check. */
export function isIban(s: string): boolean {
  const len = IBAN_LENGTHS[s.slice(0, 2).toUpperCase()];
  if (len === undefined || s.length !== len || !/^[A-Za-z]{2}\d{2}[A-Za-z0-9]+$/.test(s)) return false;
  // Rearranged (BBAN, then country and check digits) with letters as 10..35, reduced mod 97 digit by digit.
  const r = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < r.length; i++) {
    const c = r.charCodeAt(i) | 0x20;
    const v = c >= 48 && c <= 57 ? c - 48 : c - 87;
    rem = v < 10 ? (rem * 10 + v) % 97 : (rem * 100 + v) % 97;
  }
  return rem === 1;
}

export function isEmail(s: string): boolean {
  return s.length <= 254 && /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/.test(s);
}

export function isJwt(s: string): boolean {
  return s.length > 30 && /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(s);
}

/** AWS access key ids (long-term AKIA, temporary ASIA and the other documented prefixes). */
export const AWS_ACCESS_KEY = /(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16}/;

/**
 * Provider secrets with a recognisable prefix: Stripe-style live/test secret and restricted keys, GitHub
 * tokens, Slack tokens, Google API keys. Publishable keys (`pk_live_`) are public by design and left alone.
 */
export const SECRET_KEY = /(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,99}|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|xox[abprs]-[A-Za-z0-9-]{10,200}|AIza[0-9A-Za-z_-]{35}/;

const AWS_WHOLE = new RegExp(`^${AWS_ACCESS_KEY.source}$`);
const SECRET_WHOLE = new RegExp(`^(?:${SECRET_KEY.source})$`);

/** Query keys whose values are secrets whatever they look like. */
export const SECRET_PARAM_NAMES = /^(?:pass(?:word|wd)?|pwd|passcode|secret|client_secret|token|access_token|refresh_token|id_token|auth_token|api_?key|apikey|x-api-key|auth|authorization|session(?:id)?|sid|pin|otp|cvv2?|cvc|private_key|aws_secret_access_key|x-amz-security-token|x-amz-signature)$/i;

/** Kind for a value held under a secret key name: passwords and PINs are `password`, the rest `api_token`. */
export function secretParamKind(name: string): SensitiveKind {
  return /pass|pwd|pin|otp|cvv|cvc/i.test(name) ? 'password' : 'api_token';
}

/** Classifies one decoded URL value (path segment or query value); null when it is not sensitive. */
export function classifySensitive(value: string): SensitiveKind | null {
  const n = value.length;
  if (n < 6) return null;
  const c = value.charCodeAt(0);
  if (c >= 48 && c <= 57 || c === 43) {
    if (isCnMobile(value)) return 'cn_mobile';
    if (isCnResidentId(value)) return 'cn_resident_id';
    if (isBankCard(value)) return 'bank_card';
    if (c === 43 && isE164(value)) return 'e164_phone';
    if (n === 11 && isUsSsn(value)) return 'us_ssn';
    return null;
  }
  if (value.includes('@') && isEmail(value)) return 'email';
  if (c === 101 /* e */ && isJwt(value)) return 'jwt';
  if (c >= 65 && c <= 90 || c >= 97 && c <= 122) {
    if (n >= 15 && n <= 34 && value.charCodeAt(2) <= 57 && isIban(value)) return 'iban';
    if (n === 20 && AWS_WHOLE.test(value)) return 'aws_access_key';
    if (n >= 18 && SECRET_WHOLE.test(value)) return 'secret_key';
  }
  return null;
}

/**
 * A display mask that keeps just enough to recognise the value: `138****5678`, `6222********1234`, `a***@x.com`,
 * `+44*******58`, `DE89****3000`. Values are given normalized (no separators).
 */
export function maskValue(kind: SensitiveKind, v: string): string {
  switch (kind) {
    case 'cn_mobile': return v.slice(0, v.length - 8) + '****' + v.slice(-4);
    case 'cn_resident_id': return v.slice(0, 6) + '********' + v.slice(-4);
    case 'bank_card': return v.slice(0, 4) + '*'.repeat(v.length - 8) + v.slice(-4);
    case 'email': { const at = v.indexOf('@'); return v[0] + '***' + v.slice(at); }
    case 'jwt': return 'eyJ***';
    case 'e164_phone': return v.slice(0, 3) + '*'.repeat(v.length - 5) + v.slice(-2);
    case 'iban': return v.slice(0, 4).toUpperCase() + '****' + v.slice(-4).toUpperCase();
    case 'us_ssn': return '***-**-' + v.slice(-4);
    case 'aws_access_key': return v.slice(0, 4) + '****' + v.slice(-4);
    case 'secret_key': return (/^(?:[sr]k_(?:live|test)_|gh[pousr]_|github_pat_|xox[abprs]-|AIza)/.exec(v)?.[0] ?? '') + '***';
    default: return '***';
  }
}
