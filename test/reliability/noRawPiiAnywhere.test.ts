import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { simulateTraffic } from '../../local/simulator.ts';
import { createLocalHandler } from '../../local/localHandlers.ts';
import { MemoryKeyValueStore } from '../../local/memoryKeyValueStore.ts';
import { FileBlobStore } from '../../local/fileBlobStore.ts';
import { JsonlAlertSink } from '../../local/jsonlAlertSink.ts';
import { CountingMetrics } from '../../local/countingMetrics.ts';
import { replayFile } from '../../local/replay.ts';
import { queryLake } from '../../local/lakeQuery.ts';
import { startEmulators, type Emulators } from '../../local/emulators.ts';
import { provision } from '../../local/provision.ts';
import { createClients } from '../../adapters/awsClients.ts';
import { DynamoKeyValueStore } from '../../adapters/dynamoKeyValueStore.ts';
import { S3BlobStore } from '../../adapters/s3BlobStore.ts';
import { SnsAlertPublisher } from '../../adapters/snsAlertPublisher.ts';
import { KinesisPoller, putPayloads } from '../../local/kinesisPoller.ts';
import { encodeSubscriptionPayload } from '../../shared/ingest/encodeSubscriptionPayload.ts';
import { peekEventTime } from '../../shared/normalize/eventTimeReference.ts';

/**
 * The whole output tree of a run over lines that carry every kind of sensitive value in every place a value
 * can hide (path, query strings in several syntaxes, error message, user agent, principal and API key ids,
 * and every kind of bad line and undecodable record): none of the raw values may be in any byte written, in
 * any common encoding.
 */
const PHONE = '13912345678';
const PHONE_SPACED = '139 1234 5678';
const PHONE_INTL = '+86 139-1234-5678';
const RID = '11010519491231002X';
const CARD = '6222021234567890128';
const CARD_SPACED = '6222 0212 3456 7890 128';
const E164 = '+14155552671';
const E164_UK = '+447946095812';
const EMAIL = 'carol.smith@example.org';
const IBAN = 'GB82WEST12345698765432';
const SSN = '123-45-6789';
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYXJvbCJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
const PASSWORD = 'Hunter2-Sesame!';
const VALUES = [PHONE, PHONE_SPACED, PHONE_INTL, RID, CARD, CARD_SPACED, E164, E164_UK, EMAIL, IBAN, SSN, AWS_KEY, JWT, PASSWORD];

/** Every form in which a value would still be readable: as is, URL-encoded (once, twice), without separators, in another case. */
function needles(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    out.add(v);
    out.add(encodeURIComponent(v));
    out.add(encodeURIComponent(encodeURIComponent(v)));
    out.add(v.toLowerCase());
    const digits = v.replace(/[^0-9Xx]/g, '');
    if (digits.length >= 8 && /^\+?[\d -]+[Xx]?$/.test(v)) out.add(digits);
  }
  return [...out];
}

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const clf = (ms: number) => { const d = new Date(ms); return `${String(d.getUTCDate()).padStart(2, '0')}/Nov/2026:${d.toISOString().slice(11, 19)} +0000`; };

