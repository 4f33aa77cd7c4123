import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../cli/replay.ts';
import { createLocalApi, type LocalApi } from '../../local/localApi.ts';
import { simulateTraffic } from '../../local/simulator.ts';
import { ticketClient } from '../../shared/tickets/connector.ts';
import { JIRA } from '../../shared/tickets/connectors/jira.ts';
import { fetchSend } from '../../shared/tickets/http.ts';
import { TicketService } from '../../shared/tickets/ticketService.ts';
import { FileTriageStore } from '../../local/fileTriageStore.ts';
import { jiraServer } from '../tickets/contractServers.ts';

/**
 * What the console serves under /api: `apiscope replay` of a seeded sample, then the API over that lake folder
 * with triage in <lake>/triage.
 */
let dir: string;
let lake: string;
let api: LocalApi;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'local-api-'));
  lake = join(dir, 'lake');
  writeFileSync(join(dir, 'in.ndjson'), simulateTraffic({ seed: 7, hours: 3, rate: 30 }).lines.join('\n'));
  await runReplay({ input: join(dir, 'in.ndjson'), out: lake, shards: 1, quiet: true });
  api = createLocalApi(lake);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('local API over a replayed lake', () => {
  it('lists open defects, marks one false positive with owner and note, reads it back with its history, and refuses a bad status', async () => {
    const open = await api.handleLocalApiRequest('GET', '/defects', { status: 'open' }, null);
    expect(open.status).toBe(200);
    const items = (open.body as any).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((d: any) => d.status === 'open' && d.triage.status === 'open')).toBe(true);
    expect(Number.isInteger(items[0].occurrences)).toBe(true);
    const id = items[0].defect_id;

    const patched = await api.handleLocalApiRequest('PATCH', `/defects/${id}`, {}, JSON.stringify({ status: 'false_positive', owner: 'team-payments', note: 'health checker, not a client' }), 'alice');
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ kind: 'defect', id, status: 'false_positive', owner: 'team-payments', note: 'health checker, not a client', version: 1, updatedBy: 'alice' });

    const back = await api.handleLocalApiRequest('GET', `/defects/${id}`, {}, null);
    expect(back.status).toBe(200);
    const triage = (back.body as any).triage;
    expect(triage).toMatchObject({ status: 'false_positive', owner: 'team-payments', note: 'health checker, not a client', version: 1 });
    expect(triage.history.map((h: any) => ({ by: h.by, field: h.field, from: h.from, to: h.to }))).toEqual([
      { by: 'alice', field: 'status', from: 'open', to: 'false_positive' },
      { by: 'alice', field: 'owner', from: null, to: 'team-payments' },
      { by: 'alice', field: 'note', from: null, to: 'health checker, not a client' },
    ]);
    expect(Date.parse(triage.history[0].at)).not.toBeNaN();

    expect(await api.handleLocalApiRequest('PATCH', `/defects/${id}`, {}, '{"status":"wontfix"}', 'alice')).toEqual({
      status: 400, body: { message: 'status: must be one of open, acknowledged, in_progress, accepted_risk, false_positive, fixed' },
    });
    // The triage filters see it: listed as a false positive, no longer among the triage-open ones.
    const fps = (await api.handleLocalApiRequest('GET', '/defects', { triageStatus: 'false_positive' }, null)).body as any;
    expect(fps.items.map((d: any) => d.defect_id)).toEqual([id]);
    const stillOpen = (await api.handleLocalApiRequest('GET', '/defects', { triageStatus: 'open', limit: '500' }, null)).body as any;
    expect(stillOpen.items.map((d: any) => d.defect_id)).not.toContain(id);
    expect(stillOpen.items.length).toBeGreaterThan(0);
  });

  it('answers each refused change with its status and message', async () => {
    const id = ((await api.handleLocalApiRequest('GET', '/defects', { limit: '1' }, null)).body as any).items[0].defect_id;
    const cases: Array<[string, string | null, Record<string, string>, number, string]> = [
      [`/defects/${id}`, '{"status":"acknowledged","assignee":"bob"}', {}, 400, 'assignee: not a field of a triage change; it takes status, owner, note'],
      [`/defects/${id}`, JSON.stringify({ note: 'n'.repeat(2001) }), {}, 400, 'note: must be at most 2000 characters'],
      [`/defects/${id}`, 'status=open', {}, 400, 'body: is not valid JSON; send {"status": ..., "owner": ..., "note": ...}'],
      [`/defects/${id}`, '{"status":"open"}', { verbose: '1' }, 400, 'verbose: not a parameter of this route; it takes no query parameters'],
      ['/defects/0000000000000000', '{"status":"acknowledged"}', {}, 404, 'no defect 0000000000000000'],
      ['/incidents/not-an-id', '{"status":"acknowledged"}', {}, 400, 'incidentId: must be an incident id (16 hex digits, the incident_id of a risk event)'],
    ];
    for (const [path, body, query, status, message] of cases) {
      expect(await api.handleLocalApiRequest('PATCH', path, query, body, 'bob'), path + body).toEqual({ status, body: { message } });
    }
    expect(await api.handleLocalApiRequest('DELETE', `/defects/${id}`, {}, null)).toEqual({ status: 405, body: { message: `DELETE is not allowed on /defects/${id}; it takes GET, PATCH` } });
    expect((await api.handleLocalApiRequest('GET', '/nope', {}, null)).status).toBe(404);
    expect(await api.handleLocalApiRequest('POST', `/defects/${id}/ticket`, {}, null)).toEqual({ status: 503, body: { message: 'tickets: no ticket connector is configured (set the tickets option of the deployment, or --tickets locally)' } });
  });

  it('moves a defect only along allowed transitions (409 names them) and honours If-Match versions', async () => {
    const id = ((await api.handleLocalApiRequest('GET', '/defects', { limit: '2' }, null)).body as any).items[1].defect_id;
    await api.handleLocalApiRequest('PATCH', `/defects/${id}`, {}, '{"status":"accepted_risk"}', 'carol');
    expect(await api.handleLocalApiRequest('PATCH', `/defects/${id}`, {}, '{"status":"fixed"}', 'carol')).toEqual({
      status: 409, body: { message: 'status: cannot go from accepted_risk to fixed; from accepted_risk it can go to open, in_progress' },
    });
  });

  it('triages incidents by the incident id of their risk events', async () => {
    const r = await api.handleLocalApiRequest('PATCH', '/incidents/00ab00cd00ef0011', {}, '{"status":"acknowledged","owner":"soc-l1"}', 'dave');
    expect(r).toMatchObject({ status: 200, body: { kind: 'incident', id: '00ab00cd00ef0011', status: 'acknowledged', owner: 'soc-l1' } });
    expect((await new FileTriageStore(lake).get('incident', '00ab00cd00ef0011'))!.updatedBy).toBe('dave');
  });

  it('creates a ticket on demand through the connector and answers the same ticket the second time', async () => {
    const creds = { email: 'apiscope-bot@bank.example', apiToken: 'ATATT3xFfGF0-test' };
    const jira = await jiraServer(creds);
    try {
      const triage = new FileTriageStore(lake);
      const tickets = new TicketService({ client: ticketClient(JIRA, { baseUrl: jira.url, project: 'SEC', issueType: 'Bug', closeStatus: 'resolved' }, creds, fetchSend()), triage, minSeverity: 'high', onResolve: 'close' });
      const withTickets = createLocalApi(lake, { tickets });
      const id = ((await withTickets.handleLocalApiRequest('GET', '/defects', { limit: '3' }, null)).body as any).items[2].defect_id;
      const first = await withTickets.handleLocalApiRequest('POST', `/defects/${id}/ticket`, {}, null, 'erin');
      expect(first).toMatchObject({ status: 201, body: { defect_id: id, created: true, ticket: { system: 'jira', key: 'SEC-1', state: 'open' } } });
      expect((first.body as any).triage.history.map((h: any) => [h.by, h.field, h.to])).toEqual([['erin', 'ticket', 'jira:SEC-1 (open)']]);
      expect(await withTickets.handleLocalApiRequest('POST', `/defects/${id}/ticket`, {}, null, 'erin')).toMatchObject({ status: 200, body: { created: false, ticket: { key: 'SEC-1' } } });
      const listed = ((await withTickets.handleLocalApiRequest('GET', '/defects', { limit: '3' }, null)).body as any).items[2];
      expect(listed.triage.ticket).toMatchObject({ system: 'jira', key: 'SEC-1', url: `${jira.url}/browse/SEC-1` });
      expect(jira.violations).toEqual([]);
      // The ticket system down: a 502 naming it, not a crash.
      jira.failNext(...Array(5).fill({ status: 503 }));
      const other = ((await withTickets.handleLocalApiRequest('GET', '/defects', { limit: '4' }, null)).body as any).items[3].defect_id;
      const down = await new TicketService({ client: ticketClient(JIRA, { baseUrl: jira.url, project: 'SEC', issueType: 'Bug', closeStatus: 'resolved' }, creds, fetchSend(), { attempts: 2, baseMs: 1, maxMs: 1, maxRetryAfterMs: 1, sleep: async () => {}, random: () => 0 }), triage, minSeverity: 'high', onResolve: 'close' });
      expect(await createLocalApi(lake, { tickets: down }).handleLocalApiRequest('POST', `/defects/${other}/ticket`, {}, null, 'erin')).toEqual({ status: 502, body: { message: 'jira create: failed 2 times, last 503' } });
    } finally {
      await jira.close();
    }
  });
});

