import type { FixMark } from '../triage/view.ts';
import type { Alert, DefectRow } from './rows.ts';
import { defectHistorySql, whereText } from './whereText.ts';

/**
 * The alert for a defect triaged as fixed that the traffic shows again after the fix. Its identity is the fix
 * it contradicts (`<defectId>#<generation>#regression:<fixed at, ms>`): every container, retry and replay of
 * the same window plans the same key, and a later fix that regresses too alerts again. The generation stays
 * second, where the ticket function reads it.
 */
export function regressionAlert(row: DefectRow, fix: FixMark, at: number): Alert {
  const generation = generationOf(row.evidence);
  return {
    dedupKey: `${row.defect_id}#${generation}#regression:${Date.parse(fix.at)}`,
    kind: 'defect',
    severity: row.severity,
    ts: at,
    subject: `Regression: ${row.title}: ${whereText(row.method, row.domain_name, row.template)}`,
    body: {
      regression: true,
      what: row.title,
      defectId: row.defect_id,
      defectType: row.defect_type,
      owasp: row.owasp,
      status: row.status,
      generation,
      where: { domain: row.domain_name, method: row.method, template: row.template },
      fixedAt: fix.at,
      fixedBy: fix.by,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      occurrences: row.occurrences,
      howToFix: row.fix,
      athenaQuery: defectHistorySql(row.defect_id),
    },
  };
}

function generationOf(evidence: string): number {
  try {
    const g = (JSON.parse(evidence) as { generation?: unknown }).generation;
    return typeof g === 'number' && Number.isInteger(g) && g > 0 ? g : 1;
  } catch {
    return 1;
  }
}
