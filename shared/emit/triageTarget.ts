import type { TriageKind } from '../triage/model.ts';
import type { Alert } from './rows.ts';

/**
 * The triaged finding an alert is about: a defect (`body.defectId`, on defect alerts and resolution notices) or
 * a risk incident (the id in `risk:<incident>` and `risk:<incident>:<severity>`, the keys scoring gives its
 * alerts). Campaign alerts are about several incidents: their members are looked at one by one (planAlerts).
 */
export function triageTargetOf(a: Alert): { kind: TriageKind; id: string } | null {
  if (a.kind === 'risk') {
    if (!a.dedupKey.startsWith('risk:')) return null;
    const end = a.dedupKey.indexOf(':', 5);
    return { kind: 'incident', id: end < 0 ? a.dedupKey.slice(5) : a.dedupKey.slice(5, end) };
  }
  const id = a.body.defectId;
  return typeof id === 'string' ? { kind: 'defect', id } : null;
}
