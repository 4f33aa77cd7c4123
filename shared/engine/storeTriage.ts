import { TriageError, type TriageKind } from '../triage/model.ts';
import { patchTriage } from '../triage/service.ts';
import type { TriageStore } from '../triage/store.ts';
import { loadTriageView, type TriageView } from '../triage/view.ts';
import type { TriagePort } from './ports.ts';

/** Triage changes at human speed: a container reads it again at most this often (processing time). */
export const TRIAGE_VIEW_TTL_MS = 60_000;

/** Who the triage history names for the pipeline's own changes (a regression reopening a fixed defect). */
export const PIPELINE_PRINCIPAL = 'apiscope';

/**
 * The pipeline's TriagePort over a TriageStore: the view is read with one Query per kind and kept `ttlMs`, so
 * a busy stream reads it about once a minute per container, not once per batch; a reopen goes through the
 * triage service (allowed move, history entry, version check) and drops the copy, so the next view is fresh.
 */
export function storeTriage(store: TriageStore, opts: { ttlMs?: number; clock?: () => number } = {}): TriagePort {
  const ttl = opts.ttlMs ?? TRIAGE_VIEW_TTL_MS;
  const clock = opts.clock ?? Date.now;
  let cached: { at: number; view: TriageView } | null = null;
  return {
    async view() {
      const now = clock();
      if (cached === null || now - cached.at >= ttl) cached = { at: now, view: await loadTriageView(store) };
      return cached.view;
    },
    async reopen(kind: TriageKind, id: string) {
      const current = await store.get(kind, id);
      if (current?.status !== 'fixed') return false;
      try {
        // Conditional on the version read: a person's change since then wins, and nothing is written.
        await patchTriage(store, kind, id, { status: 'open' }, PIPELINE_PRINCIPAL, { now: new Date(clock()), ifVersion: current.version });
      } catch (e) {
        if (e instanceof TriageError && (e.status === 409 || e.status === 412)) return false;
        throw e;
      }
      cached = null;
      return true;
    },
  };
}
