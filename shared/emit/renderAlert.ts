import type { Alert } from './rows.ts';

/**
 * A message stays below this many bytes: SNS takes 256 KiB for message, subject and attributes together, and
 * the alert outbox keeps the rendered message in a DynamoDB item (400 KB at most) until it is sent.
 */
export const MAX_MESSAGE_BYTES = 200_000;
/** In a message that would be too long, body fields longer than this (evidence, actor lists) are left out. */
const MAX_FIELD_BYTES = 2_000;

export interface RenderedAlert {
  subject: string;
  message: string;
  /** SNS message attributes: subscribers filter on severity and kind and drop a repeat by `dedupKey`. */
  attributes: Record<string, string>;
}

/**
 * Turns an alert into what SNS carries: a readable subject (SNS caps it at 100 characters, ASCII only)
 * and a JSON body. Values from the logs go into JSON only, never into the subject unescaped, so a path
 * or user agent cannot inject text into an e-mail subject. An escalation says so, and from what, first.
 */
export function renderAlert(a: Alert): RenderedAlert {
  const what = a.subject.replace(/^\[apiscope\]\s*/i, '').replace(new RegExp('^\\[?' + a.severity + '\\]?\\s+', 'i'), '');
  const escalation = a.escalatedFrom ? `escalated from ${a.escalatedFrom.toUpperCase()}: ` : '';
  const subject = ('[apiscope] ' + a.severity.toUpperCase() + ' ' + escalation + what)
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 100);
  const head = { kind: a.kind, severity: a.severity, dedupKey: a.dedupKey, time: new Date(a.ts).toISOString(), ...(a.escalatedFrom ? { escalation: { from: a.escalatedFrom } } : {}) };
  let message = JSON.stringify({ ...head, ...a.body }, null, 2);
  if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) message = shortened(head, a.body);
  const attributes: Record<string, string> = { severity: a.severity, kind: a.kind, dedupKey: a.dedupKey };
  if (a.escalatedFrom) attributes.escalatedFrom = a.escalatedFrom;
  return { subject, message, attributes };
}

/** The message without its long fields: an alert that cannot be sent whole is still sent, and says where the rest is. */
function shortened(head: Record<string, unknown>, body: Record<string, unknown>): string {
  const kept: Record<string, unknown> = {};
  const left: string[] = [];
  for (const [k, v] of Object.entries(body)) {
    if (Buffer.byteLength(JSON.stringify(v) ?? '') <= MAX_FIELD_BYTES) kept[k] = v;
    else left.push(k);
  }
  return JSON.stringify({ ...head, ...kept, truncated: { leftOut: left, why: `message over ${MAX_MESSAGE_BYTES} bytes; the findings lake has every detail (athenaQuery)` } }, null, 2);
}
