import type { Alert, Severity } from './rows.ts';
import { whereText } from './whereText.ts';

/** What a resolution notice says of its defect (a DefectRecord of shared/check/lifecycle.ts has all of it). */
export interface ResolvedDefect {
  id: string;
  type: string;
  title: string;
  severity: Severity;
  domain: string;
  method: string;
  template: string;
  generation: number;
  lastSeen: number;
}

/**
 * The notice that a defect resolved (traffic has not shown it for its quiet time), as the ticket function reads
 * it (shared/tickets/notifications.ts): message attribute `kind=defect_resolved`, dedupKey
 * `<defectId>#<generation>#resolved`, so each generation resolves once. `at` is the end of the window in which
 * it resolved (event time).
 */
export function defectResolvedAlert(d: ResolvedDefect, at: number): Alert {
  return {
    dedupKey: `${d.id}#${d.generation}#resolved`,
    kind: 'defect_resolved',
    severity: d.severity,
    ts: at,
    subject: `Resolved: ${d.title}: ${whereText(d.method, d.domain, d.template)}`,
    body: {
      defectId: d.id,
      defectType: d.type,
      what: d.title,
      generation: d.generation,
      where: { domain: d.domain, method: d.method, template: d.template },
      lastSeen: new Date(d.lastSeen).toISOString(),
    },
  };
}
