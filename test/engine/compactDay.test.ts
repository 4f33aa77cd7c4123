import { Readable } from 'node:stream';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../../adapters/awsClients.ts';
import { BlobAccessDeniedError, S3BlobStore } from '../../adapters/s3BlobStore.ts';
import { startEmulators, type Emulators } from '../../local/emulators.ts';
import { compactDay } from '../../shared/engine/compactDay.ts';
import { decodeNdjson, encodeNdjson } from '../../shared/engine/codec.ts';
import { lakeKey, padTs } from '../../shared/engine/lakeLayout.ts';
import { WindowEngine } from '../../shared/engine/windowEngine.ts';
import { createPipeline } from '../../shared/engine/pipeline.ts';
import type { BlobStore, KeyValueStore } from '../../shared/engine/ports.ts';
import type { TableName } from '../../shared/emit/rows.ts';
import type { AccessEvent } from '../../shared/normalize/types.ts';
import { MemoryBlobStore } from '../../local/memoryBlobStore.ts';
import { MemoryKeyValueStore } from '../../local/memoryKeyValueStore.ts';
import { JsonlAlertSink } from '../../local/jsonlAlertSink.ts';
import { CountingMetrics } from '../../local/countingMetrics.ts';
import { toyDiscovery, toyScoring } from '../support/toyAnalyses.ts';

const HOUR = 3_600_000;
const DAY1 = Date.UTC(2026, 10, 23);
const DAY2 = DAY1 + 24 * HOUR;
const ME = 'acct-region-pipeline-';

/** BlobStore whose next `delete` of findings keys fails, after removing the first `keep` of them (0: none). */
class CrashingBlobStore extends MemoryBlobStore {
  crashes: Array<{ removeFirst: number }> = [];
  override async delete(keys: string[]) {
    const crash = keys.some((k) => !k.startsWith('state/')) ? this.crashes.shift() : undefined;
    if (!crash) return super.delete(keys);
    await super.delete(keys.slice(0, crash.removeFirst));
    throw new Error('simulated crash while deleting hourly objects');
  }
}

async function putHourly(blobs: BlobStore, table: TableName, hour: number, rows: unknown[], prefix = ME) {
  await blobs.put(lakeKey(table, hour, `${prefix}${padTs(hour)}`), encodeNdjson(rows));
}

/** Every row under a prefix, in key order. */
async function rowsUnder(blobs: BlobStore, prefix: string) {
  return (await Promise.all((await blobs.list(prefix)).map(async (k) => decodeNdjson<any>((await blobs.get(k))!)))).flat();
}

/** Two days of hourly objects for two tables, plus what compaction must leave alone. */
async function lake() {
  const blobs = new CrashingBlobStore();
  for (const day of [DAY1, DAY2]) {
    for (const h of [0, 5, 23]) {
      const hour = day + h * HOUR;
      await putHourly(blobs, 'risk_events', hour, [{ actor: `a${h}`, window_start: new Date(hour).toISOString() }, { actor: `b${h}`, window_start: new Date(hour).toISOString() }]);
      await putHourly(blobs, 'endpoints', hour, [{ template: `/t/${h}`, snapshot_at: new Date(hour).toISOString() }]);
    }
  }
  // Another deployment replicating into the same (central) bucket, and quarantine (never compacted).
  await putHourly(blobs, 'risk_events', DAY1 + 3 * HOUR, [{ actor: 'other' }], 'other-region-pipeline-');
  await blobs.put(lakeKey('quarantine', DAY1, `${ME}shard-1-0001`), encodeNdjson([{ reason: 'bad_gzip' }]));
  return blobs;
}

const day1 = (table: TableName) => `${table}/dt=2026-11-23/`;
const expectedRisk = [0, 5, 23].flatMap((h) => [`a${h}`, `b${h}`]);

