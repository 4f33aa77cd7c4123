import { TicketError } from './errors.ts';
import type { HttpRequest, HttpResponse, HttpSend } from './types.ts';

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** A Retry-After longer than this is not waited for: the call fails (and is retried by the caller's queue). */
  maxRetryAfterMs: number;
  sleep: (ms: number) => Promise<void>;
  /** 0 <= x < 1; jitter source (tests pin it). */
  random: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5, baseMs: 500, maxMs: 8000, maxRetryAfterMs: 30_000,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)), random: Math.random,
};

const RETRYABLE = (status: number) => status === 429 || status === 408 || status >= 500;

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Sends with retries on network errors, 408, 429 and 5xx: exponential backoff with full jitter, or the
 * server's Retry-After when it gives one. Other answers are returned as they are, for the connector to judge.
 * `what` names the call in the error (`jira create`).
 */
export async function sendWithRetry(send: HttpSend, req: HttpRequest, what: string, policy: RetryPolicy = DEFAULT_RETRY): Promise<HttpResponse> {
  let last = '';
  for (let attempt = 1; ; attempt++) {
    let res: HttpResponse | undefined;
    try {
      res = await send(req);
      if (!RETRYABLE(res.status)) return res;
      last = `${res.status}${res.body ? `: ${res.body.slice(0, 200)}` : ''}`;
    } catch (e) {
      last = `no answer (${(e as Error).message})`;
    }
    if (attempt >= policy.attempts) throw new TicketError(`${what}: failed ${policy.attempts} times, last ${last}`, res?.status ?? null, true);
    const asked = retryAfterMs(res?.headers['retry-after']);
    if (asked !== undefined && asked > policy.maxRetryAfterMs) {
      throw new TicketError(`${what}: ${res!.status}, the server asks to wait ${Math.ceil(asked / 1000)} s (Retry-After), longer than the ${policy.maxRetryAfterMs / 1000} s this call waits`, res!.status, true);
    }
    await policy.sleep(asked ?? Math.floor(policy.random() * Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1))));
  }
}

/** HttpSend over Node's fetch, with a per-call timeout. */
export function fetchSend(timeoutMs = 10_000): HttpSend {
  return async (req) => {
    const r = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    const headers: Record<string, string> = {};
    r.headers.forEach((v, k) => { headers[k.toLowerCase()] = v; });
    return { status: r.status, headers, body: await r.text() };
  };
}
