import type { Api } from './api.ts';

/** The rows the API answers with (docs/openapi.yaml), as the pages use them. */
export interface Endpoint {
  domain_name: string; method: string; template: string; first_seen: string; last_seen: string; request_count: number; snapshot_at: string;
  status_2xx: number; status_3xx: number; status_4xx: number; status_5xx: number; auth_requests: number; unauth_requests: number; distinct_callers: number;
  sensitive_types: string[]; param_types: Record<string, string>; is_file_asset: boolean; file_types: string[]; resp_bytes_p50: number; resp_bytes_max: number;
  spec_status: string; source: string;
}
export interface HistoryEntry { at: string; by: string; field: string; from: string | null; to: string | null }
export interface Ticket { system: string; key: string; url: string; state: string; at?: string }
export interface Triage { status: string; owner: string | null; note: string | null; ticket: Ticket | null; version: number; updatedAt: string | null; updatedBy: string | null; history?: HistoryEntry[] }
export interface Defect {
  defect_id: string; defect_type: string; severity: string; status: string; domain_name: string; method: string; template: string; first_seen: string; last_seen: string;
  owasp: string; occurrences: number; title: string; fix: string; evidence: string; triage: Triage;
}
export interface RiskEvent {
  actor_type: string; actor: string; window_start: string; window_end: string; score: number; severity: string; scenario: string; detectors: string[];
  domain_name: string; evidence: string; related_actors: string[]; incident_id: string | null; triage: Triage | null;
}
export interface TrafficPoint { at: string; requests: number; status_2xx: number; status_3xx: number; status_4xx: number; status_5xx: number; unauth_requests: number }
export interface Actor {
  actor_type: string; actor: string; first_seen?: string; last_seen?: string; requests?: number; risk_score?: number; typical_templates?: string[]; typical_hours?: number[];
  ips?: string[]; user_agents?: string[]; snapshot_at?: string; recent_risk_events: RiskEvent[];
}

/** The time the console looks at: the 7 days up to the newest snapshot in the lake (a replayed lake may be old). */
export interface DataWindow { from: string; to: string; end: string; traffic: TrafficPoint[] }

const windows = new WeakMap<Api, Promise<DataWindow>>();

export function dataWindow(api: Api): Promise<DataWindow> {
  let w = windows.get(api);
  if (!w) {
    w = api.get<{ items: TrafficPoint[] }>('/traffic').then(({ items }) => {
      const end = items.length ? items[items.length - 1].at : new Date().toISOString();
      const to = new Date(Date.parse(end) + 3_600_000).toISOString();
      const from = new Date(Date.parse(end.slice(0, 10)) - 6 * 86_400_000).toISOString();
      return { from, to, end, traffic: items.filter((t) => t.at >= from) };
    });
    w.catch(() => windows.delete(api));
    windows.set(api, w);
  }
  return w;
}

/** Forget cached windows after a write, so counts that depend on triage are read again. */
export const endpointKey = (e: { domain_name: string; method: string; template: string }) => `${e.domain_name} ${e.method} ${e.template}`;

export const actorKey = (r: { actor_type: string; actor: string }) => `${r.actor_type}:${r.actor}`;

/** Risk events per actor: the highest score first, with every window kept for the drill-down. */
export interface ActorRisk { actor_type: string; actor: string; score: number; severity: string; scenario: string; detectors: string[]; windows: RiskEvent[]; first: string; last: string; domains: string[]; incidents: string[] }

export function byActor(events: RiskEvent[]): ActorRisk[] {
  const m = new Map<string, ActorRisk>();
  for (const e of events) {
    const k = actorKey(e);
    let a = m.get(k);
    if (!a) {
      a = { actor_type: e.actor_type, actor: e.actor, score: -1, severity: e.severity, scenario: e.scenario, detectors: [], windows: [], first: e.window_start, last: e.window_end, domains: [], incidents: [] };
      m.set(k, a);
    }
    a.windows.push(e);
    if (e.score > a.score) Object.assign(a, { score: e.score, severity: e.severity, scenario: e.scenario });
    for (const d of e.detectors ?? []) if (!a.detectors.includes(d)) a.detectors.push(d);
    if (!a.domains.includes(e.domain_name)) a.domains.push(e.domain_name);
    if (e.incident_id && !a.incidents.includes(e.incident_id)) a.incidents.push(e.incident_id);
    if (e.window_start < a.first) a.first = e.window_start;
    if (e.window_end > a.last) a.last = e.window_end;
  }
  return [...m.values()].sort((x, y) => y.score - x.score || y.windows.length - x.windows.length || actorKey(x).localeCompare(actorKey(y)));
}

/** Triage statuses that take a finding off the work list. */
export const CLOSED_TRIAGE = ['accepted_risk', 'false_positive', 'fixed'];
export const isOpenDefect = (d: Defect) => d.status !== 'resolved' && !CLOSED_TRIAGE.includes(d.triage?.status ?? 'open');

export function parseJson(s: unknown): unknown {
  if (typeof s !== 'string') return s;
  try { return JSON.parse(s); } catch { return s; }
}

/**
 * Risk events counted per time bucket (15 minutes when they span a day or less, else hourly), one series per
 * group (severity, scenario): what the risk-over-time charts draw.
 */
export function timeBuckets(events: RiskEvent[], groups: readonly string[], groupOf: (e: RiskEvent) => string, labelOf: (g: string) => string, colorOf: (g: string, i: number) => string) {
  if (!events.length) return { labels: [] as string[], series: [] as Array<{ label: string; data: number[]; color: string }>, step: 0 };
  const starts = events.map((e) => Date.parse(e.window_start));
  const lo = Math.min(...starts);
  const hi = Math.max(...starts);
  const step = hi - lo <= 86_400_000 ? 15 * 60_000 : 3_600_000;
  const first = Math.floor(lo / step) * step;
  const n = Math.floor((hi - first) / step) + 1;
  const labels = Array.from({ length: n }, (_, i) => {
    const iso = new Date(first + i * step).toISOString();
    return step > 15 * 60_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
  });
  const series = groups.map((g, i) => {
    const data = new Array<number>(n).fill(0);
    for (const e of events) if (groupOf(e) === g) data[Math.floor((Date.parse(e.window_start) - first) / step)]++;
    return { label: labelOf(g), data, color: colorOf(g, i) };
  }).filter((s) => s.data.some((v) => v > 0));
  return { labels, series, step };
}
