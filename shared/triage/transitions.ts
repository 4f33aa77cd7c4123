/**
 * Triage statuses, the allowed moves between them and the field limits: plain data with no dependencies, so
 * the console's page bundle uses the same rules as the API without shipping zod (model.ts re-exports them).
 */
export const TRIAGE_STATUSES = ['open', 'acknowledged', 'in_progress', 'accepted_risk', 'false_positive', 'fixed'] as const;
export type TriageStatus = (typeof TRIAGE_STATUSES)[number];

/**
 * Allowed moves. A decision that closes a finding (accepted risk, false positive) is undone only by reopening
 * it, so the history shows someone took it back; a fixed finding can be reopened (by a person, or by the
 * pipeline when it is seen again) or taken back into work.
 */
export const TRANSITIONS: Readonly<Record<TriageStatus, readonly TriageStatus[]>> = {
  open: ['acknowledged', 'in_progress', 'accepted_risk', 'false_positive', 'fixed'],
  acknowledged: ['open', 'in_progress', 'accepted_risk', 'false_positive', 'fixed'],
  in_progress: ['open', 'acknowledged', 'accepted_risk', 'false_positive', 'fixed'],
  accepted_risk: ['open', 'in_progress'],
  false_positive: ['open'],
  fixed: ['open', 'in_progress'],
};

export const MAX_NOTE = 2000;
export const MAX_OWNER = 128;