describe('file assets, endpoint changes and the OpenAPI export', () => {
  let fx: string;
  const write = (table: string, dt: string, rows: object[]) => {
    mkdirSync(join(fx, table, `dt=${dt}`), { recursive: true });
    writeFileSync(join(fx, table, `dt=${dt}`, 'fixture.json.gz'), gzipSync(rows.map((r) => JSON.stringify(r)).join('\n')));
  };
  const day = (d: string, o: object) => ({
    day: d, domain_name: 'api.bank.example', method: 'GET', template: '/v1/statements/{id}.pdf', file_types: ['pdf'], requests: 12, downloads: 10, unauth_downloads: 0, bytes_total: 1000,
    distinct_principals: 3, distinct_ips: 2, top_principals: { 'u-1': 6, 'u-2': 4 }, top_ips: { '203.0.113.9': 10 }, sensitive_types: [],
    first_seen: `${d}T08:00:00.000Z`, last_seen: `${d}T09:00:00.000Z`, snapshot_at: `${d}T23:59:59.999Z`, ...o,
  });
  beforeAll(() => {
    fx = join(dir, 'fixture-lake');
    write('file_assets', '2026-11-22', [day('2026-11-22', {})]);
    write('file_assets', '2026-11-23', [
      // Written where a replay stopped, then again at the day's end: the later one is the day's.
      day('2026-11-23', { downloads: 5, snapshot_at: '2026-11-23T12:00:00.000Z' }),
      day('2026-11-23', { downloads: 25, unauth_downloads: 4, top_ips: { '198.51.100.7': 4, '203.0.113.9': 21 } }),
      day('2026-11-23', { domain_name: 'files.bank.example', template: '/exports/{name}.csv', file_types: ['csv'], downloads: 7, unauth_downloads: 7, top_principals: {} }),
    ]);
    write('endpoint_changes', '2026-11-23', [
      { changed_at: '2026-11-23T10:00:00.000Z', change: 'added', domain_name: 'api.bank.example', method: 'POST', template: '/v2/transfers', before_templates: [], after_template: '/v2/transfers', before_keys: [], after_key: 'api.bank.example POST /v2/transfers', reason: 'traffic' },
      { changed_at: '2026-11-23T11:00:00.000Z', change: 'merge', domain_name: 'api.bank.example', method: 'GET', template: '/v1/users/{userId}', before_templates: ['/v1/users/alice', '/v1/users/bob'], after_template: '/v1/users/{userId}', before_keys: ['api.bank.example GET /v1/users/alice', 'api.bank.example GET /v1/users/bob'], after_key: 'api.bank.example GET /v1/users/{userId}', reason: 'inference' },
    ]);
    mkdirSync(join(fx, 'openapi'), { recursive: true });
    writeFileSync(join(fx, 'openapi', 'api.bank.example.json'), JSON.stringify({ openapi: '3.1.0', info: { title: 'api.bank.example (observed by apiscope)', version: '2026-11-23' }, paths: { '/v1/users/{userId}': {} } }));
  });

  it('lists each file endpoint and day once (its latest snapshot), newest day and most unauthenticated downloads first, typed, with filters', async () => {
    const fapi = createLocalApi(fx);
    const all = (await fapi.handleLocalApiRequest('GET', '/file-assets', {}, null)).body as any;
    expect(all.items.map((a: any) => [a.day, a.template, a.downloads, a.unauth_downloads, a.file_types])).toEqual([
      ['2026-11-23', '/exports/{name}.csv', 7, 7, ['csv']],
      ['2026-11-23', '/v1/statements/{id}.pdf', 25, 4, ['pdf']],
      ['2026-11-22', '/v1/statements/{id}.pdf', 10, 0, ['pdf']],
    ]);
    expect(all.items[1].top_ips).toEqual({ '198.51.100.7': 4, '203.0.113.9': 21 });
    expect(all.items[1].distinct_principals).toBe(3);
    const byDomain = (await fapi.handleLocalApiRequest('GET', '/file-assets', { domain: 'api.bank.example', templatePrefix: '/v1/statements' }, null)).body as any;
    expect(byDomain.items.map((a: any) => a.day)).toEqual(['2026-11-23', '2026-11-22']);
    const dayBefore = (await fapi.handleLocalApiRequest('GET', '/file-assets', { from: '2026-11-22', to: '2026-11-22T23:59:59Z' }, null)).body as any;
    expect(dayBefore.items.map((a: any) => [a.day, a.downloads])).toEqual([['2026-11-22', 10]]);
  });

  it('lists endpoint changes newest first, by kind of change, with the templates and keys before and after', async () => {
    const fapi = createLocalApi(fx);
    const all = (await fapi.handleLocalApiRequest('GET', '/endpoint-changes', { from: '2026-11-23' }, null)).body as any;
    expect(all.items.map((c: any) => [c.change, c.template])).toEqual([['merge', '/v1/users/{userId}'], ['added', '/v2/transfers']]);
    expect(all.items[0]).toMatchObject({ before_templates: ['/v1/users/alice', '/v1/users/bob'], after_key: 'api.bank.example GET /v1/users/{userId}', reason: 'inference' });
    const added = (await fapi.handleLocalApiRequest('GET', '/endpoint-changes', { change: 'added' }, null)).body as any;
    expect(added.items.map((c: any) => c.template)).toEqual(['/v2/transfers']);
    expect((await fapi.handleLocalApiRequest('GET', '/endpoint-changes', { change: 'changed' }, null)).status).toBe(400);
  });

  it('serves the OpenAPI export of a domain, 404 for a domain it has none of, 400 for what is not a host name', async () => {
    const fapi = createLocalApi(fx);
    const doc = await fapi.handleLocalApiRequest('GET', '/openapi/api.bank.example', {}, null);
    expect(doc).toEqual({ status: 200, body: { openapi: '3.1.0', info: { title: 'api.bank.example (observed by apiscope)', version: '2026-11-23' }, paths: { '/v1/users/{userId}': {} } } });
    expect((await fapi.handleLocalApiRequest('GET', '/openapi/files.bank.example', {}, null)).status).toBe(404);
    expect((await fapi.handleLocalApiRequest('GET', '/openapi/a_b', {}, null)).status).toBe(400);
  });

  it('answers a replayed lake: its file endpoints by day, endpoints added, and each domain\'s export', async () => {
    const files = (await api.handleLocalApiRequest('GET', '/file-assets', {}, null)).body as any;
    expect(files.items.length).toBeGreaterThan(0);
    for (const f of files.items) expect(f.downloads).toBeLessThanOrEqual(f.requests);
    const added = (await api.handleLocalApiRequest('GET', '/endpoint-changes', { change: 'added', limit: '500' }, null)).body as any;
    const endpoints = (await api.handleLocalApiRequest('GET', '/endpoints', { limit: '500' }, null)).body as any;
    // Every endpoint of the final inventory was added at some point (under its template or one it was renamed from).
    const afters = new Set(((await api.handleLocalApiRequest('GET', '/endpoint-changes', { limit: '500' }, null)).body as any).items.map((c: any) => c.after_key));
    for (const e of endpoints.items) expect(afters, `${e.method} ${e.template}`).toContain(`${e.domain_name} ${e.method} ${e.template}`);
    expect(added.items.length).toBeGreaterThan(0);
    const doc = await api.handleLocalApiRequest('GET', `/openapi/${endpoints.items[0].domain_name}`, {}, null);
    expect(doc.status).toBe(200);
    expect((doc.body as any).openapi).toBe('3.1.0');
    expect(Object.keys((doc.body as any).paths)).toContain(endpoints.items[0].template);
  });
});
