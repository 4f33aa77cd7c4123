import { z } from 'zod';
import { parseTriagePatch, type TriageKind } from '../triage/model.ts';
import { patchTriage, triageOf } from '../triage/service.ts';
import { ApiError, badRequest } from './errors.ts';
import { parseQuery } from './filters.ts';
import type { RouteContext, RouteHandler } from './findingsApi.ts';
import { columnsOf, lit } from './sql.ts';
import { defectIdOf, lakeTable, LATEST_DEFECTS_SQL, triageSummary } from './readHandlers.ts';

const MAX_BODY = 8192;
const INCIDENT_ID = z.string().regex(/^[0-9a-f]{16}$/);

function principalOf(c: RouteContext): string {
  if (!c.req.principal) throw new ApiError(403, 'this change needs a signed-in principal (IAM caller in AWS, --as locally)');
  return c.req.principal;
}

function bodyOf(c: RouteContext): unknown {
  const raw = c.req.body ?? '';
  if (Buffer.byteLength(raw) > MAX_BODY) throw new ApiError(413, `body: must be at most ${MAX_BODY} bytes of JSON`);
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest('body: is not valid JSON; send {"status": ..., "owner": ..., "note": ...}');
  }
}

/** `If-Match: "3"` (or `3`): change only if the record is still at that version. */
function ifMatchOf(c: RouteContext): number | undefined {
  const h = Object.entries(c.req.headers ?? {}).find(([k]) => k.toLowerCase() === 'if-match')?.[1];
  if (h === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(h);
  if (!m) throw badRequest('If-Match: must be the version of the triage record, e.g. "3"');
  return Number(m[1]);
}

async function patch(c: RouteContext, kind: TriageKind, id: string) {
  parseQuery([], c.query);
  const change = parseTriagePatch(bodyOf(c));
  const by = principalOf(c);
  const r = await patchTriage(c.deps.triage, kind, id, change, by, { now: c.deps.now?.(), ifVersion: ifMatchOf(c) });
  return { body: { kind, id, ...triageSummary(r), history: r.history } };
}

async function latestDefect(c: RouteContext, id: string): Promise<Record<string, unknown>> {
  const rows = await c.deps.run(`SELECT ${columnsOf(lakeTable('defects'))} FROM ${LATEST_DEFECTS_SQL()} AND defect_id = ${lit(id)}`);
  if (!rows.length) throw new ApiError(404, `no defect ${id}`);
  return rows[0];
}

export const WRITE_HANDLERS: Record<string, RouteHandler> = {
  'PATCH /defects/{defectId}': async (c) => {
    const id = defectIdOf(c);
    // Validate before the lake lookup: a bad body costs no query.
    parseTriagePatch(bodyOf(c));
    await latestDefect(c, id);
    return patch(c, 'defect', id);
  },

  'PATCH /incidents/{incidentId}': async (c) => {
    const id = INCIDENT_ID.safeParse(c.path.incidentId);
    if (!id.success) throw badRequest('incidentId: must be an incident id (16 hex digits, the incident_id of a risk event)');
    return patch(c, 'incident', id.data);
  },

  'POST /defects/{defectId}/ticket': async (c) => {
    const id = defectIdOf(c);
    parseQuery([], c.query);
    const by = principalOf(c);
    if (!c.deps.tickets) throw new ApiError(503, 'tickets: no ticket connector is configured (set the tickets option of the deployment, or --tickets locally)');
    const defect = await latestDefect(c, id);
    const { ticket, created } = await c.deps.tickets.ticketForDefect(defect, by);
    const [t] = await triageOf(c.deps.triage, 'defect', [id]);
    return { status: created ? 201 : 200, body: { defect_id: id, ticket, created, triage: { ...triageSummary(t), history: t.history } } };
  },
};
