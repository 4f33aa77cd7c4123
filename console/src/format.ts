import { visible, visibleKeepLayout } from '../../shared/report/visibleText.ts';

/**
 * Logged values (paths, user agents, principal ids) are attacker-controlled. They reach the page only as text
 * nodes (JSX children, never markup), and control characters (ANSI escapes, bidi overrides) are shown as
 * visible escapes like `\x1b`, as the CLI and the report show them. Line breaks too: a logged value is one
 * line, and a user agent ending in "\nFAKE ALERT" must not look like a second line of the page.
 */
export const shown = (v: unknown): string => (v === null || v === undefined ? '' : visible(String(v)));
/** Text people wrote (triage notes): line breaks kept, other controls escaped. */
export const shownText = (v: unknown): string => (v === null || v === undefined ? '' : visibleKeepLayout(String(v)));

const NUM = new Intl.NumberFormat('en-US');
export const num = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? NUM.format(n) : '–');
export const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(part / whole < 0.1 && part > 0 ? 1 : 0)}%` : '–');

export function bytes(n: unknown): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '–';
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v < 10 && i ? 1 : 0)} ${u[i]}`;
}

/** `2026-11-23 09:35 UTC`: the lake's times are event time in UTC, and a team across zones reads the same. */
export function when(iso: unknown): string {
  if (typeof iso !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso)) return shown(iso) || '–';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
export const hhmm = (iso: string) => iso.slice(11, 16);

/** `3 h ago`, relative to the newest data rather than the wall clock: a replayed lake may be old. */
export function ago(iso: string | undefined, now: string | undefined): string {
  if (!iso || !now) return '';
  const s = (Date.parse(now) - Date.parse(iso)) / 1000;
  if (!Number.isFinite(s)) return '';
  if (s < 90) return 'just now';
  if (s < 5400) return `${Math.round(s / 60)} min earlier`;
  if (s < 129600) return `${Math.round(s / 3600)} h earlier`;
  return `${Math.round(s / 86400)} d earlier`;
}

/** `camelCase` or `snake_case` keys as words: `ipFailures` -> `IP failures`. */
export function words(key: string): string {
  const w = key.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().trim();
  const fixed = w.replace(/\b(ip|ips|ua|url|api|id|p50|p95|p99|owasp|bola|kyc)\b/g, (m) => m.toUpperCase()).replace(/\bIPS\b/g, 'IPs');
  return fixed.charAt(0).toUpperCase() + fixed.slice(1);
}

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export const SEVERITY_COLOR: Record<string, string> = { critical: '#9f1239', high: '#dc2626', medium: '#d97706', low: '#2563eb', info: '#64748b' };
export const STATUS_COLOR = { status_2xx: '#0d9488', status_3xx: '#64748b', status_4xx: '#f59e0b', status_5xx: '#dc2626' } as const;

export const OWASP_NAMES: Record<string, string> = {
  'API1:2023': 'Broken object level authorization',
  'API2:2023': 'Broken authentication',
  'API3:2023': 'Broken object property level authorization',
  'API4:2023': 'Unrestricted resource consumption',
  'API5:2023': 'Broken function level authorization',
  'API6:2023': 'Unrestricted access to sensitive business flows',
  'API7:2023': 'Server side request forgery',
  'API8:2023': 'Security misconfiguration',
  'API9:2023': 'Improper inventory management',
  'API10:2023': 'Unsafe consumption of APIs',
};
