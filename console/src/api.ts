/**
 * How the page talks to the findings API. The same calls in both modes: locally a same-origin `/api` with the
 * console server's CSRF header; deployed, the Open API URL from config.json with SigV4-signed requests
 * (auth.ts supplies `send`). Answers are the API's JSON; a refusal keeps the API's own message.
 */
export type Query = Record<string, string | number | undefined | null>;

export interface Answer<T = unknown> {
  status: number;
  body: T;
}

/** The API refused or failed: `message` is the API's own text (it names the field and what it accepts). */
export class ApiCallError extends Error {
  override name = 'ApiCallError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export type Send = (method: string, url: string, body?: string, headers?: Record<string, string>) => Promise<Response>;

export interface Api {
  get<T = unknown>(path: string, query?: Query): Promise<T>;
  /** Every page of a list route (`items` + `nextToken`), up to `maxItems`. */
  all<T = Record<string, unknown>>(path: string, query?: Query, maxItems?: number): Promise<T[]>;
  send<T = unknown>(method: 'PATCH' | 'POST', path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
}

export function queryString(q: Query = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** One path segment, encoded (actor ids and templates hold `/`, `{`, spaces and whatever an attacker sent). */
export const seg = (s: string) => encodeURIComponent(s);

export function createApi(base: string, send: Send): Api {
  async function call<T>(method: string, path: string, query?: Query, body?: string, headers?: Record<string, string>): Promise<T> {
    let res: Response;
    try {
      res = await send(method, `${base}${path}${queryString(query)}`, body, headers);
    } catch (e) {
      throw new ApiCallError(0, `the findings API cannot be reached (${(e as Error).message}); check the network or that apiscope console is still running`);
    }
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // An answer that is not JSON comes from in front of the API (a proxy, API Gateway's own 403 page).
    }
    if (!res.ok) {
      const m = json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string' ? (json as { message: string }).message : `${res.status} ${res.statusText || 'error'}`;
      throw new ApiCallError(res.status, m);
    }
    return json as T;
  }
  return {
    get: (path, query) => call('GET', path, query),
    async all<T>(path: string, query: Query = {}, maxItems = 5000): Promise<T[]> {
      const out: T[] = [];
      let nextToken: string | undefined;
      do {
        const page = await call<{ items: T[]; nextToken?: string }>('GET', path, { ...query, limit: 500, nextToken });
        out.push(...page.items);
        nextToken = page.nextToken;
      } while (nextToken && out.length < maxItems);
      return out;
    },
    send: (method, path, body, headers) => call(method, path, undefined, body === undefined ? undefined : JSON.stringify(body), { 'content-type': 'application/json', ...headers }),
  };
}

/** The local console server: same origin, and the header its CSRF check asks of writes. */
export const localSend: Send = (method, url, body, headers) =>
  fetch(url, { method, body, headers: { accept: 'application/json', ...(method === 'GET' ? {} : { 'x-apiscope-console': '1' }), ...headers }, credentials: 'same-origin', cache: 'no-store' });