/** Good lines in the recommended format that carry the values where a gateway would log them. */
function sensitiveLines(): string[] {
  const base = (i: number, over: Record<string, string>) => JSON.stringify({
    requestId: `pii-${i}`, ip: '198.51.100.7', requestTime: clf(T0 + 600_000 + i * 1000), requestTimeEpoch: String(T0 + 600_000 + i * 1000), httpMethod: 'GET',
    path: '/v1/ping', resourcePath: '-', status: '200', protocol: 'HTTP/1.1', responseLength: '10', userAgent: 'DemoBank/7.2.1 (Android 14; Pixel 8)',
    principalId: 'u-10001', apiKeyId: '-', integrationLatency: '10', responseLatency: '12', domainName: 'api.demobank.example', stage: 'prod', errorMessage: '-', ...over,
  });
  const lines: string[] = [];
  let i = 0;
  // International numbers in a Twilio-style path, from several callers: endpoints, actors and state see them.
  for (let k = 0; k < 12; k++) lines.push(base(i++, { path: `/v2/PhoneNumbers/${k % 2 ? E164 : encodeURIComponent(E164_UK)}`, resourcePath: '/{proxy+}', principalId: `u-1000${k % 3}` }));
  lines.push(base(i++, { path: `/v1/kyc/${RID}/verify` }));
  lines.push(base(i++, { path: `/v1/users;phone=${PHONE};type=mobile/cards` }));
  lines.push(base(i++, { path: `/v1/statements/${CARD}.pdf` }));
  lines.push(base(i++, { path: `/v1/accounts/${IBAN}` }));
  // Query strings in several syntaxes.
  lines.push(base(i++, { path: `/v1/search?q=${encodeURIComponent(PHONE_SPACED)}&page=2` }));
  lines.push(base(i++, { path: `/v1/search?phone=${E164}` }));
  lines.push(base(i++, { path: `/v1/search;filter=x?card=${CARD_SPACED.replace(/ /g, '+')};ssn=${SSN}` }));
  lines.push(base(i++, { path: `/v1/search?filter=${encodeURIComponent(JSON.stringify({ email: EMAIL, id: RID }))}` }));
  lines.push(base(i++, { path: `/v1/search?f=${encodeURIComponent(encodeURIComponent(E164))}&token=${JWT}&password=${encodeURIComponent(PASSWORD)}` }));
  lines.push(base(i++, { path: `/v1/search?ids=${CARD},${PHONE}&key=${AWS_KEY}` }));
  // Error messages, user agents and caller ids.
  lines.push(base(i++, { status: '500', errorMessage: `Customer ${PHONE_INTL} (${EMAIL}) card ${CARD_SPACED} IBAN ${IBAN} SSN ${SSN}: lookup failed` }));
  lines.push(base(i++, { userAgent: `Mozilla/5.0 ${E164} ${RID}`, principalId: EMAIL }));
  lines.push(base(i++, { principalId: PHONE, apiKeyId: E164_UK }));
  lines.push(base(i++, { principalId: `cognito:${EMAIL}`, apiKeyId: AWS_KEY, errorMessage: `Authorization: Bearer ${JWT}` }));
  // Oversized but parsed: a 17 KB user agent and error message with values before and after the cut.
  lines.push(base(i++, { userAgent: `python-requests/2.32.3 ${PHONE} ` + 'A'.repeat(17_000) + ` ${EMAIL}`, errorMessage: `${CARD} ` + 'x'.repeat(2000) + ` ${RID}` }));
  return lines;
}

