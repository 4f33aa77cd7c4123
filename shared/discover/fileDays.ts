import type { FileAssetRow } from '../emit/rows.ts';
import { KMV_K, kmvAddHash, kmvEstimate, topAdd } from './sketches.ts';
import type { EndpointStats, FileDay } from './types.ts';

const DAY = 86_400_000;
/** Downloaders a file_assets row names per endpoint and day. */
export const FILE_TOP_N = 10;
/**
 * Downloaders counted per endpoint and day (space-saving: the heaviest are never lost). More than are named, so
 * that the counts named are close: a newcomer inherits the smallest count counted, which is far below the top.
 */
const FILE_TRACKED = 4 * FILE_TOP_N;

export const newFileDay = (day: number, ts: number): FileDay => ({
  day, requests: 0, downloads: 0, unauth: 0, bytes: 0, principals: {}, ips: {}, principalSketch: [], ipSketch: [], kinds: [], first: ts, last: ts,
});

/**
 * Counts one request of a file endpoint into its day (`principal`: principal id, else API key id; the hashes are
 * the KMV hashes of the principal and the IP). Only 2xx answers are downloads: a 404 sweep serves no file.
 */
export function countFileRequest(t: FileDay, ts: number, status: number, bytes: number, principal: string | null, principalHash: number, ip: string, ipHash: number): void {
  t.requests++;
  if (ts < t.first) t.first = ts;
  if (ts > t.last) t.last = ts;
  if (status < 200 || status >= 300) return;
  t.downloads++;
  t.bytes += bytes;
  if (principal !== null) {
    topAdd(t.principals, principal, FILE_TRACKED);
    kmvAddHash(t.principalSketch, principalHash);
  } else t.unauth++;
  topAdd(t.ips, ip, FILE_TRACKED);
  kmvAddHash(t.ipSketch, ipHash);
}

/** Folds the day `s` of a merged-away endpoint into `t` (same day). */
export function mergeFileDay(t: FileDay, s: FileDay): void {
  t.requests += s.requests;
  t.downloads += s.downloads;
  t.unauth += s.unauth;
  t.bytes += s.bytes;
  for (const k in s.principals) topAdd(t.principals, k, FILE_TRACKED, s.principals[k]);
  for (const k in s.ips) topAdd(t.ips, k, FILE_TRACKED, s.ips[k]);
  for (const h of s.principalSketch) kmvAddHash(t.principalSketch, h, KMV_K);
  for (const h of s.ipSketch) kmvAddHash(t.ipSketch, h, KMV_K);
  for (const k of s.kinds) if (!t.kinds.includes(k)) t.kinds.push(k);
  t.first = Math.min(t.first, s.first);
  t.last = Math.max(t.last, s.last);
}

const iso = (ts: number) => new Date(ts).toISOString();
/** The FILE_TOP_N heaviest, heaviest first (ties by name), so rows are the same however the counts were reached. */
const ranked = (top: Record<string, number>) => Object.fromEntries(Object.entries(top).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, FILE_TOP_N));

/** The file_assets row of an endpoint's day. */
export function fileAssetRow(ep: EndpointStats, t: FileDay, snapshotAt: string): FileAssetRow {
  return {
    day: iso(t.day * DAY).slice(0, 10),
    domain_name: ep.domainName,
    method: ep.method,
    template: ep.template,
    file_types: [...(ep.file?.types ?? [])].sort(),
    requests: t.requests,
    downloads: t.downloads,
    unauth_downloads: t.unauth,
    bytes_total: t.bytes,
    distinct_principals: kmvEstimate(t.principalSketch),
    distinct_ips: kmvEstimate(t.ipSketch),
    top_principals: ranked(t.principals),
    top_ips: ranked(t.ips),
    sensitive_types: [...t.kinds].sort(),
    first_seen: iso(t.first),
    last_seen: iso(t.last),
    snapshot_at: snapshotAt,
  };
}
