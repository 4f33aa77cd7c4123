import type { Alert, Severity } from '../emit/rows.ts';
import type { DefectRecord } from './lifecycle.ts';

export interface AlertOptions {
  /** Athena console deep link base, e.g. `https://console.aws.amazon.com/athena/home?region=eu-west-1#/query-editor`. */
  athenaConsoleUrl?: string;
  /** The severity this generation of the defect alerted at before, when this alert is its escalation. */
  escalatedFrom?: Severity;
}

/** The Athena (and local `apiscope query`) SQL that shows a defect's history. */
export function athenaQueryFor(d: DefectRecord): string {
  return `SELECT status, severity, first_seen, last_seen, occurrences, evidence FROM defects WHERE defect_id = '${d.id}' ORDER BY last_seen DESC LIMIT 50`;
}

/**
 * One alert for a new or reopened defect. `dedupKey` is `<defect_id>#<generation>`, so repeats of the same
 * incident never alert twice and a reopening alerts again; an escalation within a generation is
 * `<defect_id>#<generation>:<severity>`, once per severity reached.
 *
 * @example
 * buildAlert(record, { athenaConsoleUrl }).subject // '[HIGH] Files downloadable without authentication: GET api.example.com/files/{id}'
 */
export function buildAlert(d: DefectRecord, o: AlertOptions = {}): Alert {
  const where = `${d.method === '*' ? '' : d.method + ' '}${d.domain}${d.template === '*' ? ' (all endpoints)' : d.template}`;
  const subject = `[${d.severity.toUpperCase()}]${d.generation > 1 ? ' Reopened:' : ''} ${d.title}: ${where}`.slice(0, 100);
  const query = athenaQueryFor(d);
  return {
    dedupKey: o.escalatedFrom ? `${d.id}#${d.generation}:${d.severity}` : `${d.id}#${d.generation}`,
    subject,
    severity: d.severity,
    kind: 'defect',
    ts: d.lastSeen,
    ...(o.escalatedFrom ? { escalatedFrom: o.escalatedFrom } : {}),
    body: {
      what: d.title,
      defectId: d.id,
      defectType: d.type,
      owasp: d.owasp,
      status: d.status,
      where: { domain: d.domain, method: d.method, template: d.template },
      firstSeen: new Date(d.firstSeen).toISOString(),
      lastSeen: new Date(d.lastSeen).toISOString(),
      occurrences: d.occurrences,
      evidence: d.evidence,
      howToFix: d.fix,
      athenaQuery: query,
      ...(o.athenaConsoleUrl ? { athenaConsole: o.athenaConsoleUrl } : {}),
    },
  };
}
