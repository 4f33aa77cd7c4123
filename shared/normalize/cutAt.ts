/** How far back a cut may move to avoid keeping the first digits of a number or the start of an address. */
const BACK_OFF = 40;

const isValueChar = (c: number) =>
  (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) || c === 43 || c === 45 || c === 46 || c === 64 || c === 95 || c === 37;

/**
 * `s` cut to at most `max` characters, at the start of the value the limit falls in (within 40 characters):
 * a cut through a phone or card number would keep its first digits, which the masker no longer recognises.
 * Never splits a surrogate pair.
 *
 * @example cutAt('ua 13812345678', 8) // 'ua '
 */
export function cutAt(s: string, max: number): string {
  if (s.length <= max) return s;
  let e = max;
  while (e > max - BACK_OFF && e > 0 && isValueChar(s.charCodeAt(e - 1)) && isValueChar(s.charCodeAt(e))) e--;
  if (e === max - BACK_OFF || e === 0) e = max;
  const c = s.charCodeAt(e - 1);
  if (c >= 0xd800 && c <= 0xdbff) e--;
  return s.slice(0, e);
}
