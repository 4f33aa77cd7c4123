/**
 * Characters a terminal or a viewer acts on instead of showing: C0 controls (ESC starts colour, cursor and
 * title sequences; CR and BS overwrite what was printed), DEL, C1 controls (CSI U+009B is ESC [ in one
 * character), Unicode bidi controls that reorder what is shown (Trojan Source) and the line separators.
 * Logged values (paths, user agents, principal ids) reach the CLI's output verbatim, so they pass through here.
 */
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_LAYOUT = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escapeOne = (c: string) => {
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
};

/** `s` with every such character written as a visible escape (`\x1b`, `\u202e`): safe on one terminal line. */
export function visible(s: string): string {
  return s.replace(UNSAFE, escapeOne);
}

/** Like {@link visible}, but keeps line feeds and tabs, which only lay text out (multi-line CSV cells). */
export function visibleKeepLayout(s: string): string {
  return s.replace(UNSAFE_BUT_LAYOUT, escapeOne);
}

/** JSON text with the characters `JSON.stringify` leaves raw (DEL, C1, bidi) as `\u` escapes: same value. */
export function jsonVisible(json: string): string {
  return json.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
