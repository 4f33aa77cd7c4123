import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { startEmulators, type Emulators } from '../../local/emulators.ts';
import { provision } from '../../local/provision.ts';
import { createClients } from '../../adapters/awsClients.ts';
import { DynamoKeyValueStore } from '../../adapters/dynamoKeyValueStore.ts';
import { S3BlobStore } from '../../adapters/s3BlobStore.ts';
import { SnsAlertPublisher } from '../../adapters/snsAlertPublisher.ts';
import { createAnalysisHandler } from '../../functions/shared/createAnalysisHandler.ts';
import { KinesisPoller, putPayloads } from '../../local/kinesisPoller.ts';
import { encodeSubscriptionPayload } from '../../shared/ingest/encodeSubscriptionPayload.ts';
import { decodeNdjson } from '../../shared/engine/codec.ts';
import { CountingMetrics } from '../../local/countingMetrics.ts';
import { toyDiscovery, toyScoring } from '../support/toyAnalyses.ts';
import { createPipeline } from '../../shared/engine/pipeline.ts';
import { accessLine } from '../support/records.ts';

const NAMES = { table: 'apiscope-state', bucket: 'apiscope-findings', stream: 'apiscope-logs', shards: 2 };
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

describe('Lambda handlers on dynalite, kinesalite and s3rver (SNS mocked: no emulator exists)', () => {
  let emu: Emulators;
  let c: ReturnType<typeof createClients>;
  beforeAll(async () => {
    emu = await startEmulators();
    c = createClients({ endpoints: emu.endpoints, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 2 });
    await provision(c, NAMES);
  });
  afterAll(async () => emu?.stop());

  it('processes real subscription payloads, quarantines a poison record and moves on, dedups alerts', async () => {
    const lines = [];
    for (let i = 0; i < 400; i++) lines.push(JSON.stringify(accessLine({ requestId: `r${i}`, requestTimeEpoch: String(T0 + i * 2000), ip: i % 10 === 0 ? '192.0.2.66' : `10.0.${i % 40}.1`, path: `/v1/accounts/${i % 5}` })));
    // A user's phone number in one path: it must never reach storage unmasked.
    lines.push(JSON.stringify(accessLine({ requestId: 'pii', requestTimeEpoch: String(T0 + 5000), path: '/v1/customers/by-phone/13812345678' })));
    lines.push('this is not an access log line');
    const payloads = [];
    for (let i = 0; i < lines.length; i += 50) payloads.push({ data: encodeSubscriptionPayload(lines.slice(i, i + 50).map((m, j) => ({ id: String(i + j), timestamp: T0 + i * 2000, message: m }))), partitionKey: String(i) });
    await putPayloads(c.kinesis, NAMES.stream, payloads);
    // The poison record: bytes that are not a subscription payload at all.
    await c.kinesis.send(new PutRecordsCommand({ StreamName: NAMES.stream, Records: [{ Data: Buffer.from('garbage \x00\x01 not gzip'), PartitionKey: 'poison' }] }));

    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    const metrics = new CountingMetrics();
    const ports = { kv: new DynamoKeyValueStore(c.dynamodb, NAMES.table), blobs: new S3BlobStore(c.s3, NAMES.bucket), alerts: new SnsAlertPublisher(new SNSClient({ region: 'us-east-1' }), 'arn:aws:sns:us-east-1:000000000000:alerts'), metrics };
    const deps = async () => ({ ports, hashKey: 'test-hash-key-0123456789', engine: { windowMs: 300_000, latenessMs: 0, minShards: 2, quarantine: true } });
    const h = createAnalysisHandler('analyze', async () => ({ analysis: createPipeline(toyDiscovery(), [toyScoring()]) }), deps);
    const poller = new KinesisPoller(c.kinesis, NAMES.stream, 'analyze', h, 3);
    expect(await poller.pollOnce()).toBe(payloads.length + 1);
    expect(poller.failuresSkipped).toBe(0);
    const e = await h.engine();
    await e.closeReady({ force: true, max: Infinity });
    await e.finish();
    // The poison record and the bad line are kept in quarantine with their reasons.
    const qKeys = await ports.blobs.list('quarantine/');
    const q = (await Promise.all(qKeys.map(async (k) => decodeNdjson<any>((await ports.blobs.get(k))!)))).flat();
    expect(q.map((r) => r.reason).sort()).toEqual(['bad_gzip', 'unknown_format']);
    expect(metrics.counts['RecordsRejected.bad_gzip']).toBe(1);
    // Risk events landed in the partitioned layout; one alert per hot IP despite several windows.
    const rk = await ports.blobs.list('risk_events/');
    expect(rk[0]).toMatch(/^risk_events\/dt=2026-11-23\/pipeline-\d{15}\.json\.gz$/);
    const risk = (await Promise.all(rk.map(async (k) => decodeNdjson<any>((await ports.blobs.get(k))!)))).flat();
    expect(new Set(risk.map((r) => r.actor))).toEqual(new Set(['192.0.2.66']));
    expect(risk.length).toBeGreaterThan(1);
    expect(sns.commandCalls(PublishCommand).length).toBe(1);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Subject).toBe('[apiscope] HIGH hot 192.0.2.66');
    sns.restore();
    // No raw PII anywhere in DynamoDB or S3.
    const items = JSON.stringify((await c.dynamodb.send(new ScanCommand({ TableName: NAMES.table }))).Items);
    expect(items).not.toContain('13812345678');
    for (const k of await ports.blobs.list('')) {
      const body = Buffer.from((await ports.blobs.get(k))!);
      const text = k.endsWith('.gz') ? (await import('node:zlib')).gunzipSync(body).toString() : body.toString();
      expect(text, k).not.toContain('13812345678');
    }
  });
});
