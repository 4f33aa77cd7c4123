import type { Server } from 'node:http';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../console/build.ts';
import { createConsoleServer, listenConsole, MAX_BODY_BYTES } from '../../local/consoleServer.ts';
import { createLocalApi } from '../../local/localApi.ts';
import { queryLake } from '../../local/lakeQuery.ts';
import { replayedSample } from './lake.ts';

/**
 * The local console server over `apiscope replay` of examples/access.ndjson.gz: the built app at /, the
 * findings API under /api with the deployed API's answers, and the guards a browser-facing server needs.
 */
let sample: Awaited<ReturnType<typeof replayedSample>>;
let server: Server;
let base: string;
let port: number;

beforeAll(async () => {
  sample = await replayedSample('console-server-');
  server = createConsoleServer({ api: createLocalApi(sample.lake), assets: await buildConsole(), principal: 'alice@bank.example' });
  ({ url: base, port } = await listenConsole(server, 0, '127.0.0.1'));
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  sample?.remove();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (r: Response): Promise<any> => r.json();

const WRITE = { 'content-type': 'application/json', 'x-apiscope-console': '1' };

/** Raw HTTP (fetch will not send a foreign Host header). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (b += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: b }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('apiscope console server', () => {
  it('serves the app at / with a strict CSP, its hashed assets, and the local config', async () => {
    const page = await fetch(base);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    const js = /<script type="module" src="(\/assets\/main-[A-Z0-9]+\.js)"><\/script>/.exec(html)?.[1];
    const css = /<link rel="stylesheet" href="(\/assets\/main-[A-Z0-9]+\.css)">/.exec(html)?.[1];
    expect(js && css).toBeTruthy();
    // No inline script or style: the CSP needs no hashes.
    expect(html).not.toMatch(/<script>|<style|style="/);
    const bundle = await fetch(base + js!.slice(1));
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(bundle.headers.get('cache-control')).toContain('immutable');
    expect((await bundle.text()).length).toBeGreaterThan(10_000);
    expect((await fetch(base + css!.slice(1))).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await json(await fetch(`${base}config.json`))).toEqual({ mode: 'local', ticketsConfigured: false, user: 'alice@bank.example' });
    const missing = await fetch(`${base}nope.js`);
    expect(missing.status).toBe(404);
    expect(await json(missing)).toEqual({ message: 'no file /nope.js; the console is at /' });
  });

  it('lists open defects; PATCH with status, owner and note reads back with its history; a bad status is a 400 with the API message', async () => {
    const open = await fetch(`${base}api/defects?status=open`);
    expect(open.status).toBe(200);
    expect(open.headers.get('cache-control')).toBe('no-store');
    const items = (await json(open)).items as Array<{ defect_id: string; status: string; severity: string }>;
    expect(items.length).toBeGreaterThan(3);
    expect(items.every((d) => d.status === 'open')).toBe(true);
    const id = items[0].defect_id;

    const patched = await fetch(`${base}api/defects/${id}`, { method: 'PATCH', headers: WRITE, body: JSON.stringify({ status: 'false_positive', owner: 'team-statements', note: 'statements are public brochures' }) });
    expect(patched.status).toBe(200);
    expect(await json(patched)).toMatchObject({ id, status: 'false_positive', owner: 'team-statements', version: 1, updatedBy: 'alice@bank.example' });

    const back = await json(await fetch(`${base}api/defects/${id}`));
    expect(back.triage).toMatchObject({ status: 'false_positive', owner: 'team-statements', note: 'statements are public brochures', version: 1 });
    expect(back.triage.history.map((h: { field: string; to: string; by: string }) => [h.field, h.to, h.by])).toEqual([
      ['status', 'false_positive', 'alice@bank.example'], ['owner', 'team-statements', 'alice@bank.example'], ['note', 'statements are public brochures', 'alice@bank.example'],
    ]);

    const bad = await fetch(`${base}api/defects/${id}`, { method: 'PATCH', headers: WRITE, body: '{"status":"ignored"}' });
    expect(bad.status).toBe(400);
    expect(await json(bad)).toEqual({ message: 'status: must be one of open, acknowledged, in_progress, accepted_risk, false_positive, fixed' });
    // The stale version is refused: If-Match is passed through to the API.
    const stale = await fetch(`${base}api/defects/${id}`, { method: 'PATCH', headers: { ...WRITE, 'if-match': '"0"' }, body: '{"status":"open"}' });
    expect(stale.status).toBe(412);
  });

  it('answers the API routes with their own codes: unknown route 404, wrong method 405, bad parameter 400, repeated parameter 400', async () => {
    const none = await fetch(`${base}api/nothing`);
    expect(none.status).toBe(404);
    expect(await json(none)).toEqual({ message: 'no route GET /nothing' });
    const put = await fetch(`${base}api/defects/abc`, { method: 'PUT', headers: WRITE, body: '{}' });
    expect(put.status).toBe(405);
    const del = await fetch(`${base}api/defects`, { method: 'POST', headers: WRITE, body: '{}' });
    expect(del.status).toBe(405);
    expect((await json(del)).message).toBe('POST is not allowed on /defects; it takes GET');
    const sev = await fetch(`${base}api/defects?severity=urgent`);
    expect(sev.status).toBe(400);
    expect((await json(sev)).message).toBe('severity: must be one or more of info, low, medium, high, critical, comma-separated');
    const twice = await fetch(`${base}api/defects?status=open&status=resolved`);
    expect(twice.status).toBe(400);
    expect((await json(twice)).message).toMatch(/^status: given more than once/);
    const ghost = await fetch(`${base}api/defects/0000000000000000`);
    expect(ghost.status).toBe(404);
  });

  it('refuses writes without the console header, from another origin, or not JSON (CSRF), and leaves the triage unchanged', async () => {
    const list = (await json(await fetch(`${base}api/defects?status=open`))).items as Array<{ defect_id: string; triage: { version: number } }>;
    const target = list.find((d) => d.triage.version === 0)!;
    const body = JSON.stringify({ status: 'accepted_risk' });
    const noHeader = await fetch(`${base}api/defects/${target.defect_id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body });
    expect(noHeader.status).toBe(403);
    expect(((await json(noHeader))).message).toMatch(/^writes need the header x-apiscope-console: 1/);
    const foreign = await raw('PATCH', `/api/defects/${target.defect_id}`, { ...WRITE, host: `127.0.0.1:${port}`, origin: 'https://evil.example' }, body);
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).message).toBe('Origin https://evil.example may not change triage here; only the console\'s own page may');
    // A form post (text/plain is what a cross-site <form> can send without a preflight).
    const form = await fetch(`${base}api/defects/${target.defect_id}`, { method: 'PATCH', headers: { 'content-type': 'text/plain', 'x-apiscope-console': '1' }, body });
    expect(form.status).toBe(415);
    const post = await fetch(`${base}api/defects/${target.defect_id}/ticket`, { method: 'POST' });
    expect(post.status).toBe(403);
    const after = (await json(await fetch(`${base}api/defects/${target.defect_id}`)));
    expect(after.triage).toMatchObject({ status: 'open', version: 0, history: [] });
    // The same-origin page's own write goes through.
    const own = await raw('PATCH', `/api/defects/${target.defect_id}`, { ...WRITE, host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` }, body);
    expect(own.status).toBe(200);
  });

  it('refuses a Host that is not this server (DNS rebinding), for pages and API alike', async () => {
    for (const path of ['/', '/api/defects']) {
      const r = await raw('GET', path, { host: 'attacker.example' });
      expect(r.status).toBe(421);
      expect(JSON.parse(r.body).message).toBe('Host "attacker.example" is not this console; open it at the address apiscope console printed');
    }
    expect((await raw('GET', '/api/defects', { host: `localhost:${port}` })).status).toBe(200);
    expect((await raw('GET', '/', { host: `127.0.0.1:${port + 1}` })).status).toBe(421);
  });

  it('refuses a body over the limit with 413, whether it declares its length or streams it', async () => {
    const big = 'x'.repeat(MAX_BODY_BYTES + 1);
    const declared = await fetch(`${base}api/defects/abc`, { method: 'PATCH', headers: WRITE, body: JSON.stringify({ note: big }) });
    expect(declared.status).toBe(413);
    const chunked = await raw('PATCH', '/api/defects/abc', { ...WRITE, host: `127.0.0.1:${port}`, 'transfer-encoding': 'chunked' }, JSON.stringify({ note: big }));
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).message).toBe(`body: must be at most ${MAX_BODY_BYTES} bytes`);
  });

  it('GET /api/traffic gives each snapshot interval the requests the endpoints served in it, summing to the inventory total', async () => {
    const t = (await json(await fetch(`${base}api/traffic`)));
    const items = t.items as Array<{ at: string; requests: number; status_2xx: number; status_4xx: number; status_5xx: number; status_3xx: number }>;
    expect(items.map((i) => i.at)).toEqual(['2026-11-23T09:00:00.000Z', '2026-11-23T10:00:00.000Z', '2026-11-23T11:00:00.000Z']);
    // Independently: the latest count of each endpoint, and its count at each snapshot minus the one before.
    const latest = await queryLake(sample.lake, `SELECT sum(c) AS n FROM (SELECT domain_name, method, template, max(request_count) AS c FROM endpoints GROUP BY 1, 2, 3)`);
    expect(items.reduce((s, i) => s + i.requests, 0)).toBe(Number(latest.rows[0].n));
    const at10 = await queryLake(sample.lake, `SELECT sum(a.c - coalesce(b.c, 0)) AS n FROM
      (SELECT domain_name, method, template, max(request_count) AS c FROM endpoints WHERE snapshot_at = '2026-11-23T10:00:00.000Z' GROUP BY 1, 2, 3) a
      LEFT JOIN (SELECT domain_name, method, template, max(request_count) AS c FROM endpoints WHERE snapshot_at = '2026-11-23T09:00:00.000Z' GROUP BY 1, 2, 3) b USING (domain_name, method, template)`);
    expect(items[1].requests).toBe(Number(at10.rows[0].n));
    for (const i of items) expect(i.status_2xx + i.status_3xx + i.status_4xx + i.status_5xx).toBe(i.requests);
    const later = ((await json(await fetch(`${base}api/traffic?from=2026-11-23T09:30:00Z`)))).items;
    expect(later).toEqual(items.slice(1));
    expect((await fetch(`${base}api/traffic?from=yesterday`)).status).toBe(400);
  });
});
