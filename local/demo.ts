import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';
import { createClients } from '../adapters/awsClients.ts';
import { DynamoKeyValueStore } from '../adapters/dynamoKeyValueStore.ts';
import { S3BlobStore } from '../adapters/s3BlobStore.ts';
import { encodeSubscriptionPayload } from '../shared/ingest/encodeSubscriptionPayload.ts';
import { startEmulators } from './emulators.ts';
import { provision } from './provision.ts';
import { simulateTraffic } from './simulator.ts';
import { cloudWatchLogEvents } from './cloudWatchLogEvents.ts';
import { KinesisPoller, putPayloads } from './kinesisPoller.ts';
import { createLocalHandler } from './localHandlers.ts';
import { JsonlAlertSink } from './jsonlAlertSink.ts';
import { CountingMetrics } from './countingMetrics.ts';
import { drainAll } from './drain.ts';
import { summarizeLake } from './summary.ts';
import { TABLES } from '../shared/emit/tableSchemas.ts';
import { CliError } from '../cli/cliError.ts';
import { visible } from '../shared/report/visibleText.ts';

/** What a demo folder holds; anything else in --out means it is not one. */
const DEMO_FILES = new Set(['lake', 'alerts.jsonl', 'metrics.json']);

const NAMES = { table: 'apiscope-state', bucket: 'apiscope-findings', stream: 'apiscope-access-logs', shards: 2 };

/**
 * `npm start`: the deployed pipeline end to end on in-process emulators. Simulated gateway traffic goes
 * on a local Kinesis stream as CloudWatch Logs subscription payloads, pollers invoke the real handlers,
 * state goes to dynalite, findings to s3rver, alerts to a JSONL file; the lake is then copied to disk.
 */
export async function runDemo(outDir = '.apiscope/demo'): Promise<void> {
  const out = resolve(outDir);
  // The folder is emptied first: only ever one this command wrote, never a folder given by mistake (`--out ~`).
  const foreign = existsSync(out) ? (statSync(out).isDirectory() ? readdirSync(out).filter((f) => !DEMO_FILES.has(f)) : [basename(out)]) : [];
  if (foreign.length) throw new CliError(`--out ${outDir}: holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}, which the demo did not write; give a new folder or an earlier demo's`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const t0 = Date.now();
  const emu = await startEmulators();
  try {
    const c = createClients({ endpoints: emu.endpoints, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await provision(c, NAMES);
    const { lines, attacks } = simulateTraffic({ seed: 7 });
    console.log(`Simulated ${lines.length} API Gateway requests over 3 h with ${attacks.length} attacks (${attacks.map((a) => a.scenario).join(', ')})`);
    const payloads = [];
    for (let i = 0; i < lines.length; i += 100) {
      payloads.push({ data: encodeSubscriptionPayload(cloudWatchLogEvents(lines.slice(i, i + 100), i), '/aws/apigateway/demobank', 'prod'), partitionKey: String(i / 100) });
    }
    await putPayloads(c.kinesis, NAMES.stream, payloads);
    console.log(`Put ${payloads.length} subscription payloads on Kinesis stream ${NAMES.stream} (${NAMES.shards} shards, kinesalite at ${emu.endpoints.kinesis})`);
    const alerts = new JsonlAlertSink(join(out, 'alerts.jsonl'));
    const metrics = new CountingMetrics();
    const handler = createLocalHandler({ kv: new DynamoKeyValueStore(c.dynamodb, NAMES.table), blobs: new S3BlobStore(c.s3, NAMES.bucket), alerts, metrics }, { engine: { minShards: NAMES.shards } });
    const poller = new KinesisPoller(c.kinesis, NAMES.stream, 'apiscope-analyze', handler, 100);
    const n = await poller.pollOnce();
    console.log(`The analysis handler consumed ${n} records in ${poller.invocations} invocations`);
    await drainAll(handler);
    // Subjects name actors as logged: shown escaped, never as raw control sequences.
    for (const a of alerts.sent) console.log(`  ALERT ${visible(a.subject)}`);
    // Copy the findings lake from the local S3 to disk so that `apiscope query` and Athena-style SQL can read it.
    const lake = join(out, 'lake');
    let objects = 0;
    for (const t of TABLES) {
     let token: string | undefined;
     do {
      const r = await c.s3.send(new ListObjectsV2Command({ Bucket: NAMES.bucket, Prefix: t.prefix + '/', ContinuationToken: token }));
      for (const o of r.Contents ?? []) {
        const body = await (await c.s3.send(new GetObjectCommand({ Bucket: NAMES.bucket, Key: o.Key! }))).Body!.transformToByteArray();
        const p = join(lake, o.Key!);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, body);
        objects++;
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
     } while (token);
    }
    writeFileSync(join(out, 'metrics.json'), JSON.stringify(metrics.counts, null, 2));
    console.log('');
    console.log(await summarizeLake(lake));
    console.log('');
    console.log(`Alerts sent: ${alerts.sent.length} (deduplicated: ${metrics.counts.AlertsDeduplicated ?? 0}) -> ${join(outDir, 'alerts.jsonl')}`);
    console.log(`Findings lake (${objects} objects, S3 layout): ${join(outDir, 'lake')}`);
    console.log(`Query it:  npx apiscope query --data ${join(outDir, 'lake')} "SELECT actor, score, scenario FROM risk_events ORDER BY score DESC LIMIT 5"`);
    console.log(`Done in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
  } finally {
    await emu.stop();
  }
}