describe('compactDay', () => {
  it('folds a day of hourly objects into one object per table, in hour order, and deletes them', async () => {
    const blobs = await lake();
    const before = { other: await blobs.list('risk_events/dt=2026-11-23/other'), q: await blobs.list('quarantine/'), day2: await blobs.list('risk_events/dt=2026-11-24/') };
    const r = await compactDay(blobs, DAY1 + 7 * HOUR, ME);
    expect(r.map((t) => [t.table, t.hourly, t.outcome])).toEqual([
      ['endpoints', 3, 'compacted'],
      ['defects', 0, 'nothing'],
      ['risk_events', 3, 'compacted'],
      ['actors', 0, 'nothing'],
      ['file_assets', 0, 'nothing'],
      ['endpoint_changes', 0, 'nothing'],
    ]);
    expect(await blobs.list(`${day1('risk_events')}${ME}`)).toEqual([`${day1('risk_events')}${ME}day.json.gz`]);
    expect(await blobs.list(`${day1('endpoints')}${ME}`)).toEqual([`${day1('endpoints')}${ME}day.json.gz`]);
    expect((await rowsUnder(blobs, `${day1('risk_events')}${ME}`)).map((x) => x.actor)).toEqual(expectedRisk);
    expect((await rowsUnder(blobs, `${day1('endpoints')}${ME}`)).map((x) => x.template)).toEqual(['/t/0', '/t/5', '/t/23']);
    // Only this writer's objects of that day.
    expect(await blobs.list('risk_events/dt=2026-11-23/other')).toEqual(before.other);
    expect(await blobs.list('quarantine/')).toEqual(before.q);
    expect(await blobs.list('risk_events/dt=2026-11-24/')).toEqual(before.day2);
    // Run again: nothing left to do.
    expect((await compactDay(blobs, DAY1, ME)).map((t) => t.outcome)).toEqual(Array(6).fill('nothing'));
    expect((await rowsUnder(blobs, `${day1('risk_events')}${ME}`)).map((x) => x.actor)).toEqual(expectedRisk);
  });

  it.each([
    ['after the daily put, before any delete', 0],
    ['after deleting part of the hourly objects', 2],
  ])('loses and doubles nothing when it crashes %s and runs again', async (_, removeFirst) => {
    const blobs = await lake();
    blobs.crashes = [{ removeFirst }];
    await expect(compactDay(blobs, DAY1, ME, ['risk_events'])).rejects.toThrow(/simulated crash/);
    expect(await blobs.get(`${day1('risk_events')}${ME}day.json.gz`)).not.toBeNull();
    const [r] = await compactDay(blobs, DAY1, ME, ['risk_events']);
    // The daily object already holds what is left: kept as is (rebuilding it from what is left would lose rows).
    expect(r.outcome).toBe('cleaned');
    expect(await blobs.list(`${day1('risk_events')}${ME}`)).toEqual([`${day1('risk_events')}${ME}day.json.gz`]);
    expect((await rowsUnder(blobs, `${day1('risk_events')}${ME}`)).map((x) => x.actor)).toEqual(expectedRisk);
  });

  it('removes an hourly object written again, identical, after the day was compacted (a retried window)', async () => {
    const blobs = await lake();
    await compactDay(blobs, DAY1, ME);
    const hour = DAY1 + 23 * HOUR;
    await putHourly(blobs, 'risk_events', hour, [{ actor: 'a23', window_start: new Date(hour).toISOString() }, { actor: 'b23', window_start: new Date(hour).toISOString() }]);
    const [r] = await compactDay(blobs, DAY1, ME, ['risk_events']);
    expect(r.outcome).toBe('cleaned');
    expect((await rowsUnder(blobs, `${day1('risk_events')}${ME}`)).map((x) => x.actor)).toEqual(expectedRisk);
  });

  it('rebuilds the daily object from the hourly objects alone when they hold other findings (reprocessed day)', async () => {
    const blobs = await lake();
    await compactDay(blobs, DAY1, ME);
    await putHourly(blobs, 'risk_events', DAY1 + 2 * HOUR, [{ actor: 'new' }]);
    await putHourly(blobs, 'risk_events', DAY1 + 9 * HOUR, [{ actor: 'newer' }]);
    const [r] = await compactDay(blobs, DAY1, ME, ['risk_events']);
    expect(r.outcome).toBe('compacted');
    expect((await rowsUnder(blobs, `${day1('risk_events')}${ME}`)).map((x) => x.actor)).toEqual(['new', 'newer']);
  });

  it('gives each row once when two closers compact the same day at the same time', async () => {
    const blobs = await lake();
    await Promise.all([compactDay(blobs, DAY1, ME), compactDay(blobs, DAY1, ME), compactDay(blobs, DAY1, ME)]);
    expect(await blobs.list(`${day1('risk_events')}${ME}`)).toEqual([`${day1('risk_events')}${ME}day.json.gz`]);
    expect((await rowsUnder(blobs, `${day1('risk_events')}${ME}`)).map((x) => x.actor)).toEqual(expectedRisk);
  });
});

// ---------------------------------------------------------------------------------------------------------
// In the engine: traffic from 21:00 to 02:00 across midnight, hot IPs (risk events) in every hour.

