import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInput, type InputItem } from '../../local/readInput.ts';
import { encodeSubscriptionPayload } from '../../shared/ingest/encodeSubscriptionPayload.ts';
import { accessLine } from '../support/records.ts';

const collect = async (f: string) => { const out: InputItem[] = []; for await (const i of readInput(f)) out.push(i); return out; };
const ids = (items: InputItem[]) => items.map((i) => ('message' in i ? JSON.parse(i.message).requestId : `error:${i.error.reason}`));

describe('replay input formats', () => {
  let dir: string;
  const msgs = [1, 2, 3].map((i) => JSON.stringify(accessLine({ requestId: `r${i}` })));
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'input-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads NDJSON, gzipped or not', async () => {
    writeFileSync(join(dir, 'a.ndjson'), msgs.join('\n') + '\n');
    writeFileSync(join(dir, 'a.ndjson.gz'), gzipSync(msgs.join('\n')));
    expect(ids(await collect(join(dir, 'a.ndjson')))).toEqual(['r1', 'r2', 'r3']);
    expect(ids(await collect(join(dir, 'a.ndjson.gz')))).toEqual(['r1', 'r2', 'r3']);
  });

  it('reads CloudWatch Logs export files and keeps the log event time', async () => {
    writeFileSync(join(dir, 'export.gz'), gzipSync(msgs.map((m, i) => `2026-11-23T10:00:0${i}.000Z ${m}`).join('\n')));
    const items = await collect(join(dir, 'export.gz'));
    expect(ids(items)).toEqual(['r1', 'r2', 'r3']);
    expect((items[1] as { logTs: number }).logTs).toBe(Date.UTC(2026, 10, 23, 10, 0, 1));
  });

  it('reads raw subscription payloads (base64 gzip or JSON envelopes) and reports broken ones', async () => {
    const events = msgs.map((m, i) => ({ id: String(i), timestamp: 1795428000000, message: m }));
    const b64 = encodeSubscriptionPayload(events).toString('base64');
    const env = JSON.stringify({ messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'g', logStream: 's', subscriptionFilters: [], logEvents: events.slice(0, 1) });
    const control = JSON.stringify({ messageType: 'CONTROL_MESSAGE', logEvents: [] });
    writeFileSync(join(dir, 'payloads.txt'), [b64, env, control, 'H4sIAAAAAAAA' + 'A'.repeat(20)].join('\n'));
    expect(ids(await collect(join(dir, 'payloads.txt')))).toEqual(['r1', 'r2', 'r3', 'r1', 'error:bad_gzip']);
  });
});
