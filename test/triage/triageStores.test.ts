import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../../adapters/awsClients.ts';
import { DynamoTriageStore } from '../../adapters/dynamoTriageStore.ts';
import { startEmulators, type Emulators } from '../../local/emulators.ts';
import { FileTriageStore } from '../../local/fileTriageStore.ts';
import { patchTriage, setTicket, triageOf } from '../../shared/triage/service.ts';
import type { TriageStore } from '../../shared/triage/store.ts';
import { TriageError } from '../../shared/triage/model.ts';
import { loadTriageView } from '../../shared/triage/view.ts';

let emu: Emulators;
let dir: string;
const stores: Record<string, () => TriageStore> = {};

beforeAll(async () => {
  emu = await startEmulators();
  const { dynamodb } = createClients({ endpoints: emu.endpoints, credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' }, maxAttempts: 2 });
  await dynamodb.send(new CreateTableCommand({
    TableName: 'state', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  }));
  dir = mkdtempSync(join(tmpdir(), 'triage-'));
  stores.dynamo = () => new DynamoTriageStore(dynamodb, 'state');
  stores.file = () => new FileTriageStore(dir);
});
afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-11-23T10:00:00Z');

describe.each(['dynamo', 'file'])('TriageStore on %s', (name) => {
  const store = () => stores[name]();

  it('creates a record on the first change, reads it back with its history, and fills in untouched ids as open', async () => {
    const r = await patchTriage(store(), 'defect', `${name}-a`, { status: 'acknowledged', owner: 'alice' }, 'arn:aws:iam::111122223333:user/alice', { now: NOW });
    expect(await store().get('defect', `${name}-a`)).toEqual(r);
    expect(r.history.map((h) => `${h.field}:${h.from}->${h.to}`)).toEqual(['status:open->acknowledged', 'owner:null->alice']);
    const [a, b] = await triageOf(store(), 'defect', [`${name}-a`, `${name}-none`]);
    expect([a.status, a.version, b.status, b.version]).toEqual(['acknowledged', 1, 'open', 0]);
    // An incident with the same id is another record.
    expect(await store().get('incident', `${name}-a`)).toBeNull();
  });

  it('lets exactly one of two writers of the same version win, and the service re-applies the loser', async () => {
    const s = store();
    const first = await patchTriage(s, 'defect', `${name}-race`, { note: 'one' }, 'a', { now: NOW });
    const next = { ...first, note: 'two', version: 2 };
    const results = await Promise.all([s.save(next, 1), s.save({ ...next, note: 'three' }, 1)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await s.save({ ...next, version: 3 }, 1)).toBe(false);
    // Concurrent person changes all land, each re-read and re-applied on top of the other.
    await Promise.all([
      patchTriage(store(), 'defect', `${name}-race`, { owner: 'bob' }, 'b', { now: NOW }),
      patchTriage(store(), 'defect', `${name}-race`, { status: 'in_progress' }, 'c', { now: NOW }),
    ]);
    const end = (await s.get('defect', `${name}-race`))!;
    expect([end.owner, end.status, end.version]).toEqual(['bob', 'in_progress', 4]);
  });

  it('refuses a change made against a stale version (If-Match) with 412 and writes nothing', async () => {
    await patchTriage(store(), 'incident', `${name}-m`, { owner: 'x' }, 'a', { now: NOW });
    await expect(patchTriage(store(), 'incident', `${name}-m`, { owner: 'y' }, 'b', { now: NOW, ifVersion: 0 })).rejects.toThrow(TriageError);
    expect((await store().get('incident', `${name}-m`))!.owner).toBe('x');
    expect((await patchTriage(store(), 'incident', `${name}-m`, { owner: 'y' }, 'b', { now: NOW, ifVersion: 1 })).owner).toBe('y');
  });

  it('sets a ticket link only while the condition holds (one ticket per defect)', async () => {
    const creating = { system: 'jira' as const, key: '', url: '', state: 'creating' as const, at: NOW.toISOString() };
    const noTicket = (t: unknown) => t === null;
    const claims = await Promise.all([1, 2, 3].map(() => setTicket(store(), 'defect', `${name}-t`, creating, 'tickets', { now: NOW, onlyIf: noTicket })));
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
    const linked = await setTicket(store(), 'defect', `${name}-t`, { ...creating, key: 'SEC-1', url: 'https://x/browse/SEC-1', state: 'open' }, 'tickets', { now: NOW });
    expect(linked!.ticket!.key).toBe('SEC-1');
    expect((await store().get('defect', `${name}-t`))!.ticket).toEqual(linked!.ticket);
  });

  it('gives the pipeline a view of ids by status, silencing false positives and accepted risks', async () => {
    await patchTriage(store(), 'defect', `${name}-fp`, { status: 'false_positive' }, 'a', { now: NOW });
    await patchTriage(store(), 'defect', `${name}-ar`, { status: 'accepted_risk' }, 'a', { now: NOW });
    await patchTriage(store(), 'defect', `${name}-fx`, { status: 'fixed' }, 'a', { now: NOW });
    const view = await loadTriageView(store());
    expect(view.idsWithStatus('defect', 'fixed').has(`${name}-fx`)).toBe(true);
    expect(view.idsWithStatus('defect', 'false_positive').has(`${name}-fp`)).toBe(true);
    expect([`${name}-fp`, `${name}-ar`, `${name}-fx`, `${name}-never`].map((id) => view.isSilenced('defect', id))).toEqual([true, true, false, false]);
    expect(view.statusOf('defect', `${name}-never`)).toBe('open');
    expect(view.statusOf('incident', `${name}-fp`)).toBe('open');
  });
});

describe('FileTriageStore layout', () => {
  it('keeps one JSON file per record under <lake>/triage/<kind>/ and leaves no lock or temporary file', async () => {
    const files = readdirSync(join(dir, 'triage', 'defect'));
    expect(files).toContain('file-a.json');
    expect(files.filter((f) => !f.endsWith('.json'))).toEqual([]);
  });

  it('refuses ids that would leave the folder', async () => {
    await expect(new FileTriageStore(dir).get('defect', '../../etc/passwd')).rejects.toThrow(/is not a triage id/);
    await expect(new FileTriageStore(dir).get('defect', '..')).rejects.toThrow(/is not a triage id/);
  });
});

describe('DynamoTriageStore', () => {
  it('reads more ids than one BatchGetItem takes (100)', async () => {
    const s = stores.dynamo();
    const ids = Array.from({ length: 130 }, (_, i) => `bulk-${i}`);
    for (const id of ids.filter((_, i) => i % 10 === 0)) await patchTriage(s, 'defect', id, { owner: 'o' }, 'a', { now: NOW });
    const got = await s.getMany('defect', ids);
    expect([...got.keys()].sort()).toEqual(ids.filter((_, i) => i % 10 === 0).sort());
  });
});
