import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConsoleAsset } from '../console/build.ts';
import type { LocalApi } from './localApi.ts';

/** Writes must carry this header: a cross-site form or `fetch` cannot set it without a CORS preflight, which this server never grants. */
export const CSRF_HEADER = 'x-apiscope-console';
/** Request bodies above this are refused (413) before they are read to the end; the API's own limit is 8 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The same policy CloudFront sends for the deployed console, but for a same-origin `/api`. */
export const LOCAL_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
  "connect-src 'self'", "manifest-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': LOCAL_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

export interface ConsoleServerOptions {
  readonly api: LocalApi;
  readonly assets: readonly ConsoleAsset[];
  /** Recorded as who changed triage (`--as`), else the API's default (the OS user). */
  readonly principal?: string;
  /** What the page reads from /config.json: the local mode has no sign-in and a same-origin API. */
  readonly ticketsConfigured?: boolean;
}

/** A refusal of the console server itself (not of the API): status and a message saying what to send instead. */
class ConsoleHttpError extends Error {
  override name = 'ConsoleHttpError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * The local console: the built single-page app at `/` and the findings API (`createLocalApi`) under `/api`,
 * answering exactly as the deployed HTTP API does (JSON bodies, the API's status codes and messages).
 *
 * It serves security findings from a folder on this machine, so it guards against the browser being used
 * against it: the Host header must name this server (a DNS-rebinding page gets 421), writes need the
 * {@link CSRF_HEADER} header and a same-origin `Origin` when one is sent (403 otherwise), JSON bodies only, at most
 * {@link MAX_BODY_BYTES}. Every answer has a strict CSP and no-sniff; API answers are never cached.
 *
 * @example
 * const server = createConsoleServer({ api: createLocalApi(lake), assets: await buildConsole() });
 * const { url } = await listenConsole(server, 8080, '127.0.0.1');
 */
export function createConsoleServer(opts: ConsoleServerOptions): Server {
  const files = new Map(opts.assets.map((a) => [a.path, a]));
  const config = JSON.stringify({ mode: 'local', ticketsConfigured: opts.ticketsConfigured === true, user: opts.principal });
  const server = createServer((req, res) => {
    handle(req, res, server).catch((e: unknown) => {
      const status = e instanceof ConsoleHttpError ? e.status : 500;
      const message = e instanceof ConsoleHttpError ? e.message : `console server: ${(e as Error)?.message ?? String(e)}`;
      if (!res.headersSent) sendJson(res, status, { message });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, srv: Server) {
    checkHost(req, srv);
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return serveApi(req, res, url, method);
    if (method !== 'GET' && method !== 'HEAD') throw new ConsoleHttpError(405, `${method} is not allowed on ${url.pathname}; the console's files take GET`);
    if (url.pathname === '/config.json') return send(res, 200, 'application/json; charset=utf-8', config, method, 'no-store');
    const file = files.get(url.pathname === '/' ? '/index.html' : url.pathname);
    if (!file) throw new ConsoleHttpError(404, `no file ${url.pathname}; the console is at /`);
    // Hashed asset names never change content: cache them; the page itself always revalidates.
    const cache = file.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    return send(res, 200, file.contentType, file.body, method, cache);
  }

  async function serveApi(req: IncomingMessage, res: ServerResponse, url: URL, method: string) {
    if (!['GET', 'PATCH', 'POST'].includes(method)) throw new ConsoleHttpError(405, `${method} is not allowed on ${url.pathname}; the API takes GET, PATCH and POST`);
    let body: string | null = null;
    if (method !== 'GET') {
      checkWriteOrigin(req);
      body = await readBody(req);
    }
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) {
      if (Object.hasOwn(query, k)) throw new ConsoleHttpError(400, `${k}: given more than once; give it once (lists are comma-separated)`);
      query[k] = v;
    }
    const path = url.pathname.slice('/api'.length) || '/';
    const ifMatch = req.headers['if-match'];
    const answer = await opts.api.handleLocalApiRequest(method, path, query, body, opts.principal, ifMatch === undefined ? undefined : { 'if-match': ifMatch });
    sendJson(res, answer.status, answer.body);
  }

  return server;
}

/** Host must be this server's own address (or localhost): a rebinding DNS name reaching 127.0.0.1 is refused. */
function checkHost(req: IncomingMessage, server: Server) {
  const host = (req.headers.host ?? '').toLowerCase();
  const port = (server.address() as AddressInfo | null)?.port;
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d+))?$/.exec(host);
  const name = m?.[1];
  const local = name === 'localhost' || name === '127.0.0.1' || name === '[::1]' || name === ((req.socket.localAddress ?? '').replace(/^::ffff:/, ''));
  if (!m || !local || (m[2] !== undefined && Number(m[2]) !== port)) {
    throw new ConsoleHttpError(421, `Host "${host.slice(0, 100)}" is not this console; open it at the address apiscope console printed`);
  }
}

function checkWriteOrigin(req: IncomingMessage) {
  if (req.headers[CSRF_HEADER] !== '1') throw new ConsoleHttpError(403, `writes need the header ${CSRF_HEADER}: 1 (sent by the console page; refused so that other sites cannot change triage)`);
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host}`) throw new ConsoleHttpError(403, `Origin ${origin.slice(0, 100)} may not change triage here; only the console's own page may`);
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (req.headers['content-length'] !== '0' && type !== 'application/json') throw new ConsoleHttpError(415, 'body: send JSON with Content-Type: application/json');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) throw new ConsoleHttpError(413, `body: must be at most ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ConsoleHttpError(413, `body: must be at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), 'GET', 'no-store');
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array, method: string, cache: string) {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': bytes.length, 'cache-control': cache });
  res.end(method === 'HEAD' ? undefined : bytes);
}

/** Error of {@link listenConsole}: the port is taken or may not be used. */
export class ConsoleListenError extends Error {
  override name = 'ConsoleListenError';
  constructor(message: string, readonly code: string | undefined) {
    super(message);
  }
}

/** Listens and resolves with the URL to open; a taken port is a {@link ConsoleListenError} naming it. */
export function listenConsole(server: Server, port: number, host: string): Promise<{ url: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'is in use by another program; choose another with --port'
        : e.code === 'EACCES' ? 'may not be used by this user (ports below 1024 need privileges); choose another with --port'
        : e.code === 'EADDRNOTAVAIL' ? `cannot be opened: ${host} is not an address of this machine; use --host 127.0.0.1` : `cannot be opened (${e.code ?? e.message})`;
      reject(new ConsoleListenError(`port ${port} on ${host} ${why}`, e.code));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const a = server.address() as AddressInfo;
      const shown = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      resolve({ url: `http://${shown}:${a.port}/`, port: a.port });
    });
  });
}