/** Bad lines of every kind, each carrying values. */
function badLines(): string[] {
  const t = T0 + 900_000;
  const good = { requestId: 'bad', ip: '198.51.100.8', requestTimeEpoch: String(t), httpMethod: 'GET', path: `/v1/users/${PHONE}`, status: '200', userAgent: `ua ${EMAIL}` };
  // A broken subscription payload line: the gzip is cut short, so what it holds is only readable decoded.
  const payload = encodeSubscriptionPayload([{ id: '1', timestamp: t, message: JSON.stringify({ ...good, path: `/v1/cards/${CARD}`, errorMessage: `${E164} ${RID}` }) }]);
  return [
    JSON.stringify({ ...good, path: [`/v1/users/${PHONE}`], ip: E164 }), // wrong type
    JSON.stringify({ ...good, status: EMAIL }), // wrong type
    JSON.stringify({ ...good, requestId: { id: RID } }), // wrong type
    `{"requestId":"trunc","path":"/v1/users/${EMAIL}","errorMessage":"${CARD_SPACED}`, // not JSON
    `198.51.100.9 - ${EMAIL} [${clf(t)}] "GET /v1/cards/${CARD}?phone=${encodeURIComponent(E164)} HTTP/1.1" 200 512 "-" "curl/8.4 ${PHONE}"`, // CLF
    `ts=${iso(t)} path=/v1/kyc/${RID} phone="${PHONE_INTL}" card="${CARD_SPACED}" email=${encodeURIComponent(EMAIL)} iban=${IBAN} password=${PASSWORD}`, // key=value
    JSON.stringify({ ...good, requestTimeEpoch: '0', requestTime: '01/Jan/1970:00:00:00 +0000', errorMessage: `${SSN} ${AWS_KEY}` }), // 1970
    JSON.stringify({ ...good, requestTimeEpoch: '86400', path: `/v1/kyc/${RID}` }), // 1970 in seconds
    JSON.stringify({ ...good, requestTimeEpoch: String(Date.UTC(2099, 0, 1)), path: `/v2/PhoneNumbers/${E164}` }), // far future
    JSON.stringify({ requestId: 'miss', path: `/v1/users/${PHONE}`, userAgent: JWT }), // missing fields
    JSON.stringify({ ...good, path: `/v1/users/${IBAN}`, userAgent: `${E164_UK} ` + 'B'.repeat(300_000) }), // larger than a CloudWatch Logs event
    '[' + JSON.stringify({ ...good, principalId: EMAIL }) + ']', // not an object
    payload.subarray(0, payload.length - 12).toString('base64'), // undecodable: truncated gzip
    JSON.stringify({ messageType: 'SOMETHING', logEvents: [{ message: `${PHONE} ${EMAIL}` }] }), // undecodable: bad envelope
  ];
}

const files = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]));
const textOf = (buf: Buffer) => (buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf).toString() : buf.toString());
const leaks = (where: string, text: string, forms: readonly string[]) => forms.filter((n) => text.includes(n)).map((n) => `${n} in ${where}`);

