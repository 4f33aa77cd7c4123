import { z } from 'zod';
import { MAX_NOTE, MAX_OWNER, TRANSITIONS, TRIAGE_STATUSES, type TriageStatus } from './transitions.ts';

export { MAX_NOTE, MAX_OWNER, TRANSITIONS, TRIAGE_STATUSES, type TriageStatus };

/**
 * Triage of a finding by people: where it stands, who owns it, why. Separate from the pipeline's defect
 * lifecycle (open / resolved / reopened), which says what the traffic shows; triage says what the team decided.
 * The statuses and their allowed moves are in transitions.ts.
 */
/** What can be triaged: a defect (`defect_id`) or a caller risk incident (`incident_id`). */
export const TRIAGE_KINDS = ['defect', 'incident'] as const;
export type TriageKind = (typeof TRIAGE_KINDS)[number];

/** Statuses whose findings the pipeline must not alert on (they show as such in answers). */
export const SILENCED_STATUSES: readonly TriageStatus[] = ['accepted_risk', 'false_positive'];

export const TICKET_SYSTEMS = ['jira', 'tapd', 'github', 'webhook'] as const;
export type TicketSystem = (typeof TICKET_SYSTEMS)[number];

/** The ticket a finding was handed to. `state: creating` is a claim held while the ticket is being created. */
export interface TicketLink {
  system: TicketSystem;
  /** Issue key or number in that system (`SEC-42`, `1010158231500664575`, `17`); empty while creating. */
  key: string;
  url: string;
  state: 'creating' | 'open' | 'closed';
  at: string;
  /** Defect lifecycle generation the ticket was opened (or last commented) for. */
  generation?: number;
}

export type TriageField = 'status' | 'owner' | 'note' | 'ticket';

/** One change: who (IAM principal ARN in AWS, `--as` or OS user locally) changed which field from what to what. */
export interface HistoryEntry {
  at: string;
  by: string;
  field: TriageField;
  from: string | null;
  to: string | null;
}

export interface TriageRecord {
  kind: TriageKind;
  id: string;
  status: TriageStatus;
  owner: string | null;
  note: string | null;
  ticket: TicketLink | null;
  /** Starts at 1 with the first write and grows by one with each; the optimistic-concurrency token. */
  version: number;
  updatedAt: string;
  updatedBy: string;
  /** Oldest first, the last MAX_HISTORY changes (a DynamoDB item holds at most 400 KB). */
  history: HistoryEntry[];
}

export const MAX_HISTORY = 200;

/** Ids of defects and incidents: letters, digits and `_:.-`, starting with a letter or digit (no `..` file names). */
export const TRIAGE_ID = /^[A-Za-z0-9][A-Za-z0-9_:.-]{0,127}$/;

/** The triage of a finding nobody has touched yet. */
export function untriaged(kind: TriageKind, id: string): TriageRecord {
  return { kind, id, status: 'open', owner: null, note: null, ticket: null, version: 0, updatedAt: '', updatedBy: '', history: [] };
}

const PATCH_FIELDS = ['status', 'owner', 'note'] as const;

/** A change asked for by a person: each field absent (keep), a value (set) or null (clear owner or note). */
export const triagePatchSchema = z
  .object({
    status: z.enum(TRIAGE_STATUSES, `must be one of ${TRIAGE_STATUSES.join(', ')}`).optional(),
    owner: z
      .string('must be a string (a name, e-mail or team) or null')
      .trim()
      .min(1, 'must not be empty; send null to clear it')
      .max(MAX_OWNER, `must be at most ${MAX_OWNER} characters`)
      .regex(/^[^\p{Cc}]*$/u, 'must not hold control characters')
      .nullable()
      .optional(),
    note: z
      .string('must be a string or null')
      .max(MAX_NOTE, `must be at most ${MAX_NOTE} characters`)
      .nullable()
      .optional(),
  })
  .strict();
export type TriagePatch = z.output<typeof triagePatchSchema>;

/** A triage change that cannot be made; `status` is the HTTP status the API answers with. */
export class TriageError extends Error {
  override name = 'TriageError';
  constructor(message: string, readonly status: 400 | 409 | 412) {
    super(message);
  }
}

/**
 * Validates a PATCH body: a JSON object with only status, owner and note, at least one of them. Throws
 * TriageError(400) naming the field: `note: must be at most 2000 characters`.
 */
export function parseTriagePatch(body: unknown): TriagePatch {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TriageError(`body: must be a JSON object with ${PATCH_FIELDS.join(', ')}`, 400);
  const unknown = Object.keys(body).filter((k) => !(PATCH_FIELDS as readonly string[]).includes(k));
  if (unknown.length) throw new TriageError(`${unknown.join(', ')}: not a field of a triage change; it takes ${PATCH_FIELDS.join(', ')}`, 400);
  const r = triagePatchSchema.safeParse(body);
  if (!r.success) throw new TriageError(r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '), 400);
  if (PATCH_FIELDS.every((f) => r.data[f] === undefined)) throw new TriageError(`body: give at least one of ${PATCH_FIELDS.join(', ')}`, 400);
  return r.data;
}

/**
 * The record after a person's change, with one history entry per field that changed (none for a value that
 * stays the same). Pure: the caller writes it with the version check. Throws TriageError(409) for a move
 * TRANSITIONS does not allow, naming the moves that are.
 */
export function applyTriagePatch(current: TriageRecord, patch: TriagePatch, by: string, at: string): TriageRecord {
  const history: HistoryEntry[] = [];
  const next: TriageRecord = { ...current };
  if (patch.status !== undefined && patch.status !== current.status) {
    if (!TRANSITIONS[current.status].includes(patch.status)) {
      throw new TriageError(`status: cannot go from ${current.status} to ${patch.status}; from ${current.status} it can go to ${TRANSITIONS[current.status].join(', ')}`, 409);
    }
    history.push({ at, by, field: 'status', from: current.status, to: patch.status });
    next.status = patch.status;
  }
  for (const field of ['owner', 'note'] as const) {
    const v = patch[field];
    if (v === undefined || v === current[field]) continue;
    history.push({ at, by, field, from: current[field], to: v });
    next[field] = v;
  }
  return withHistory(next, history, by, at);
}

/** The record with `ticket` set (or cleared), recorded in the history like a person's change. */
export function applyTicket(current: TriageRecord, ticket: TicketLink | null, by: string, at: string): TriageRecord {
  const show = (t: TicketLink | null) => (t && t.state !== 'creating' ? `${t.system}:${t.key} (${t.state})` : null);
  const entry = show(current.ticket) === show(ticket) ? [] : [{ at, by, field: 'ticket' as const, from: show(current.ticket), to: show(ticket) }];
  return withHistory({ ...current, ticket }, entry, by, at);
}

function withHistory(next: TriageRecord, entries: HistoryEntry[], by: string, at: string): TriageRecord {
  const history = [...next.history, ...entries];
  return { ...next, history: history.slice(-MAX_HISTORY), version: next.version + 1, updatedAt: at, updatedBy: by };
}
