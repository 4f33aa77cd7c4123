import { afterEach, describe, expect, it } from 'vitest';
import { ticketClient, type ConnectorSettings } from '../../shared/tickets/connector.ts';
import { GITHUB } from '../../shared/tickets/connectors/github.ts';
import { JIRA } from '../../shared/tickets/connectors/jira.ts';
import { TAPD } from '../../shared/tickets/connectors/tapd.ts';
import { signBody, WEBHOOK } from '../../shared/tickets/connectors/webhook.ts';
import { draftFor } from '../../shared/tickets/draft.ts';
import { TicketError } from '../../shared/tickets/errors.ts';
import { fetchSend, retryAfterMs, type RetryPolicy } from '../../shared/tickets/http.ts';
import type { DefectFacts } from '../../shared/tickets/types.ts';
import { githubServer, jiraServer, tapdServer, webhookServer, type ContractServer } from './contractServers.ts';

/**
 * Each connector against a local server that checks requests against the service's documentation:
 * - Jira Cloud REST v3: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/ (create
 *   201 {id,key,self}; comment; GET/POST transitions 204), ADF https://developer.atlassian.com/cloud/jira/platform/apis/document/structure,
 *   Basic auth with e-mail and API token.
 * - TAPD: https://open.tapd.cn/document/api-doc/API文档/api_reference/bug/add_bug.html and update_bug.html
 *   (POST https://api.tapd.cn/bugs, workspace_id, title, priority_label, severity; update by id), comments;
 *   answers {status: 1, data: {Bug: {...}}, info}.
 * - GitHub: https://docs.github.com/en/rest/issues/issues#create-an-issue, issue comments, update an issue
 *   (state closed); Bearer token, Accept application/vnd.github+json, X-GitHub-Api-Version 2022-11-28.
 * - Webhook: apiscope's own contract (shared/tickets/connectors/webhook.ts).
 */
const DEFECT: DefectFacts = {
  id: '3f2a9c0d11e4b7a8', type: 'unauthenticated_file_download', title: 'Files downloadable without authentication', severity: 'high', status: 'open',
  domain: 'api.bank.example', method: 'GET', template: '/v1/files/{fileName}', owasp: 'API2:2023', firstSeen: '2026-11-23T09:00:00.000Z',
  lastSeen: '2026-11-23T10:00:00.000Z', occurrences: 42, fix: 'Require authentication on the files route.', generation: 1,
};
const servers: ContractServer[] = [];
afterEach(async () => { while (servers.length) await servers.pop()!.close(); });

/** Retries without real waiting: the waits asked for are recorded; jitter pinned to half the cap. */
function policy(): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return { attempts: 4, baseMs: 100, maxMs: 1000, maxRetryAfterMs: 5000, sleep: async (ms) => { waits.push(ms); }, random: () => 0.5, waits };
}
const settings = (baseUrl: string, project: string): ConnectorSettings => ({ baseUrl, project, issueType: 'Bug', closeStatus: 'resolved' });
const NOW = new Date('2026-11-23T10:05:00Z');

