/**
 * Recognisers for sensitive values that show up in URLs. Each is a shape test plus, where one exists, the
 * checksum that separates real identifiers from look-alike numbers (GB 11643 for CN resident IDs, Luhn for
 * bank cards), so that order numbers are not reported as card numbers.
 */
export type SensitiveKind = 'cn_mobile' | 'cn_resident_id' | 'bank_card' | 'email' | 'jwt' | 'password' | 'api_token' | 'ipv4';

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

/** 13-19 digit card number (UnionPay 62..., Visa, Mastercard, Amex...) passing Luhn. */
export function isBankCard(s: string): boolean {
  return s.length >= 13 && s.length <= 19 && /^[3-6]\d+$/.test(s) && luhnOk(s);
}

/** Mainland China mobile number, optionally with +86 / 86 prefix. */
export function isCnMobile(s: string): boolean {
  return /^(?:\+?86)?1[3-9]\d{9}$/.test(s);
}

export function isEmail(s: string): boolean {
  return s.length <= 254 && /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/.test(s);
}

export function isJwt(s: string): boolean {
  return s.length > 30 && /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(s);
}

/** Query keys whose values are secrets whatever they look like. */
export const SECRET_PARAM_NAMES = /^(?:pass(?:word|wd)?|pwd|secret|client_secret|token|access_token|refresh_token|id_token|api_?key|apikey|auth|authorization|session(?:id)?|sid)$/i;

/** Classifies one decoded URL value (path segment or query value); null when it is not sensitive. */
export function classifySensitive(value: string): SensitiveKind | null {
  const n = value.length;
  if (n < 6) return null;
  const c = value.charCodeAt(0);
  if (c >= 48 && c <= 57 || c === 43) {
    if (isCnMobile(value)) return 'cn_mobile';
    if (isCnResidentId(value)) return 'cn_resident_id';
    if (isBankCard(value)) return 'bank_card';
    return null;
  }
  if (value.includes('@') && isEmail(value)) return 'email';
  if (c === 101 /* e */ && isJwt(value)) return 'jwt';
  return null;
}

/** A display mask that keeps just enough to recognise the value: `138****5678`, `6222********1234`, `a***@x.com`. */
export function maskValue(kind: SensitiveKind, v: string): string {
  switch (kind) {
    case 'cn_mobile': return v.slice(0, v.length - 8) + '****' + v.slice(-4);
    case 'cn_resident_id': return v.slice(0, 6) + '********' + v.slice(-4);
    case 'bank_card': return v.slice(0, 4) + '*'.repeat(v.length - 8) + v.slice(-4);
    case 'email': { const at = v.indexOf('@'); return v[0] + '***' + v.slice(at); }
    case 'jwt': return 'eyJ***';
    default: return '***';
  }
}