const T0 = DAY2 - 3 * HOUR;
const ev = (i: number, ts: number, ip: string): AccessEvent => ({ requestId: `r${String(i).padStart(6, '0')}`, ts, ip, method: 'GET', path: `/p/${i % 3}`, query: '', resourcePath: null, status: 200, protocol: '', responseLength: 1, userAgent: '', principalId: null, apiKeyId: null, integrationLatency: 1, responseLatency: 1, domainName: 'd', stage: '', errorMessage: null });

function batches() {
  const events: AccessEvent[] = [];
  let i = 0;
  for (let t = T0; t < T0 + 5 * HOUR; t += 10_000) events.push(ev(i++, t, `10.0.0.${i % 40}`));
  for (let t = T0; t < T0 + 5 * HOUR; t += 20 * 60_000) for (let k = 0; k < 6; k++) events.push(ev(i++, t + k * 1000, `192.0.2.${(t / 60_000) % 250}`));
  events.sort((a, b) => a.ts - b.ts);
  const out: AccessEvent[][] = [];
  for (let k = 0; k < events.length; k += 60) out.push(events.slice(k, k + 60));
  return out;
}

/** KeyValueStore whose next compare-and-set of the close pointer fails (a crash after the findings were written). */
class CrashingKv extends MemoryKeyValueStore {
  crashCloseAt: number | null = null;
  override async putIfVersion(pk: string, sk: string, attrs: Record<string, unknown>, attr: string, expected: number | null) {
    if (sk === 'CLOSE' && attrs.closedUpTo === this.crashCloseAt) {
      this.crashCloseAt = null;
      throw new Error('simulated crash before the close committed');
    }
    return super.putIfVersion(pk, sk, attrs, attr, expected);
  }
}

/** Runs the toy pipeline; a failed batch is retried whole, as Lambda does. */
async function runEngine(crash: { deletes?: Array<{ removeFirst: number }>; closeAt?: number } = {}) {
  const blobs = new CrashingBlobStore();
  const kv = new CrashingKv() as KeyValueStore & CrashingKv;
  const engine = new WindowEngine(createPipeline(toyDiscovery(), [toyScoring()]), { kv, blobs, alerts: new JsonlAlertSink(), metrics: new CountingMetrics() }, { windowMs: 300_000, latenessMs: 0, deploymentId: 'acct-region' });
  // Armed from the start: they fire at the first compaction (deletes) or at the close of 00:00 (closeAt).
  blobs.crashes = crash.deletes ?? [];
  kv.crashCloseAt = crash.closeAt ?? null;
  let crashes = 0;
  for (const [i, b] of batches().entries()) {
    for (;;) {
      try {
        await engine.ingest('shard-0', String(i).padStart(6, '0'), b, [], T0);
        await engine.closeReady({ max: Infinity });
        break;
      } catch (e) {
        expect(String(e)).toMatch(/simulated crash/);
        crashes++;
      }
    }
  }
  await engine.closeReady({ force: true, max: Infinity });
  await engine.finish();
  return { blobs, crashes };
}

describe('daily compaction in the window engine', () => {
  it('compacts the previous day when the first window of a new day closes; the last day stays hourly', async () => {
    const { blobs } = await runEngine();
    expect(await blobs.list('risk_events/dt=2026-11-23/')).toEqual(['risk_events/dt=2026-11-23/acct-region-pipeline-day.json.gz']);
    const day2 = await blobs.list('risk_events/dt=2026-11-24/');
    expect(day2.map((k) => k.replace(/\d{15}/, 'H'))).toEqual(['risk_events/dt=2026-11-24/acct-region-pipeline-H.json.gz', 'risk_events/dt=2026-11-24/acct-region-pipeline-H.json.gz']);
    const risk = await rowsUnder(blobs, 'risk_events/dt=2026-11-23/');
    // Hot IPs every 20 minutes from 21:00 to 23:40: three hours of rows, in time order.
    expect(risk.map((r) => r.window_start.slice(11, 16))).toEqual(['21:00', '21:20', '21:40', '22:00', '22:20', '22:40', '23:00', '23:20', '23:40']);
  });

  it.each([
    ['the daily put, before deleting the hourly objects', { deletes: [{ removeFirst: 0 }] }],
    ['deleting one of the three hourly objects', { deletes: [{ removeFirst: 1 }] }],
    ['the compaction, before the window that caused it committed', { closeAt: DAY2 }],
  ])('gives every row exactly once after a crash after %s and a retry', async (_, crash) => {
    const clean = await runEngine();
    const crashed = await runEngine(crash);
    expect(crashed.crashes).toBe(1);
    for (const t of ['risk_events', 'endpoints']) {
      expect(await crashed.blobs.list(`${t}/`), t).toEqual(await clean.blobs.list(`${t}/`));
      expect(await rowsUnder(crashed.blobs, `${t}/`), t).toEqual(await rowsUnder(clean.blobs, `${t}/`));
    }
    expect((await rowsUnder(crashed.blobs, 'risk_events/dt=2026-11-23/')).length).toBe(9);
  });
});

