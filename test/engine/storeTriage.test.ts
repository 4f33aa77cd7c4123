import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTriageStore } from '../../local/fileTriageStore.ts';
import { storeTriage, TRIAGE_VIEW_TTL_MS } from '../../shared/engine/storeTriage.ts';
import { patchTriage } from '../../shared/triage/service.ts';

describe('storeTriage: the pipeline\'s triage over a TriageStore (the lake folder\'s files here)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'triage-port-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the store again only once its copy is a minute old, and at once after it reopened a defect', async () => {
    const store = new FileTriageStore(dir);
    let now = Date.UTC(2026, 10, 23, 10, 0, 0);
    const port = storeTriage(store, { clock: () => now });
    expect(TRIAGE_VIEW_TTL_MS).toBe(60_000);
    expect((await port.view()).statusOf('defect', 'd1')).toBe('open');
    await patchTriage(store, 'defect', 'd1', { status: 'fixed' }, 'alice', { now: new Date(now) });
    now += 59_999;
    expect((await port.view()).statusOf('defect', 'd1')).toBe('open');
    now += 1;
    const view = await port.view();
    expect([view.statusOf('defect', 'd1'), view.fixOf('defect', 'd1')]).toEqual(['fixed', { at: new Date(now - 60_000).toISOString(), by: 'alice' }]);
    expect(await port.reopen('defect', 'd1')).toBe(true);
    expect((await port.view()).statusOf('defect', 'd1')).toBe('open');
    const r = (await store.get('defect', 'd1'))!;
    expect(r.history.map((h) => [h.by, h.from, h.to, h.at])).toEqual([['alice', 'open', 'fixed', new Date(now - 60_000).toISOString()], ['apiscope', 'fixed', 'open', new Date(now).toISOString()]]);
    // Only a fixed finding is reopened: a second try, or one on an untriaged id, writes nothing.
    expect(await port.reopen('defect', 'd1')).toBe(false);
    expect(await port.reopen('defect', 'never-triaged')).toBe(false);
    expect([(await store.get('defect', 'd1'))!.version, await store.get('defect', 'never-triaged')]).toEqual([2, null]);
  });
});
