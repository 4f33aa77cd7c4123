import { createClients } from '../../adapters/awsClients.ts';
import { DynamoKeyValueStore } from '../../adapters/dynamoKeyValueStore.ts';
import { S3BlobStore } from '../../adapters/s3BlobStore.ts';
import { createAnalysisHandler } from '../../functions/shared/createAnalysisHandler.ts';
import { buildAnalyses } from '../../functions/shared/buildAnalyses.ts';
import { CountingMetrics } from '../../local/countingMetrics.ts';
import { provision } from '../../local/provision.ts';
import type { Emulators } from '../../local/emulators.ts';
import type { Severity } from '../../shared/emit/rows.ts';
import { Faults, type FaultRule } from './faults.ts';
import { kinesisBatches, LambdaRun, type LambdaOptions } from './lambdaRun.ts';
import { lakeRows } from './lake.ts';
import { mockAlertTopic } from './alertTopic.ts';
import { DynamoTriageStore } from '../../adapters/dynamoTriageStore.ts';
import { storeTriage } from '../../shared/engine/storeTriage.ts';
import type { TriageStore } from '../../shared/triage/store.ts';

export interface PipelineRunOptions {
  /** Names this run's table and bucket, so that runs on the same emulators never share state. */
  name: string;
  faults?: FaultRule[];
  lambda?: LambdaOptions;
  shards?: number;
  linesPerRecord?: number;
  recordsPerBatch?: number;
  minAlertSeverity?: Severity;
  /** Attempts of the SDK clients (each fault rule counts them). */
  clientAttempts?: number;
  /**
   * Runs with triage (DynamoDB items in the run's table, as deployed), set up by this before the first batch.
   * Without it the pipeline runs untriaged.
   */
  triage?: (store: TriageStore) => Promise<void>;
}

/**
 * Attempts of the SDK clients in these runs. s3rver fails the first attempt of a DeleteObjects with more than a
 * few keys (the SDK's retry succeeds), so a fault the retries must absorb leaves one attempt for that.
 */
export const CLIENT_ATTEMPTS = 4;

/**
 * The analyze Lambda as deployed, on dynalite and s3rver: the real handler (createAnalysisHandler), the real
 * pipeline (buildAnalyses) and the real adapters and SDK clients, with `faults` injected into the S3 and
 * DynamoDB clients and the (mocked) SNS topic. Lines go through as Kinesis batches; a failed batch is
 * delivered again until it succeeds, then the stream ends as a replay ends it.
 */
export async function runPipelineOnEmulators(emu: Emulators, lines: readonly string[], o: PipelineRunOptions) {
  const names = { table: `state-${o.name}`, bucket: `findings-${o.name}`, stream: `logs-${o.name}`, shards: o.shards ?? 2 };
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const clean = createClients({ endpoints: emu.endpoints, credentials });
  await provision(clean, names);
  const faults = new Faults(o.faults ?? []);
  const c = createClients({ endpoints: emu.endpoints, credentials, maxAttempts: o.clientAttempts ?? CLIENT_ATTEMPTS });
  faults.attach(c.s3);
  faults.attach(c.dynamodb);
  const topic = mockAlertTopic(faults);
  const metrics = new CountingMetrics();
  const triage = new DynamoTriageStore(clean.dynamodb, names.table);
  await o.triage?.(triage);
  const ports = { kv: new DynamoKeyValueStore(c.dynamodb, names.table), blobs: new S3BlobStore(c.s3, names.bucket), alerts: topic.publisher, metrics, ...(o.triage ? { triage: storeTriage(triage) } : {}) };
  const engine = { minShards: names.shards, quarantine: true, minAlertSeverity: o.minAlertSeverity ?? 'high' };
  // A new container builds its pipeline anew, as a Lambda cold start does.
  const container = () => createAnalysisHandler('analyze', async () => ({ analysis: buildAnalyses({ minAlertSeverity: engine.minAlertSeverity }).pipeline }), async () => ({ ports, hashKey: 'fault-test-hash-key-0123', engine }));
  const lambda = new LambdaRun(container, o.lambda);
  try {
    for (const b of kinesisBatches(lines, { shards: names.shards, linesPerRecord: o.linesPerRecord ?? 50, recordsPerBatch: o.recordsPerBatch ?? 4 })) await lambda.deliver(b);
    await lambda.end();
  } finally {
    topic.restore();
  }
  const kv = new DynamoKeyValueStore(clean.dynamodb, names.table);
  const blobs = new S3BlobStore(clean.s3, names.bucket);
  return {
    lake: await lakeRows(blobs),
    /** The findings bucket, read without faults. */
    blobs,
    delivered: topic.delivered,
    keys: topic.keys(),
    /** Alerts still queued in the outbox. */
    queued: await kv.query('OUTBOX#pipeline'),
    kv,
    triage,
    metrics: metrics.counts,
    faults,
    lambda,
  };
}

export type PipelineRun = Awaited<ReturnType<typeof runPipelineOnEmulators>>;
