import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
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
import { createAnalysisHandler, type AnalysisHandler } from '../../functions/shared/createAnalysisHandler.ts';
import { buildAnalyses } from '../../functions/shared/buildAnalyses.ts';
import { KinesisPoller, putPayloads } from '../../local/kinesisPoller.ts';
import { simulateTraffic } from '../../local/simulator.ts';
import { cloudWatchLogEvents } from '../../local/cloudWatchLogEvents.ts';
import { drainAll } from '../../local/drain.ts';
import { CountingMetrics } from '../../local/countingMetrics.ts';
import { encodeSubscriptionPayload } from '../../shared/ingest/encodeSubscriptionPayload.ts';
import { decodeNdjson } from '../../shared/engine/codec.ts';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { DefectRow, EndpointRow, RiskEventRow } from '../../shared/emit/rows.ts';

/**
 * The analyze Lambda as deployed: the handler of functions/analyze (createAnalysisHandler around the pipeline
 * buildAnalyses makes: discovery -> defect checks -> scoring), fed by Kinesis, keeping state in DynamoDB and
 * findings in S3, all through the real SDK v3 clients against in-process emulators. SNS is the only mock
 * (aws-sdk-client-mock): there is no SNS emulator.
 */
const SIM = simulateTraffic({ seed: 7, hours: 1.5, rate: 20 });
const LINES = SIM.lines.map((l) => JSON.parse(l) as Record<string, string>);
const BAD_LINE = 'this is not an access log line';
const POISON = Buffer.from('garbage \x00\x01 not gzip');
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:apiscope-alerts';
const BANK = 'api.demobank.example';
const PARTNER = 'k3x9q2.execute-api.eu-west-1.amazonaws.com';
/** Kinesis records per invocation: each holds 100 log lines, so a shard's traffic arrives in several batches. */
const BATCH = 4;
const attack = (scenario: string) => SIM.attacks.find((a) => a.scenario === scenario)!;

interface Deployment {
  names: { table: string; bucket: string; stream: string; shards: number };
  blobs: S3BlobStore;
  metrics: CountingMetrics;
  /** A new container of the analyze function (cold start: nothing in memory) on this deployment's resources. */
  container(): AnalysisHandler;
}

function deploy(c: ReturnType<typeof createClients>, suffix: string): Deployment {
  const names = { table: `apiscope-state${suffix}`, bucket: `apiscope-findings${suffix}`, stream: `apiscope-logs${suffix}`, shards: 2 };
  const blobs = new S3BlobStore(c.s3, names.bucket);
  const metrics = new CountingMetrics();
  const ports = { kv: new DynamoKeyValueStore(c.dynamodb, names.table), blobs, alerts: new SnsAlertPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC), metrics };
  const deps = async () => ({ ports, hashKey: 'test-hash-key-0123456789', engine: { minShards: names.shards, quarantine: true } });
  return { names, blobs, metrics, container: () => createAnalysisHandler('analyze', async () => ({ analysis: buildAnalyses({}).pipeline }), deps) };
}

/**
 * What the subscription filter puts on the stream: the simulated lines as CloudWatch Logs payloads of 100
 * events (one of them carrying a line that is no access log), then a record that is no payload at all.
 */
async function putTraffic(c: ReturnType<typeof createClients>, stream: string): Promise<void> {
  const payloads = [];
  for (let i = 0; i < SIM.lines.length; i += 100) {
    const events = cloudWatchLogEvents(SIM.lines.slice(i, i + 100), i);
    if (i === 1000) events.push({ id: 'bad-line', timestamp: events[0].timestamp, message: BAD_LINE });
    payloads.push({ data: encodeSubscriptionPayload(events, '/aws/apigateway/demobank', 'prod'), partitionKey: String(i) });
  }
  await putPayloads(c.kinesis, stream, payloads);
  await c.kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: [{ Data: POISON, PartitionKey: 'poison' }] }));
}

async function rows<T>(blobs: S3BlobStore, table: string): Promise<T[]> {
  return (await Promise.all((await blobs.list(`${table}/`)).map(async (k) => decodeNdjson<T>((await blobs.get(k))!)))).flat();
}

/**
 * Every findings row, as sorted JSON lines: equal lakes give equal values. Quarantine is at-least-once: a
 * batch retried from a record in its middle quarantines its bad records again under a new key, each with its
 * source (shard/sequence number/log event id), so a reader counts distinct sources. Compared here by
 * distinct source, and without where and when they arrived (another stream, other sequence numbers).
 */
