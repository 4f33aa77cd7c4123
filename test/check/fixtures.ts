import { readFileSync } from 'node:fs';
import type { AccessEvent } from '../../shared/normalize/types.ts';
import type { DiscoveryAnalysis, EndpointResolver } from '../../shared/engine/types.ts';
import type { DefectRow } from '../../shared/emit/rows.ts';

/** A fixture line: only what differs from the defaults, plus an optional `template` (else resourcePath, else path). */
export type FixtureLine = Partial<Omit<AccessEvent, 'ts'>> & { template?: string | null; ts?: number | string };

const BASE = Date.parse('2026-11-23T00:00:00.000Z');

/** Reads an events.ndjson fixture into AccessEvents and the template map the stand-in resolver answers from. */
export function readFixture(file: string): { events: AccessEvent[]; templates: Map<string, string | null> } {
  const templates = new Map<string, string | null>();
  const events = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('//')).map((l, i) => {
    const x = JSON.parse(l) as FixtureLine;
    const ts = typeof x.ts === 'string' ? (/^\+/.test(x.ts) ? BASE + parseOffset(x.ts.slice(1)) : Date.parse(x.ts)) : BASE + (x.ts ?? i * 1000);
    const ev: AccessEvent = {
      requestId: x.requestId ?? `req-${String(i).padStart(6, '0')}`, ts, ip: x.ip ?? '203.0.113.10', method: x.method ?? 'GET', path: x.path ?? '/',
      query: x.query ?? '', resourcePath: x.resourcePath ?? null, status: x.status ?? 200, protocol: x.protocol ?? 'HTTP/1.1',
      responseLength: x.responseLength ?? 512, userAgent: x.userAgent ?? 'fixture-client/1.0', principalId: x.principalId ?? null,
      apiKeyId: x.apiKeyId ?? null, integrationLatency: x.integrationLatency ?? 40, responseLatency: x.responseLatency ?? 45,
      domainName: x.domainName ?? 'api.example.com', stage: x.stage ?? 'prod', errorMessage: x.errorMessage ?? null,
    };
    const t = x.template !== undefined ? x.template : ev.resourcePath ?? ev.path;
    templates.set(`${ev.domainName} ${ev.method} ${ev.path}`, t);
    return ev;
  });
  return { events, templates };
}

/** `90s`, `10m`, `2h` offsets from the fixture base time. */
function parseOffset(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(s);
  if (!m) throw new Error(`bad ts offset +${s}`);
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as Record<string, number>)[m[2] ?? 'ms'];
}

/** A discovery stand-in answering from a fixed template map. */
export function fixedDiscovery(templates: Map<string, string | null>): DiscoveryAnalysis<Record<string, never>> {
  const resolver: EndpointResolver = {
    templateOf: (d, m, p) => templates.get(`${d} ${m} ${p}`) ?? null,
    endpointInfo: () => undefined,
  };
  return { name: 'discovery', initialState: () => ({}), closeWindow: () => ({}), resolver: () => resolver };
}

/** The comparable part of a defect: everything but ids, timestamps and evidence JSON. */
export interface DefectSummary { defect_type: string; severity: string; status: string; domain_name: string; method: string; template: string; owasp: string; occurrences: number }

/** The latest row of every defect, summarised and sorted. */
export function summarise(rows: DefectRow[]): DefectSummary[] {
  const latest = new Map<string, DefectRow>();
  for (const r of rows) latest.set(r.defect_id, r);
  return [...latest.values()]
    .map((r) => ({ defect_type: r.defect_type, severity: r.severity, status: r.status, domain_name: r.domain_name, method: r.method, template: r.template, owasp: r.owasp, occurrences: r.occurrences }))
    .sort((a, b) => `${a.defect_type} ${a.domain_name} ${a.method} ${a.template}`.localeCompare(`${b.defect_type} ${b.domain_name} ${b.method} ${b.template}`));
}
