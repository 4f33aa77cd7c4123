import type { LogEvent } from '../shared/ingest/types.ts';

const EPOCH = /"requestTimeEpoch":"?(\d+)/;

/**
 * Access-log lines as CloudWatch Logs hands them to a subscription: a 56-digit event id and the event's
 * timestamp (the request time: API Gateway writes the line as the request completes). The demo and the
 * benchmark feed these, so the payloads have the real shape (a missing timestamp takes another code path).
 * @example encodeSubscriptionPayload(cloudWatchLogEvents(lines.slice(0, 100), 0))
 */
export function cloudWatchLogEvents(lines: readonly string[], firstIndex: number): LogEvent[] {
  return lines.map((message, j) => {
    const m = EPOCH.exec(message);
    const ts = m ? Number(m[1]) : NaN;
    const id = `${Number.isFinite(ts) ? ts : 0}`.padStart(13, '0') + String(firstIndex + j).padStart(43, '0');
    return { id, timestamp: ts, message };
  });
}
