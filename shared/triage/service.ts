import { applyTicket, applyTriagePatch, TriageError, untriaged, type TicketLink, type TriageKind, type TriagePatch, type TriageRecord } from './model.ts';
import { TriageConflictError, type TriageStore } from './store.ts';

const ATTEMPTS = 5;

/**
 * Read, change, write with the version check; on a lost race read again and re-apply the same change, which
 * is well defined because a change sets values (it does not add to them). `ifVersion` is the version the
 * caller last saw (HTTP If-Match): when given and stale, nothing is written (TriageError 412).
 */
async function update(store: TriageStore, kind: TriageKind, id: string, change: (r: TriageRecord) => TriageRecord, ifVersion?: number): Promise<TriageRecord> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = (await store.get(kind, id)) ?? untriaged(kind, id);
    if (ifVersion !== undefined && current.version !== ifVersion) {
      throw new TriageError(`version: ${kind} ${id} is at version ${current.version}, not ${ifVersion}; read it again and re-apply your change`, 412);
    }
    const next = change(current);
    if (await store.save(next, current.version)) return next;
  }
  throw new TriageConflictError(`${kind} ${id}: ${ATTEMPTS} concurrent changes in a row won over this one; try again`);
}

/** A person's change (status, owner, note) by principal `by`; returns the new record with its history. */
export function patchTriage(store: TriageStore, kind: TriageKind, id: string, patch: TriagePatch, by: string, opts: { now?: Date; ifVersion?: number } = {}): Promise<TriageRecord> {
  const at = (opts.now ?? new Date()).toISOString();
  return update(store, kind, id, (r) => applyTriagePatch(r, patch, by, at), opts.ifVersion);
}

/**
 * Sets the ticket link. With `onlyIf`, writes only while the current link passes it (e.g. "no ticket yet"),
 * and returns null otherwise: this is how two deliveries of the same alert agree on one ticket.
 */
export async function setTicket(
  store: TriageStore, kind: TriageKind, id: string, ticket: TicketLink | null, by: string,
  opts: { now?: Date; onlyIf?: (current: TicketLink | null) => boolean } = {},
): Promise<TriageRecord | null> {
  const at = (opts.now ?? new Date()).toISOString();
  const refused = Symbol('refused');
  try {
    return await update(store, kind, id, (r) => {
      if (opts.onlyIf && !opts.onlyIf(r.ticket)) throw refused;
      return applyTicket(r, ticket, by, at);
    });
  } catch (e) {
    if (e === refused) return null;
    throw e;
  }
}

/** The records of `ids`, untriaged ones filled in as `open` with version 0, in the order asked. */
export async function triageOf(store: TriageStore, kind: TriageKind, ids: readonly string[]): Promise<TriageRecord[]> {
  const found = ids.length ? await store.getMany(kind, [...new Set(ids)]) : new Map<string, TriageRecord>();
  return ids.map((id) => found.get(id) ?? untriaged(kind, id));
}