describe('Jira Cloud connector', () => {
  const creds = { email: 'apiscope-bot@bank.example', apiToken: 'ATATT3xFfGF0-test' };

  it('creates an issue with an ADF description, comments on it and moves it to a done status', async () => {
    const jira = await jiraServer(creds); servers.push(jira);
    const client = ticketClient(JIRA, settings(jira.url, 'SEC'), creds, fetchSend(), policy());
    const ref = await client.create(draftFor(DEFECT));
    expect(ref).toEqual({ system: 'jira', key: 'SEC-1', url: `${jira.url}/browse/SEC-1` });
    await client.comment(ref, 'resolved');
    await client.close(ref, 'resolved');
    expect(jira.violations).toEqual([]);
    expect(jira.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /rest/api/3/issue', 'POST /rest/api/3/issue/SEC-1/comment', 'GET /rest/api/3/issue/SEC-1/transitions', 'POST /rest/api/3/issue/SEC-1/transitions']);
    expect(JSON.parse(jira.requests[3].body)).toEqual({ transition: { id: '31' } });
    expect(jira.issues.get('SEC-1')!.status).toBe('Done');
    const fields = JSON.parse(jira.requests[0].body).fields;
    expect([fields.summary, fields.priority.name, fields.labels]).toEqual(['[apiscope] HIGH Files downloadable without authentication: GET api.bank.example/v1/files/{fileName}', 'High', ['apiscope', 'apiscope-high', 'unauthenticated_file_download']]);
  });

  it('retries 503 and 429, waiting what Retry-After asks, then succeeds', async () => {
    const jira = await jiraServer(creds); servers.push(jira);
    const p = policy();
    jira.failNext({ status: 503, body: { errorMessages: ['Service Unavailable'] } }, { status: 429, headers: { 'retry-after': '2' }, body: { errorMessages: ['Rate limit exceeded'] } }, 'drop');
    const ref = await ticketClient(JIRA, settings(jira.url, 'SEC'), creds, fetchSend(), p).create(draftFor(DEFECT));
    expect(ref.key).toBe('SEC-1');
    expect(jira.requests).toHaveLength(4);
    // Full jitter of 100 ms (0.5 of it), then Retry-After 2 s, then jitter of 400 ms after the dropped connection.
    expect(p.waits).toEqual([50, 2000, 200]);
  });

  it('surfaces a refused token (401) at once, with what Jira said and what to check', async () => {
    const jira = await jiraServer(creds); servers.push(jira);
    const err = await ticketClient(JIRA, settings(jira.url, 'SEC'), { ...creds, apiToken: 'wrong' }, fetchSend(), policy()).create(draftFor(DEFECT)).catch((e) => e);
    expect(err).toBeInstanceOf(TicketError);
    expect(err.message).toBe('jira create: 401 Client must be authenticated to access this resource. (the credentials in the secret were refused: check them)');
    expect([err.status, err.retryable, jira.requests.length]).toEqual([401, false, 1]);
  });

  it('names a wrong project (400 with Jira field errors) and an unknown issue (404)', async () => {
    const jira = await jiraServer(creds); servers.push(jira);
    await expect(ticketClient(JIRA, settings(jira.url, 'OPS'), creds, fetchSend(), policy()).create(draftFor(DEFECT))).rejects.toThrow('jira create: 400 project: valid project is required');
    await expect(ticketClient(JIRA, settings(jira.url, 'SEC'), creds, fetchSend(), policy()).comment({ system: 'jira', key: 'SEC-99', url: '' }, 'x'))
      .rejects.toThrow('jira comment: 404 Issue does not exist or you do not have permission to see it. (no such project, repository or issue at that address: check baseUrl and project)');
  });

  it('gives up after its attempts on a persistent 5xx, and refuses to wait a Retry-After longer than it may', async () => {
    const jira = await jiraServer(creds); servers.push(jira);
    jira.failNext(...Array(4).fill({ status: 502, body: 'Bad Gateway' }));
    const err = await ticketClient(JIRA, settings(jira.url, 'SEC'), creds, fetchSend(), policy()).create(draftFor(DEFECT)).catch((e) => e);
    expect([err.message, err.retryable]).toEqual(['jira create: failed 4 times, last 502: Bad Gateway', true]);
    jira.failNext({ status: 429, headers: { 'retry-after': '3600' } });
    await expect(ticketClient(JIRA, settings(jira.url, 'SEC'), creds, fetchSend(), policy()).create(draftFor(DEFECT))).rejects.toThrow('jira create: 429, the server asks to wait 3600 s (Retry-After), longer than the 5 s this call waits');
  });
});

describe('TAPD connector', () => {
  const creds = { apiUser: 'apiscope_api', apiPassword: 'B7F0C0DE-test' };

  it('creates a bug with TAPD priority and severity values, comments and moves it to the close status', async () => {
    const tapd = await tapdServer(creds); servers.push(tapd);
    const client = ticketClient(TAPD, settings(tapd.url, '20355782'), creds, fetchSend(), policy());
    const ref = await client.create(draftFor({ ...DEFECT, severity: 'critical' }));
    expect(ref).toEqual({ system: 'tapd', key: '120355782500001', url: 'https://www.tapd.cn/20355782/bugtrace/bugs/view?bug_id=120355782500001' });
    await client.comment(ref, 'resolved');
    await client.close(ref, 'resolved');
    expect(tapd.violations).toEqual([]);
    const create = new URLSearchParams(tapd.requests[0].body);
    expect([create.get('priority_label'), create.get('severity'), create.get('reporter')]).toEqual(['urgent', 'fatal', 'apiscope_api']);
    expect(create.get('description')).toContain('<li><b>Endpoint</b>: GET api.bank.example/v1/files/{fileName}</li>');
    expect(tapd.bugs.get(ref.key)).toEqual({ status: 'resolved', comments: ['<p>resolved</p>'] });
  });

  it('treats TAPD\'s 200 with status 0 as the failure it is, with TAPD\'s reason', async () => {
    const tapd = await tapdServer(creds); servers.push(tapd);
    await expect(ticketClient(TAPD, settings(tapd.url, '20355782'), creds, fetchSend(), policy()).comment({ system: 'tapd', key: '999', url: '' }, 'x')).rejects.toThrow('tapd comment: 200 entry not found');
    await expect(ticketClient(TAPD, settings(tapd.url, '20355782'), { ...creds, apiPassword: 'x' }, fetchSend(), policy()).create(draftFor(DEFECT))).rejects.toThrow('tapd create: 401 Unauthorized (the credentials in the secret were refused: check them)');
  });
});

describe('GitHub Issues connector', () => {
  const token = 'github_pat_11ABCDEFG0test';

  it('opens an issue with the documented headers, comments and closes it as completed', async () => {
    const gh = await githubServer(token); servers.push(gh);
    const client = ticketClient(GITHUB, settings(gh.url, 'bank/security-findings'), { token }, fetchSend(), policy());
    const ref = await client.create(draftFor(DEFECT));
    expect(ref).toEqual({ system: 'github', key: '1', url: 'https://github.com/bank/security-findings/issues/1' });
    await client.comment(ref, 'resolved');
    await client.close(ref, 'resolved');
    expect(gh.violations).toEqual([]);
    expect(gh.issues.get(1)).toEqual({ state: 'closed', comments: ['resolved'], labels: ['apiscope', 'apiscope-high', 'unauthenticated_file_download'] });
    expect(JSON.parse(gh.requests[0].body).body).toContain('- Defect id: 3f2a9c0d11e4b7a8');
  });

  it('retries a secondary rate limit (429 Retry-After) and names a missing repository', async () => {
    const gh = await githubServer(token); servers.push(gh);
    const p = policy();
    gh.failNext({ status: 429, headers: { 'retry-after': '1' }, body: { message: 'You have exceeded a secondary rate limit' } });
    expect((await ticketClient(GITHUB, settings(gh.url, 'bank/security-findings'), { token }, fetchSend(), p).create(draftFor(DEFECT))).key).toBe('1');
    expect(p.waits).toEqual([1000]);
    await expect(ticketClient(GITHUB, settings(gh.url, 'bank/other'), { token }, fetchSend(), policy()).create(draftFor(DEFECT))).rejects.toThrow('github create: 404 Not Found (no such project');
  });
});

describe('generic webhook connector', () => {
  const secret = 'whsec_0123456789abcdef0123';

  it('signs each event so the receiver verifies it with the shared secret, timestamp and delivery id', async () => {
    const wh = await webhookServer(secret, () => NOW.getTime()); servers.push(wh);
    const client = ticketClient(WEBHOOK, settings(`${wh.url}/hooks/apiscope`, ''), { signingSecret: secret }, fetchSend(), policy(), () => NOW);
    const ref = await client.create(draftFor(DEFECT));
    expect(ref).toEqual({ system: 'webhook', key: 'WH-1', url: 'https://tickets.bank.example/WH-1' });
    await client.close(ref, 'resolved');
    expect(wh.violations).toEqual([]);
    expect(wh.events.map((e) => e.event)).toEqual(['ticket.create', 'ticket.close']);
    expect(wh.events[0].defect.id).toBe(DEFECT.id);
    expect(wh.requests[0].headers['x-apiscope-signature']).toBe(signBody(secret, wh.requests[0].body));
    expect(wh.requests[0].headers['x-apiscope-timestamp']).toBe(String(NOW.getTime() / 1000));
  });

  it('is refused with another secret, and a replay of an old delivery is refused as stale', async () => {
    const wh = await webhookServer(secret, () => NOW.getTime() + 10 * 60_000); servers.push(wh);
    await expect(ticketClient(WEBHOOK, settings(wh.url, ''), { signingSecret: 'another-secret-of-16+' }, fetchSend(), policy(), () => NOW).create(draftFor(DEFECT))).rejects.toThrow('webhook create: 401 {"message":"bad signature"}');
    await expect(ticketClient(WEBHOOK, settings(wh.url, ''), { signingSecret: secret }, fetchSend(), policy(), () => NOW).create(draftFor(DEFECT))).rejects.toThrow('webhook create: 401 {"message":"stale timestamp"}');
  });

  it('retries with exponential backoff on 5xx, then fails retryable for the dead-letter queue', async () => {
    const wh = await webhookServer(secret, () => NOW.getTime()); servers.push(wh);
    wh.failNext(...Array(4).fill({ status: 500 }));
    const p = policy();
    const err = await ticketClient(WEBHOOK, settings(wh.url, ''), { signingSecret: secret }, fetchSend(), p, () => NOW).create(draftFor(DEFECT)).catch((e) => e);
    expect([err.name, err.retryable, wh.requests.length]).toEqual(['TicketError', true, 4]);
    expect(p.waits).toEqual([50, 100, 200]);
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('120')).toBe(120_000);
    expect(retryAfterMs('Mon, 23 Nov 2026 10:00:30 GMT', Date.parse('2026-11-23T10:00:00Z'))).toBe(30_000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