describe('no raw sensitive value anywhere in what a run writes', () => {
  const forms = needles(VALUES);
  let dir: string;
  let input: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pii-tree-'));
    const { lines } = simulateTraffic({ seed: 9, hours: 1, rate: 30 });
    const mixed = [...lines.slice(0, 300), ...sensitiveLines(), ...lines.slice(300, 600), ...badLines(), ...lines.slice(600)];
    input = join(dir, 'in.ndjson');
    writeFileSync(input, mixed.join('\n') + '\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a file replay leaves none of them in any file of the lake, the alerts or the state store', async () => {
    // The input does carry every value, in every form the check looks for except the derived ones.
    const raw = readFileSync(input, 'utf8');
    for (const v of VALUES) expect(raw.includes(v) || raw.includes(encodeURIComponent(v)), v).toBe(true);
    const lake = join(dir, 'lake');
    const kv = new MemoryKeyValueStore();
    const metrics = new CountingMetrics();
    const h = createLocalHandler({ kv, blobs: new FileBlobStore(lake), alerts: new JsonlAlertSink(join(lake, 'alerts.jsonl')), metrics });
    await replayFile(input, h, { shards: 2 });

    const found: string[] = [];
    const written = files(lake);
    for (const f of written) found.push(...leaks(f.slice(lake.length), textOf(readFileSync(f)), forms));
    found.push(...leaks('the key-value store', JSON.stringify(kv.dump()), forms));
    expect(found).toEqual([]);

    // It was masked, not lost: the values are in the findings as tokens, and every bad line is in quarantine.
    expect(written.some((f) => f.includes('/quarantine/'))).toBe(true);
    const q = await queryLake(lake, 'SELECT reason, sample FROM quarantine');
    expect(q.rows.length).toBe(badLines().length);
    const samples = q.rows.map((r) => String(r.sample)).join('\n');
    for (const kind of ['cn_mobile', 'bank_card', 'cn_resident_id', 'email', 'e164_phone', 'iban', 'password']) expect(samples, kind).toContain(`*${kind}:`);
    const eps = await queryLake(lake, `SELECT DISTINCT template, sensitive_types FROM endpoints WHERE template LIKE '/v2/PhoneNumbers/%'`);
    expect(eps.rows.map((r) => String(r.sensitive_types))).toEqual([expect.stringContaining('e164_phone')]);
    expect(metrics.counts['FieldsTruncated.userAgent']).toBe(1);
    expect(metrics.counts['FieldsTruncated.errorMessage']).toBe(1);
  });

  it('the Lambda handler on dynalite, kinesalite and s3rver leaves none of them in S3, DynamoDB or SNS', async () => {
    let emu: Emulators | undefined;
    const sns = mockClient(SNSClient);
    try {
      emu = await startEmulators();
      const names = { table: 'apiscope-state', bucket: 'apiscope-findings', stream: 'apiscope-logs', shards: 1 };
      const c = createClients({ endpoints: emu.endpoints, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 2 });
      await provision(c, names);
      const lines = readFileSync(input, 'utf8').trim().split('\n');
      const payloads = [];
      for (let i = 0; i < lines.length; i += 100) {
        payloads.push({ data: encodeSubscriptionPayload(lines.slice(i, i + 100).map((m, j) => ({ id: String(i + j), timestamp: peekEventTime(m) || T0, message: m }))), partitionKey: String(i) });
      }
      await putPayloads(c.kinesis, names.stream, payloads);
      // Records that are no subscription payload: plain text, a gzip cut short, gzip of text that is not JSON.
      const full = encodeSubscriptionPayload([{ id: 'x', timestamp: T0, message: `card ${CARD} phone ${PHONE_INTL}` }]);
      const poison = [Buffer.from(`plain text ${EMAIL} ${IBAN} ${E164}`), full.subarray(0, full.length - 10), gzipSync(`not json ${RID} ${SSN}`)];
      await c.kinesis.send(new PutRecordsCommand({ StreamName: names.stream, Records: poison.map((Data, i) => ({ Data, PartitionKey: `p${i}` })) }));

      sns.on(PublishCommand).resolves({ MessageId: 'm' });
      const ports = { kv: new DynamoKeyValueStore(c.dynamodb, names.table), blobs: new S3BlobStore(c.s3, names.bucket), alerts: new SnsAlertPublisher(new SNSClient({ region: 'us-east-1' }), 'arn:aws:sns:us-east-1:000000000000:alerts'), metrics: new CountingMetrics() };
      const h = createLocalHandler(ports);
      await new KinesisPoller(c.kinesis, names.stream, 'analyze', h, 1000).pollOnce();
      const e = await h.engine();
      while ((await e.closeReady({ force: true, max: Infinity })) > 0);
      await e.finish();

      const found: string[] = [];
      const keys = await ports.blobs.list('');
      for (const k of keys) found.push(...leaks(k, textOf(Buffer.from((await ports.blobs.get(k))!)), forms));
      found.push(...leaks('DynamoDB', JSON.stringify((await c.dynamodb.send(new ScanCommand({ TableName: names.table }))).Items), forms));
      found.push(...leaks('SNS', JSON.stringify(sns.commandCalls(PublishCommand).map((call) => call.args[0].input)), forms));
      expect(found).toEqual([]);
      expect(ports.metrics.counts.EventsIn).toBe(lines.length - badLines().length);
      expect(Object.entries(ports.metrics.counts).filter(([k]) => k.startsWith('RecordsRejected.')).reduce((n, [, v]) => n + v, 0)).toBe(badLines().length + poison.length);
      // The undecodable records are in quarantine as masked text of what they held.
      const quarantine = keys.filter((k) => k.startsWith('quarantine/'));
      const samples = (await Promise.all(quarantine.map(async (k) => textOf(Buffer.from((await ports.blobs.get(k))!))))).join('\n');
      for (const kind of ['email', 'iban', 'e164_phone', 'bank_card', 'cn_resident_id', 'us_ssn']) expect(samples, kind).toContain(`*${kind}:`);
    } finally {
      sns.restore();
      await emu?.stop();
    }
  }, 60_000);
});
