import type { Alert } from './rows.ts';

/**
 * Turns an alert into what SNS carries: a readable subject (SNS caps it at 100 characters, ASCII only)
 * and a JSON body. Values from the logs go into JSON only, never into the subject unescaped, so a path
 * or user agent cannot inject text into an e-mail subject.
 */
export function renderAlert(a: Alert): { subject: string; message: string; attributes: Record<string, string> } {
  const what = a.subject.replace(/^\[apiscope\]\s*/i, '').replace(new RegExp('^\\[?' + a.severity + '\\]?\\s+', 'i'), '');
  const subject = ('[apiscope] ' + a.severity.toUpperCase() + ' ' + what)
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 100);
  const message = JSON.stringify({ kind: a.kind, severity: a.severity, dedupKey: a.dedupKey, time: new Date(a.ts).toISOString(), ...a.body }, null, 2);
  return { subject, message, attributes: { severity: a.severity, kind: a.kind } };
}
