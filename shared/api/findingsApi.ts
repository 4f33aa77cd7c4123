import type { TicketLink } from '../triage/model.ts';
import { TriageError } from '../triage/model.ts';
import type { TriageStore } from '../triage/store.ts';
import { TicketError } from '../tickets/errors.ts';
import { ApiError } from './errors.ts';
import { READ_HANDLERS } from './readHandlers.ts';
import { API_ROUTES, routeKey, type HttpMethod } from './routes.ts';
import { WRITE_HANDLERS } from './writeHandlers.ts';

/**
 * The findings API (docs/openapi.yaml) as a pure function: validate the request, build SQL over the findings
 * tables (Athena in AWS, DuckDB locally; the same text), merge in the triage state from the TriageStore, page
 * with opaque tokens bound to their query. Values from the request reach SQL only as validated, quoted
 * literals. A refused request gets 4xx with a message naming the parameter and what it accepts.
 */
export interface ApiRequest {
  method?: HttpMethod;
  /** The route as declared (`/defects/{defectId}`), not the concrete path. */
  resource: string;
  pathParameters?: Record<string, string | undefined> | null;
  query?: Record<string, string | undefined> | null;
  /** Raw request body (PATCH, POST). */
  body?: string | null;
  headers?: Record<string, string | undefined> | null;
  /** Who asks: the IAM caller ARN in AWS, `--as` or the OS user locally. Required for writes. */
  principal?: string;
}

export interface ApiResponse {
  statusCode: number;
  body: string;
}

export type Runner = (sql: string) => Promise<Record<string, unknown>[]>;

/** Creates (or finds) the ticket of a defect; implemented by shared/tickets/ticketService.ts. */
export interface DefectTicketer {
  ticketForDefect(defect: Record<string, unknown>, by: string): Promise<{ ticket: TicketLink; created: boolean }>;
}

export interface ApiDeps {
  run: Runner;
  triage: TriageStore;
  /** Absent when no ticket connector is configured: POST .../ticket answers 503 saying so. */
  tickets?: DefectTicketer;
  /** The lake's documents (discovery's OpenAPI exports, `openapi/<domain>.json`): S3 in AWS, the lake folder locally. */
  documents?: { get(key: string): Promise<Uint8Array | null> };
  /** The UTC day `/risk-events` defaults to (tests pin it). */
  today?: string;
  now?: () => Date;
}

export interface RouteContext {
  query: Record<string, string>;
  path: Record<string, string | undefined>;
  req: ApiRequest;
  deps: ApiDeps;
  route: string;
}

export type RouteHandler = (c: RouteContext) => Promise<{ status?: number; body: unknown }>;

const HANDLERS: Record<string, RouteHandler> = { ...READ_HANDLERS, ...WRITE_HANDLERS };
const DECLARED = new Set(API_ROUTES.map(routeKey));

/**
 * @example
 * await handleFindingsRequest({ resource: '/defects', query: { status: 'open' } }, { run: (sql) => runAthenaQuery(athena, sql, opts), triage });
 */
export async function handleFindingsRequest(req: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  const key = `${req.method ?? 'GET'} ${req.resource}`;
  const handler = DECLARED.has(key) ? HANDLERS[key] : undefined;
  if (!handler) return json(404, { message: `no route ${key}` });
  try {
    const query = Object.fromEntries(Object.entries(req.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
    const r = await handler({ query, path: req.pathParameters ?? {}, req, deps, route: key });
    return json(r.status ?? 200, r.body);
  } catch (e) {
    if (e instanceof ApiError || e instanceof TriageError) return json(e.status, { message: e.message });
    // The ticket system refused or failed: a gateway error naming it, not a 500 of this API.
    if (e instanceof TicketError) return json(e.status === 409 ? 409 : 502, { message: e.message });
    throw e;
  }
}

const json = (statusCode: number, body: unknown): ApiResponse => ({ statusCode, body: JSON.stringify(body) });