async function lake(blobs: S3BlobStore) {
  const sorted = async (t: string) => (await rows<unknown>(blobs, t)).map((r) => JSON.stringify(r)).sort();
  const quarantined = new Map((await rows<Record<string, string>>(blobs, 'quarantine')).map((r) => [r.source, JSON.stringify({ reason: r.reason, detail: r.detail, sample: r.sample })]));
  return { endpoints: await sorted('endpoints'), defects: await sorted('defects'), risk: await sorted('risk_events'), actors: await sorted('actors'), quarantine: [...quarantined.values()].sort() };
}

describe('the analyze handler on dynalite, kinesalite and s3rver, running the real pipeline (SNS mocked: no emulator exists)', () => {
  let emu: Emulators;
  let c: ReturnType<typeof createClients>;
  let sns: ReturnType<typeof mockClient>;
  let first: Deployment;
  let poller: KinesisPoller;
  let published: PublishCommand['input'][];
  const failures: KinesisStreamBatchResponse['batchItemFailures'] = [];

  beforeAll(async () => {
    emu = await startEmulators();
    c = createClients({ endpoints: emu.endpoints, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 2 });
    sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    first = deploy(c, '');
    await provision(c, first.names);
    await putTraffic(c, first.names.stream);
    const h = first.container();
    const recording = Object.assign(async (event: KinesisStreamEvent, context: Context) => {
      const r = await h(event, context);
      failures.push(...r.batchItemFailures);
      return r;
    }, { engine: h.engine });
    poller = new KinesisPoller(c.kinesis, first.names.stream, 'analyze', recording, BATCH);
    await poller.pollOnce();
    await drainAll(h);
    published = sns.commandCalls(PublishCommand).map((call) => call.args[0].input as PublishCommand['input']);
  });
  afterAll(async () => {
    sns?.restore();
    await emu?.stop();
  });

  it('takes in every record, quarantines the poison record and the bad line with their reasons, and fails nothing', async () => {
    expect(failures).toEqual([]);
    expect(poller.failuresSkipped).toBe(0);
    expect(first.metrics.counts.EventsIn).toBe(SIM.lines.length);
    expect(first.metrics.counts['RecordsRejected.bad_gzip']).toBe(1);
    expect(first.metrics.counts['RecordsRejected.unknown_format']).toBe(1);
    const q = await rows<{ reason: string; sample: string; source: string }>(first.blobs, 'quarantine');
    expect(q.map((r) => r.reason).sort()).toEqual(['bad_gzip', 'unknown_format']);
    const bad = q.find((r) => r.reason === 'unknown_format')!;
    expect(bad.sample).toBe(BAD_LINE);
    expect(bad.source).toMatch(/^shardId-\d{12}\/\d+\/bad-line$/);
    // Never the record's bytes (they may hold anything): what it is, and a keyed hash to tell two apart.
    const poison = q.find((r) => r.reason === 'bad_gzip')!.sample;
    expect(poison).toMatch(new RegExp(`^binary, ${POISON.length} bytes, keyed hash [0-9a-f]{12}$`));
    expect(poison).not.toContain(POISON.toString('base64'));
  });

  it('writes endpoints with concrete paths collapsed into templates, also behind the greedy proxy route', async () => {
    const eps = await rows<EndpointRow>(first.blobs, 'endpoints');
    const served = (domain: string) => [...new Set(eps.filter((e) => e.domain_name === domain && e.status_2xx > 0).map((e) => `${e.method} ${e.template}`))].sort();
    // The gateway's routes are the templates of the bank API: every route that answered 2xx, nothing else.
    const routes = new Set(LINES.filter((l) => l.domainName === BANK && l.status.startsWith('2')).map((l) => `${l.httpMethod} ${l.resourcePath}`));
    expect(served(BANK)).toEqual([...routes].sort());
    // The partner API logs `/{proxy+}` and a stage prefix: its templates are inferred from the paths alone.
    expect(served(PARTNER)).toEqual(['GET /merchants/search', 'GET /merchants/{merchant_id}/orders/{order_id}', 'GET /merchants/{merchant_id}/refunds', 'GET /orders/{order_id}']);
    // No endpoint is a concrete id: account numbers, payment UUIDs, order ids all went into parameters.
    expect(eps.filter((e) => /\/(\d{3,}|ord_[0-9a-f]+|[0-9a-f]{8}-[0-9a-f-]{27})(\/|$)/.test(e.template)).map((e) => e.template)).toEqual([]);
    const accounts = eps.filter((e) => e.domain_name === BANK && e.method === 'GET' && e.template === '/v1/accounts/{accountId}');
    expect(accounts.at(-1)!.request_count).toBe(LINES.filter((l) => l.domainName === BANK && l.resourcePath === '/v1/accounts/{accountId}' && l.httpMethod === 'GET').length);
  });

  it("puts the attackers in risk_events with their attack's scenario", async () => {
    const risk = await rows<RiskEventRow>(first.blobs, 'risk_events');
    const flagged = (scenario: string, type: string) => new Set(risk.filter((r) => r.scenario === scenario && r.actor_type === type).map((r) => r.actor));
    const [principal, ip] = attack('bola_enumeration').actors;
    expect(flagged('bola_enumeration', 'principal')).toEqual(new Set([principal]));
    expect(flagged('bola_enumeration', 'ip')).toEqual(new Set([ip]));
    expect(flagged('forced_browsing', 'ip')).toEqual(new Set(attack('forced_browsing').actors));
    const stuffing = flagged('credential_stuffing', 'ip');
    expect(attack('credential_stuffing').actors.filter((a) => !stuffing.has(a))).toEqual([]);
    // The evidence counts what the walk did in that window: the account ids it requested.
    const bola = risk.find((r) => r.actor === principal)!;
    const [ws, we] = [Date.parse(bola.window_start), Date.parse(bola.window_end)];
    const walked = new Set(LINES.filter((l) => l.principalId === principal && +l.requestTimeEpoch >= ws && +l.requestTimeEpoch < we && l.resourcePath === '/v1/accounts/{accountId}').map((l) => l.path));
    expect(bola.severity).toBe('critical');
    expect(bola.detectors).toContain('enumeration');
    expect(JSON.parse(bola.evidence).enumeration.distinctIds).toBe(walked.size);
  });

  it('records the defects the traffic shows, open, with their evidence masked', async () => {
    const defects = await rows<DefectRow>(first.blobs, 'defects');
    const latest = new Map(defects.map((d) => [d.defect_id, d]));
    const open = [...latest.values()].filter((d) => d.status !== 'resolved').map((d) => `${d.defect_type} ${d.severity} ${d.method} ${d.template}`);
    expect(open).toEqual(expect.arrayContaining([
      // The payment error burst answers with a JDBC exception and a class name.
      'verbose_error high POST /v1/payments',
      // The statements are PDFs anyone can fetch: the bulk download used no credentials.
      'unauthenticated_file_download critical GET /v1/statements/{statementFile}',
      // Phone numbers, card numbers and resident ids travel in paths.
      'sensitive_data_in_url medium GET /v1/customers/by-phone/{phone}',
      'sensitive_data_in_url high GET /v1/cards/{cardNo}/limits',
      'sensitive_data_in_url high POST /v1/kyc/{residentId}/verify',
    ]));
    // The evidence shows what leaked: the error text as logged, phone numbers only as display masks.
    const evidence = (type: string, template: string) => JSON.parse([...latest.values()].find((d) => d.defect_type === type && d.template === template)!.evidence);
    expect(evidence('verbose_error', '/v1/payments').sample).toContain('ORA-01017');
    const phones = evidence('sensitive_data_in_url', '/v1/customers/by-phone/{phone}').positions[0];
    expect(phones.kind).toBe('cn_mobile');
    const called = LINES.filter((l) => l.resourcePath === '/v1/customers/by-phone/{phone}').map((l) => l.path.split('/').pop()!);
    expect(phones.samples.length).toBeGreaterThan(0);
    for (const m of phones.samples as string[]) expect(called.some((p) => m === `${p.slice(0, 3)}****${p.slice(-4)}`), m).toBe(true);
  });

  it('publishes one alert per incident to the SNS topic, the BOLA walk and the stuffing campaign among them', () => {
    expect(published.length).toBe(first.metrics.counts.AlertsSent);
    expect(published.every((p) => p.TopicArn === TOPIC)).toBe(true);
    expect(new Set(published.map((p) => p.Subject)).size).toBe(published.length);
    const [principal, ip] = attack('bola_enumeration').actors;
    expect(published.filter((p) => p.Subject!.includes(principal)).map((p) => p.Subject)).toEqual([`[apiscope] CRITICAL bola_enumeration by principal ${principal} (ip ${ip}) on ${BANK}`]);
    expect(published.filter((p) => /credential_stuffing campaign/.test(p.Subject!))).toHaveLength(1);
    const download = published.find((p) => p.Subject!.includes('Files downloadable without authentication'))!;
    expect(download.MessageAttributes!.severity).toEqual({ DataType: 'String', StringValue: 'critical' });
    expect(JSON.parse(download.Message!)).toMatchObject({ kind: 'defect', where: { domain: BANK, method: 'GET', template: '/v1/statements/{statementFile}' } });
  });

  it('stores no raw phone, card or resident-id number in DynamoDB or S3', async () => {
    const input = SIM.lines.join('\n');
    const secrets = SIM.secrets.filter((s) => input.includes(s));
    expect(secrets.length).toBeGreaterThan(20);
    const items = JSON.stringify((await c.dynamodb.send(new ScanCommand({ TableName: first.names.table }))).Items);
    const keys = await first.blobs.list('');
    expect(keys.filter((k) => k.startsWith('endpoints/')).length).toBeGreaterThan(0);
    const texts = await Promise.all(keys.map(async (k) => { const b = Buffer.from((await first.blobs.get(k))!); return k.endsWith('.gz') ? gunzipSync(b).toString() : b.toString(); }));
    expect(secrets.filter((s) => items.includes(s) || texts.some((t) => t.includes(s)))).toEqual([]);
  });

  it('gives the same findings and alerts when every batch is delivered twice, then again from its middle, and the whole stream once more later', async () => {
    sns.resetHistory();
    const again = deploy(c, '-redelivered');
    await provision(c, again.names);
    await putTraffic(c, again.names.stream);
    // Lambda retries a batch after a timeout (the same records again) and after a partial failure (from the
    // failed record on: new buffer keys over records already buffered).
    const h = again.container();
    const retried = Object.assign(async (event: KinesisStreamEvent, context: Context) => {
      await h(event, context);
      await h(event, context);
      return h({ Records: event.Records.slice(Math.floor(event.Records.length / 2)) }, context);
    }, { engine: h.engine });
    await new KinesisPoller(c.kinesis, again.names.stream, 'analyze', retried, BATCH).pollOnce();
    await drainAll(h);
    const lateBefore = again.metrics.counts.LateEvents ?? 0;
    // Much later a new container reads the stream from the start again (an event source mapping reset).
    await new KinesisPoller(c.kinesis, again.names.stream, 'analyze', again.container(), BATCH).pollOnce();
    expect(again.metrics.counts.LateEvents - lateBefore).toBe(SIM.lines.length);
    expect(await lake(again.blobs)).toEqual(await lake(first.blobs));
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input.Subject).sort()).toEqual(published.map((p) => p.Subject).sort());
  });

  it('sends no alert twice when a container dies after publishing a window\'s alerts and before committing its close', async () => {
    sns.resetHistory();
    const c2 = createClients({ endpoints: emu.endpoints, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 2 });
    let sentSinceCommit: string[] = [];
    let lost: string[] = [];
    sns.on(PublishCommand).callsFake((input: PublishCommand['input']) => { sentSinceCommit.push(input.Subject!); return { MessageId: 'm' }; });
    // The close pointer is the commit: the first time it is written after single (non-campaign) alerts went out,
    // the container is gone instead.
    c2.dynamodb.middlewareStack.add(
      (next) => async (args: any) => {
        const isClose = String(args.request?.headers?.['x-amz-target']).endsWith('.PutItem') && String(args.request?.body).includes('"sk":{"S":"CLOSE"}');
        if (isClose && !lost.length && sentSinceCommit.length && !sentSinceCommit.some((s) => s.includes('campaign'))) {
          lost = sentSinceCommit;
          throw new Error('container killed before committing its close (injected)');
        }
        if (isClose) sentSinceCommit = [];
        return next(args);
      },
      { step: 'build', name: 'killBeforeCommit' },
    );
    const crashed = deploy(c2, '-crashed');
    await provision(c2, crashed.names);
    await putTraffic(c2, crashed.names.stream);
    // Lambda retries the failed batch on a new container, which replays the uncommitted window from the checkpoint.
    let h = crashed.container();
    const lambda = Object.assign(async (...a: Parameters<AnalysisHandler>) => {
      try { return await h(...a); } catch (e) {
        if (!/injected/.test(String(e))) throw e;
        h = crashed.container();
        return h(...a);
      }
    }, { engine: () => h.engine() });
    await new KinesisPoller(c2.kinesis, crashed.names.stream, 'analyze', lambda, BATCH).pollOnce();
    await drainAll(lambda);
    expect(lost.length).toBeGreaterThan(0);
    // The new container closes the uncommitted window again and finds its alerts already in the outbox (queued
    // once, sent once): every alert of the clean run goes out exactly once, none twice.
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input.Subject).sort()).toEqual(published.map((p) => p.Subject).sort());
    expect(await lake(crashed.blobs)).toEqual(await lake(first.blobs));
  });
});
