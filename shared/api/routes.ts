import type { FieldName } from './filters.ts';

export type HttpMethod = 'GET' | 'PATCH' | 'POST';

export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway path; `{name}` segments are path parameters. */
  readonly path: string;
  /** The query-string parameters it takes (all optional). */
  readonly query: readonly FieldName[];
}

const PAGE = ['limit', 'nextToken'] as const;
const RANGE = ['from', 'to'] as const;

/**
 * Every route of the findings API. The deployed HTTP API (infra/constructs/findingsApi.ts), the local API
 * (local/localApi.ts) and docs/openapi.yaml are all made from or checked against this list.
 */
export const API_ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/endpoints', query: [...RANGE, 'domain', 'templatePrefix', 'specStatus', ...PAGE] },
  { method: 'GET', path: '/defects', query: [...RANGE, 'status', 'triageStatus', 'severity', 'domain', 'templatePrefix', ...PAGE] },
  { method: 'GET', path: '/defects/{defectId}', query: [] },
  { method: 'PATCH', path: '/defects/{defectId}', query: [] },
  { method: 'POST', path: '/defects/{defectId}/ticket', query: [] },
  { method: 'GET', path: '/risk-events', query: ['date', ...RANGE, 'minScore', 'severity', 'triageStatus', 'domain', 'actorType', 'actor', 'scenario', ...PAGE] },
  { method: 'PATCH', path: '/incidents/{incidentId}', query: [] },
  { method: 'GET', path: '/actors/{actorType}/{actor}', query: [...RANGE] },
  { method: 'GET', path: '/file-assets', query: [...RANGE, 'domain', 'templatePrefix', ...PAGE] },
  { method: 'GET', path: '/endpoint-changes', query: [...RANGE, 'change', 'domain', 'templatePrefix', ...PAGE] },
  { method: 'GET', path: '/traffic', query: [...RANGE, 'domain'] },
  { method: 'GET', path: '/openapi/{domain}', query: [] },
];

export const routeKey = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