/**
 * Makes a real S3 client (against s3rver) see what S3 answers a role without s3:ListBucket on a key's prefix:
 * 403 AccessDenied, with S3's XML error body, wherever the key does not exist (s3rver answered 404).
 */
function withoutListPermission(s3: S3Client): S3Client {
  s3.middlewareStack.add(
    (next) => async (args) => {
      const out = (await next(args)) as { response: { statusCode: number; headers: Record<string, string>; body: unknown } };
      if (out.response.statusCode === 404) {
        out.response.statusCode = 403;
        out.response.headers = { 'content-type': 'application/xml', 'x-amz-request-id': 'TESTREQ403' };
        out.response.body = Readable.from([Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>TESTREQ403</RequestId></Error>')]);
      }
      return out;
    },
    // Inside the SDK's deserializer: it turns this raw answer into the error S3 clients get.
    { step: 'deserialize', priority: 'low', name: 'answerLikeS3WithoutListBucket' },
  );
  return s3;
}

describe('compactDay on S3 (s3rver through the real SDK client)', () => {
  let emu: Emulators;
  const bucket = 'apiscope-findings';
  const store = (deny: boolean) => {
    const { s3 } = createClients({ endpoints: { s3: emu.endpoints.s3 }, maxAttempts: 1 });
    return new S3BlobStore(deny ? withoutListPermission(s3) : s3, bucket);
  };
  beforeAll(async () => {
    emu = await startEmulators();
    await createClients({ endpoints: { s3: emu.endpoints.s3 } }).s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => emu?.stop());

  async function hourlyDay(blobs: BlobStore, day: number) {
    for (const h of [0, 5, 23]) await putHourly(blobs, 'risk_events', day + h * HOUR, [{ actor: `a${h}` }]);
  }

  it('reads a missing key as absent when S3 answers 404, and compacts the day', async () => {
    const blobs = store(false);
    expect(await blobs.get('risk_events/dt=2026-11-20/nothing-here.json.gz')).toBeNull();
    const day = Date.UTC(2026, 10, 20);
    await hourlyDay(blobs, day);
    const [risk] = await compactDay(blobs, day, ME, ['risk_events']);
    expect(risk).toEqual({ table: 'risk_events', hourly: 3, outcome: 'compacted' });
    expect(await blobs.list('risk_events/dt=2026-11-20/')).toEqual(['risk_events/dt=2026-11-20/acct-region-pipeline-day.json.gz']);
    expect((await rowsUnder(blobs, 'risk_events/dt=2026-11-20/')).map((r) => r.actor)).toEqual(['a0', 'a5', 'a23']);
  });

  it('fails loudly, naming the missing s3:ListBucket, and loses nothing, when S3 answers 403 for the absent daily object', async () => {
    const blobs = store(true);
    const day = Date.UTC(2026, 10, 21);
    await hourlyDay(blobs, day);
    const failure = await compactDay(blobs, day, ME, ['risk_events']).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BlobAccessDeniedError);
    const message = (failure as Error).message;
    expect(message).toContain(`s3://${bucket}/risk_events/dt=2026-11-21/acct-region-pipeline-day.json.gz (AccessDenied)`);
    expect(message).toContain(`s3:ListBucket on bucket ${bucket}`);
    expect(message).toContain('"risk_events/*"');
    // Nothing written, nothing deleted: the three hourly objects are still the whole day.
    expect(await blobs.list('risk_events/dt=2026-11-21/')).toHaveLength(3);
    expect((await rowsUnder(blobs, 'risk_events/dt=2026-11-21/')).map((r) => r.actor)).toEqual(['a0', 'a5', 'a23']);
  });

  it('fails loudly too for any other read S3 denies (a missing snapshot is not a fresh start)', async () => {
    await expect(store(true).get('state/pipeline/snapshot/000000000000001.json')).rejects.toThrow(/S3 denied GetObject on s3:\/\/apiscope-findings\/state\/pipeline\/snapshot\/000000000000001\.json \(AccessDenied\)/);
  });
});
