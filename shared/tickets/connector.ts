import type { z } from 'zod';
import type { TicketSystem } from '../triage/model.ts';
import { TicketError } from './errors.ts';
import { DEFAULT_RETRY, sendWithRetry, type RetryPolicy } from './http.ts';
import type { HttpRequest, HttpResponse, HttpSend, TicketDraft, TicketRef } from './types.ts';

/** Where tickets go: the non-secret part of the configuration (infra config `tickets`). */
export interface ConnectorSettings {
  /** Jira site (`https://bank.atlassian.net`), TAPD API (`https://api.tapd.cn`), GitHub API (`https://api.github.com`), or the webhook URL. */
  baseUrl: string;
  /** Jira project key, TAPD workspace id, GitHub `owner/repo`; unused by the webhook. */
  project: string;
  /** Jira issue type name (default Bug). */
  issueType: string;
  /** TAPD status a resolved defect's bug is moved to (default resolved). */
  closeStatus: string;
}

/** Per-call values a pure builder cannot make up itself. */
export interface CallContext {
  now: Date;
  /** Unique per delivery (webhook `X-Apiscope-Delivery`). */
  deliveryId: string;
}

type Build<C, A extends unknown[]> = (s: ConnectorSettings, c: C, ctx: CallContext, ...args: A) => HttpRequest;

/**
 * One ticket system as data: the shape of its credentials (the secret), pure request builders and response
 * parsers. `close` is a sequence of calls, each built from the previous answer (Jira asks for the issue's
 * transitions first, then takes the one into a done status).
 */
export interface Connector<C = unknown> {
  system: TicketSystem;
  credentials: z.ZodType<C>;
  create: Build<C, [TicketDraft]>;
  parseCreate(res: HttpResponse, s: ConnectorSettings, ctx: CallContext): Omit<TicketRef, 'system'>;
  comment: Build<C, [TicketRef, string]>;
  close: Array<Build<C, [TicketRef, string, HttpResponse | undefined]>>;
  /** What the service said in an answer it failed (its error fields), for the error message. */
  errorOf(res: HttpResponse): string;
  /** Services that answer 200 with an error inside (TAPD: `status: 0`). */
  failedDespite2xx?(res: HttpResponse): boolean;
}

export interface TicketClient {
  system: TicketSystem;
  create(draft: TicketDraft): Promise<TicketRef>;
  comment(ref: TicketRef, text: string): Promise<void>;
  close(ref: TicketRef, text: string): Promise<void>;
}

const HINT: Record<number, string> = {
  401: ' (the credentials in the secret were refused: check them)',
  403: ' (the account in the secret may not do this in that project)',
  404: ' (no such project, repository or issue at that address: check baseUrl and project)',
};

/**
 * Runs a connector's calls over `send` with the retry policy (network errors, 408, 429 and 5xx are retried,
 * Retry-After honoured); any other failure is a TicketError naming the system, the call and what it said.
 *
 * @example
 * const jira = ticketClient(JIRA, settings, { email, apiToken }, fetchSend());
 * const ref = await jira.create(draftFor(facts));
 */
export function ticketClient<C>(connector: Connector<C>, settings: ConnectorSettings, credentials: C, send: HttpSend, policy: RetryPolicy = DEFAULT_RETRY, clock: () => Date = () => new Date()): TicketClient {
  let n = 0;
  const ctx = (): CallContext => ({ now: clock(), deliveryId: `${clock().getTime().toString(36)}-${(++n).toString(36)}-${Math.floor(policy.random() * 1e9).toString(36)}` });
  const call = async (what: string, req: HttpRequest): Promise<HttpResponse> => {
    const name = `${connector.system} ${what}`;
    const res = await sendWithRetry(send, req, name, policy);
    if (res.status >= 200 && res.status < 300 && !connector.failedDespite2xx?.(res)) return res;
    throw new TicketError(`${name}: ${res.status} ${connector.errorOf(res)}${HINT[res.status] ?? ''}`, res.status, false);
  };
  return {
    system: connector.system,
    async create(draft) {
      const c = ctx();
      const res = await call('create', connector.create(settings, credentials, c, draft));
      try {
        return { system: connector.system, ...connector.parseCreate(res, settings, c) };
      } catch (e) {
        throw new TicketError(`${connector.system} create: answered ${res.status} but not as documented (${(e as Error).message}): ${res.body.slice(0, 200)}`, res.status, false);
      }
    },
    async comment(ref, text) {
      await call('comment', connector.comment(settings, credentials, ctx(), ref, text));
    },
    async close(ref, text) {
      let prev: HttpResponse | undefined;
      for (const [i, step] of connector.close.entries()) {
        let req: HttpRequest;
        try {
          req = step(settings, credentials, ctx(), ref, text, prev);
        } catch (e) {
          throw new TicketError((e as Error).message, prev?.status ?? null, false);
        }
        prev = await call(connector.close.length > 1 ? `close (step ${i + 1})` : 'close', req);
      }
    },
  };
}

/** `Basic base64(user:secret)` (RFC 7617), as Jira Cloud API tokens and TAPD API accounts use it. */
export const basicAuth = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

export const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** The JSON body of an answer, or {} when it has none or is not JSON. */
export function jsonOf(res: HttpResponse): Record<string, any> {
  try {
    const v = JSON.parse(res.body);
    return typeof v === 'object' && v !== null ? v : {};
  } catch {
    return {};
  }
}
