import { SILENCED_STATUSES, TRIAGE_KINDS, type TriageKind, type TriageRecord, type TriageStatus } from './model.ts';
import type { TriageStore } from './store.ts';

/**
 * What the pipeline needs to honour triage, read once per batch or window (it changes at human speed):
 * `silenced` (accepted_risk, false_positive) sends no alert, `fixed` seen again reopens with a regression
 * alert. Ids without a record are open.
 */
export interface TriageView {
  statusOf(kind: TriageKind, id: string): TriageStatus;
  /** Ids of a kind with this status (`open` lists only records explicitly set back to open). */
  idsWithStatus(kind: TriageKind, status: TriageStatus): ReadonlySet<string>;
  /** True for accepted_risk and false_positive. */
  isSilenced(kind: TriageKind, id: string): boolean;
  /** When and by whom a finding now `fixed` was set fixed (its latest move to fixed); undefined for any other status. */
  fixOf(kind: TriageKind, id: string): FixMark | undefined;
}

/** The change that marked a finding fixed: `at` is an ISO time (processing time, when the person set it). */
export interface FixMark {
  at: string;
  by: string;
}

/** The latest move of a fixed record to `fixed`, from its history (its last update when the history was cut). */
export function fixMarkOf(r: TriageRecord): FixMark | undefined {
  if (r.status !== 'fixed') return undefined;
  for (let i = r.history.length - 1; i >= 0; i--) {
    const h = r.history[i];
    if (h.field === 'status' && h.to === 'fixed') return { at: h.at, by: h.by };
  }
  return { at: r.updatedAt, by: r.updatedBy };
}

/**
 * @example
 * const triage = await loadTriageView(store);
 * if (triage.isSilenced('defect', alert.defectId)) skip();
 * if (triage.statusOf('defect', id) === 'fixed') raiseRegression();
 */
export async function loadTriageView(store: TriageStore): Promise<TriageView> {
  const status = new Map<string, TriageStatus>();
  const byStatus = new Map<string, Set<string>>();
  const fixes = new Map<string, FixMark>();
  for (const kind of TRIAGE_KINDS) {
    for (const r of await store.list(kind)) {
      status.set(`${kind}\u0000${r.id}`, r.status);
      const fix = fixMarkOf(r);
      if (fix) fixes.set(`${kind}\u0000${r.id}`, fix);
      const k = `${kind}\u0000${r.status}`;
      (byStatus.get(k) ?? byStatus.set(k, new Set()).get(k)!).add(r.id);
    }
  }
  const none: ReadonlySet<string> = new Set();
  return {
    statusOf: (kind, id) => status.get(`${kind}\u0000${id}`) ?? 'open',
    idsWithStatus: (kind, s) => byStatus.get(`${kind}\u0000${s}`) ?? none,
    isSilenced: (kind, id) => SILENCED_STATUSES.includes(status.get(`${kind}\u0000${id}`) ?? 'open'),
    fixOf: (kind, id) => fixes.get(`${kind}\u0000${id}`),
  };
}
