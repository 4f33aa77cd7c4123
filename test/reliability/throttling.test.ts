import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { startEmulators, type Emulators } from '../../local/emulators.ts';
import { provision } from '../../local/provision.ts';
import { createClients } from '../../adapters/awsClients.ts';
import { DynamoKeyValueStore } from '../../adapters/dynamoKeyValueStore.ts';
import { S3BlobStore } from '../../adapters/s3BlobStore.ts';
import { createAnalysisHandler } from '../../functions/shared/createAnalysisHandler.ts';
import { encodeSubscriptionPayload } from '../../shared/ingest/encodeSubscriptionPayload.ts';
import { CountingMetrics } from '../../local/countingMetrics.ts';
import { JsonlAlertSink } from '../../local/jsonlAlertSink.ts';
import { toyDiscovery, toyScoring } from '../support/toyAnalyses.ts';
import { createPipeline } from '../../shared/engine/pipeline.ts';
import { accessLine } from '../support/records.ts';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const ctx = {} as Context;

function batch(from: number, n: number): KinesisStreamEvent {
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify(accessLine({ requestId: `r${from + i}`, requestTimeEpoch: String(T0 + (from + i) * 1000), ip: (from + i) % 4 === 0 ? '192.0.2.66' : '10.0.0.1' })));
  const data = encodeSubscriptionPayload(lines.map((m, i) => ({ id: String(i), timestamp: T0, message: m }))).toString('base64');
  const seq = String(from).padStart(10, '0');
  return { Records: [{ eventID: `shardId-0:${seq}`, eventName: 'aws:kinesis:record', eventVersion: '1.0', eventSource: 'aws:kinesis', eventSourceARN: 'arn', awsRegion: 'us-east-1', invokeIdentityArn: 'arn', kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'p', sequenceNumber: seq, data, approximateArrivalTimestamp: (T0 + (from + n) * 1000) / 1000 } }] };
}

describe('DynamoDB throttling (injected into the real SDK client talking to dynalite)', () => {
  let emu: Emulators;
  beforeAll(async () => {
    emu = await startEmulators();
    await provision(createClients({ endpoints: emu.endpoints, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }), { table: 'apiscope-state', bucket: 'apiscope-findings', stream: 'apiscope-logs', shards: 1 });
  });
  afterAll(async () => emu?.stop());

  it('retries throttled writes with backoff, fails the batch when they keep failing, and a retry of the batch counts it once', async () => {
    const c = createClients({ endpoints: emu.endpoints, credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 4 });
    let throttleNext = 0;
    let throttled = 0;
    c.dynamodb.middlewareStack.add(
      (next) => async (args) => {
        if (throttleNext > 0) {
          throttleNext--;
          throttled++;
          throw new ProvisionedThroughputExceededException({ message: 'Rate exceeded (injected)', $metadata: { httpStatusCode: 400 } });
        }
        return next(args);
      },
      { step: 'deserialize', name: 'injectThrottling' },
    );
    const ports = { kv: new DynamoKeyValueStore(c.dynamodb, 'apiscope-state'), blobs: new S3BlobStore(c.s3, 'apiscope-findings'), alerts: new JsonlAlertSink(), metrics: new CountingMetrics() };
    const deps = async () => ({ ports, hashKey: 'k'.repeat(16), engine: { windowMs: 300_000, latenessMs: 0 } });
    const h = createAnalysisHandler('analyze', async () => ({ analysis: createPipeline(toyDiscovery(), [toyScoring()]) }), deps);

    // Transient throttling: absorbed by the SDK's retries, nothing fails.
    throttleNext = 2;
    expect((await h(batch(0, 200), ctx)).batchItemFailures).toEqual([]);
    expect(throttled).toBe(2);

    // Persistent throttling: the invocation fails as a whole, so Lambda retries the batch (never a silent drop).
    throttleNext = 1000;
    await expect(h(batch(200, 200), ctx)).rejects.toThrow(/Rate exceeded/);
    throttleNext = 0;
    // Lambda's retry of the same batch, then the rest of the stream.
    expect((await h(batch(200, 200), ctx)).batchItemFailures).toEqual([]);
    await h(batch(400, 200), ctx);
    const e = await h.engine();
    await e.closeReady({ force: true, max: Infinity });
    const state = (await e.currentState()) as { scoring: { seen: number }; discovery: { paths: Record<string, number> } };
    expect(state.scoring.seen).toBe(600);
    expect(Object.values(state.discovery.paths).reduce((s, n) => s + n, 0)).toBe(600);
  });
});
