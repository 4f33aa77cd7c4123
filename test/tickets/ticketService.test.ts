import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileTriageStore } from '../../local/fileTriageStore.ts';
import { buildAlert } from '../../shared/check/buildAlert.ts';
import type { DefectRecord } from '../../shared/check/lifecycle.ts';
import { renderAlert } from '../../shared/emit/renderAlert.ts';
import { ticketClient } from '../../shared/tickets/connector.ts';
import { JIRA } from '../../shared/tickets/connectors/jira.ts';
import { fetchSend } from '../../shared/tickets/http.ts';
import { TicketService } from '../../shared/tickets/ticketService.ts';
import { patchTriage } from '../../shared/triage/service.ts';
import { jiraServer } from './contractServers.ts';

const creds = { email: 'apiscope-bot@bank.example', apiToken: 'ATATT3xFfGF0-test' };
let jira: Awaited<ReturnType<typeof jiraServer>>;
let dir: string;
let store: FileTriageStore;
const NOW = new Date('2026-11-23T10:05:00Z');

const record = (id: string, over: Partial<DefectRecord> = {}): DefectRecord => ({
  id, type: 'unauthenticated_file_download', domain: 'api.bank.example', method: 'GET', template: '/v1/files/{fileName}', severity: 'high', owasp: 'API2:2023',
  title: 'Files downloadable without authentication', fix: 'Require authentication.', status: 'open', generation: 1, firstSeen: Date.parse('2026-11-23T09:00:00Z'),
  lastSeen: Date.parse('2026-11-23T10:00:00Z'), occurrences: 42, evidence: {}, history: [], lastRowAt: 0, lastRowOccurrences: 0, ...over,
});
/** The SNS Message the ticket function receives: the pipeline's own alert rendering. */
const alertMessage = (d: DefectRecord) => JSON.parse(renderAlert(buildAlert(d)).message);
const resolved = (id: string) => ({ kind: 'defect_resolved', severity: 'high', dedupKey: `${id}#1#resolved`, time: NOW.toISOString(), defectId: id, lastSeen: '2026-11-23T10:00:00.000Z', generation: 1 });

const service = (o: Partial<ConstructorParameters<typeof TicketService>[0]> = {}) =>
  new TicketService({ client: ticketClient(JIRA, { baseUrl: jira.url, project: 'SEC', issueType: 'Bug', closeStatus: 'resolved' }, creds, fetchSend(), { attempts: 2, baseMs: 1, maxMs: 1, maxRetryAfterMs: 10, sleep: async () => {}, random: () => 0 }), triage: store, minSeverity: 'high', onResolve: 'close', now: () => NOW, ...o });

beforeAll(async () => { jira = await jiraServer(creds); });
afterAll(async () => { await jira.close(); });
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tickets-')); store = new FileTriageStore(dir); jira.requests.length = 0; });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const creates = () => jira.requests.filter((r) => r.path === '/rest/api/3/issue').length;

describe('TicketService', () => {
  it('opens one ticket for a new defect alert at the threshold and stores its link with the defect', async () => {
    expect(await service().handleNotification(alertMessage(record('d-new')))).toBe('created');
    const t = (await store.get('defect', 'd-new'))!;
    expect(t.ticket).toMatchObject({ system: 'jira', state: 'open', generation: 1, url: `${jira.url}/browse/${t.ticket!.key}` });
    expect(t.history.map((h) => [h.field, h.to])).toEqual([['ticket', `jira:${t.ticket!.key} (open)`]]);
    // The same alert again (SNS delivers at least once): the stored link is the de-duplication.
    expect(await service().handleNotification(alertMessage(record('d-new')))).toBe('exists');
    expect(creates()).toBe(1);
    expect(jira.violations).toEqual([]);
  });

  it('creates exactly one ticket when three deliveries of one alert race', async () => {
    const outcomes = await Promise.all([1, 2, 3].map(() => service().handleNotification(alertMessage(record('d-race')))));
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(creates()).toBe(1);
  });

  it('opens nothing below the threshold, for a silenced defect, or for a message that is not a defect alert', async () => {
    expect(await service().handleNotification(alertMessage(record('d-low', { severity: 'medium' })))).toBe('below_threshold');
    await patchTriage(store, 'defect', 'd-fp', { status: 'false_positive' }, 'alice', { now: NOW });
    expect(await service().handleNotification(alertMessage(record('d-fp')))).toBe('silenced');
    expect(await service().handleNotification({ kind: 'risk', severity: 'critical', dedupKey: 'risk:abc' })).toBe('ignored');
    expect(await service().handleNotification({ kind: 'defect', severity: 'high', dedupKey: 'x', defectId: '../../x' })).toBe('ignored');
    expect(creates()).toBe(0);
  });

  it('comments on and closes the ticket when its defect resolves, once', async () => {
    await service().handleNotification(alertMessage(record('d-res')));
    const key = (await store.get('defect', 'd-res'))!.ticket!.key;
    expect(await service().handleNotification(resolved('d-res'))).toBe('resolved_closed');
    expect(jira.issues.get(key)!.status).toBe('Done');
    expect(jira.issues.get(key)!.comments).toHaveLength(1);
    expect((await store.get('defect', 'd-res'))!.ticket!.state).toBe('closed');
    expect(await service().handleNotification(resolved('d-res'))).toBe('already_closed');
    expect(await service().handleNotification(resolved('d-never-ticketed'))).toBe('no_ticket');
  });

  it('only comments on resolve when configured so, and tells the existing ticket when a defect is seen again', async () => {
    await service().handleNotification(alertMessage(record('d-back')));
    const key = (await store.get('defect', 'd-back'))!.ticket!.key;
    expect(await service({ onResolve: 'comment' }).handleNotification(resolved('d-back'))).toBe('resolved_commented');
    expect(jira.issues.get(key)!.status).toBe('To Do');
    expect(await service().handleNotification(alertMessage(record('d-back', { status: 'reopened', generation: 2 })))).toBe('commented_reopened');
    expect(jira.issues.get(key)!.comments).toHaveLength(2);
    expect(creates()).toBe(1);
    expect((await store.get('defect', 'd-back'))!.ticket!.generation).toBe(2);
  });

  it('gives the claim back when the ticket system fails, so the redelivery creates the ticket', async () => {
    jira.failNext({ status: 503 }, { status: 503 });
    await expect(service().handleNotification(alertMessage(record('d-retry')))).rejects.toThrow('jira create: failed 2 times, last 503');
    expect((await store.get('defect', 'd-retry'))!.ticket).toBeNull();
    expect(await service().handleNotification(alertMessage(record('d-retry')))).toBe('created');
  });

  it('creates on demand whatever the severity, and answers the existing ticket the second time', async () => {
    const row = { defect_id: 'd-api', defect_type: 'verbose_error', severity: 'low', status: 'open', domain_name: 'api.bank.example', method: 'GET', template: '/v1/x', title: 'Verbose errors', evidence: '{"generation":1}' };
    const first = await service().ticketForDefect(row, 'arn:aws:iam::111122223333:user/alice');
    expect(first.created).toBe(true);
    const second = await service().ticketForDefect(row, 'arn:aws:iam::111122223333:user/alice');
    expect(second).toEqual({ ticket: first.ticket, created: false });
    expect((await store.get('defect', 'd-api'))!.history[0].by).toBe('arn:aws:iam::111122223333:user/alice');
  });
});
