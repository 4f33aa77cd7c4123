import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../cli/replay.ts';
import { openLake } from '../../local/lakeQuery.ts';
import { simulateTraffic } from '../../local/simulator.ts';
import { ENV } from '../../shared/config/env.ts';
import { REPO_ROOT } from '../../infra/apiscopeApp.ts';
import { fakeAthenaOnDuckDb } from '../support/duckdbAthena.ts';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startEmulators, type Emulators } from '../../local/emulators.ts';
import { DynamoTriageStore } from '../../adapters/dynamoTriageStore.ts';
import { BAD_REQUESTS } from './badRequests.ts';

/**
 * The findings API's Lambda entry point (functions/api/index.ts) as API Gateway runs it: the exported middy
 * handler, HTTP API payload format 2.0 events of the deployed routes, the real Athena query runner, and Athena
 * answered from DuckDB over a replayed lake in Athena's wire format (all values as text, typed by the column
 * metadata).
 */
type Handler = (event: APIGatewayProxyEventV2WithIAMAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const doc = parse(readFileSync(join(REPO_ROOT, 'docs/openapi.yaml'), 'utf8'));
let emu: Emulators;
let dynamodb: DynamoDBClient;
let dir: string;
let handler: Handler;
let athena: ReturnType<typeof fakeAthenaOnDuckDb>;
let close: () => void;

beforeAll(async () => {
  process.env[ENV.athenaWorkGroup] = 'Apiscope-findings';
  process.env[ENV.glueDatabase] = 'apiscope_findings';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  // Triage lives in the state table: dynalite through the real client (the SDK reads its endpoint from env).
  emu = await startEmulators();
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: emu.endpoints.dynamodb, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local', [ENV.table]: 'apiscope-state' });
  dynamodb = new DynamoDBClient({});
  await dynamodb.send(new CreateTableCommand({
    TableName: 'apiscope-state', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  }));
  dir = mkdtempSync(join(tmpdir(), 'api-handler-'));
  writeFileSync(join(dir, 'in.ndjson'), simulateTraffic({ seed: 4, hours: 3, rate: 30 }).lines.join('\n'));
  await runReplay({ input: join(dir, 'in.ndjson'), out: join(dir, 'lake'), shards: 1, quiet: true });
  const lake = await openLake(join(dir, 'lake'));
  close = lake.close;
  athena = fakeAthenaOnDuckDb(lake.con, { pageSize: 7 });
  ({ handler } = (await import('../../functions/api/index.ts')) as unknown as { handler: Handler });
});
afterAll(async () => {
  await emu?.stop();
  athena?.fake.restore();
  close?.();
  rmSync(dir, { recursive: true, force: true });
});

const context = {
  functionName: 'Apiscope-FindingsApiFn', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:Apiscope-FindingsApiFn',
  memoryLimitInMB: '512', awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', logGroupName: '/aws/lambda/Apiscope-FindingsApiFn', logStreamName: '2026/11/23/[$LATEST]abc',
  callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 29_000, done: () => {}, fail: () => {}, succeed: () => {},
} as Context;

/** An HTTP API (payload 2.0) event as API Gateway sends it for a signed GET on route `route` of stage v1. */
function httpApiEvent(route: string, query: Record<string, string> = {}, pathParameters: Record<string, string> = {}, method = 'GET', body?: string): APIGatewayProxyEventV2WithIAMAuthorizer {
  const path = `/v1${route.replace(/\{(\w+)\}/g, (_, p: string) => pathParameters[p]!)}`;
  const rawQueryString = new URLSearchParams(query).toString();
  return {
    version: '2.0',
    routeKey: `${method} ${route}`,
    rawPath: path,
    ...(body !== undefined ? { body: Buffer.from(body).toString('base64') } : {}),
    rawQueryString,
    headers: { host: 'abc123def4.execute-api.eu-west-1.amazonaws.com', 'user-agent': 'awscurl/0.36', 'x-amz-date': '20261123T101500Z', 'x-forwarded-for': '203.0.113.9' },
    // API Gateway leaves these keys out when there is nothing in them.
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: '111122223333',
      apiId: 'abc123def4',
      authorizer: {
        iam: {
          accessKey: 'ASIAEXAMPLE', accountId: '111122223333', callerId: 'AROAEXAMPLE:analyst', cognitoIdentity: null as never,
          principalOrgId: 'o-example', userArn: 'arn:aws:sts::111122223333:assumed-role/SecurityAnalyst/analyst', userId: 'AROAEXAMPLE:analyst',
        },
      },
      domainName: 'abc123def4.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123def4',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'awscurl/0.36' },
      requestId: 'Xyz12abcFiAEMxw=',
      routeKey: `${method} ${route}`,
      stage: 'v1',
      time: '23/Nov/2026:10:15:00 +0000',
      timeEpoch: 1795428900000,
    },
    // API Gateway base64-encodes bodies it does not know to be text.
    isBase64Encoded: body !== undefined,
  };
}

async function get(route: string, query: Record<string, string> = {}, pathParameters: Record<string, string> = {}) {
  const r = await handler(httpApiEvent(route, query, pathParameters), context);
  expect(r.headers).toEqual({ 'content-type': 'application/json', 'cache-control': 'no-store' });
  return { status: r.statusCode, body: JSON.parse(r.body as string) };
}

/** Checks one answer item against the documented schema: each property present has the documented JSON type. */
function expectDocumentedTypes(item: Record<string, unknown>, schemaName: string): void {
  const schema = doc.components.schemas[schemaName];
  for (const key of schema.required ?? []) expect(item, `${schemaName}.${key} is required`).toHaveProperty(key);
  for (const [key, prop] of Object.entries(schema.properties as Record<string, { type?: string; $ref?: string; items?: { type: string } }>)) {
    const v = item[key];
    if (v === null || v === undefined) continue;
    const type = prop.$ref ? (doc.components.schemas[prop.$ref.split('/').pop()!].type ?? 'string') : prop.type;
    const where = `${schemaName}.${key} = ${JSON.stringify(v)}`;
    if (type === 'integer') expect(Number.isInteger(v), where).toBe(true);
    else if (type === 'array') {
      expect(Array.isArray(v), where).toBe(true);
      for (const e of v as unknown[]) expect(typeof e, where).toBe(prop.items!.type === 'integer' ? 'number' : prop.items!.type);
    } else expect(typeof v, where).toBe(type);
  }
}

describe('functions/api handler (HTTP API event -> Athena on DuckDB -> JSON)', () => {
  it('answers a page of endpoints with the documented types and a token that continues it', async () => {
    const first = await get('/endpoints', { limit: '3' });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(3);
    for (const e of first.body.items) expectDocumentedTypes(e, 'Endpoint');
    expect(first.body.items.some((e: any) => Object.keys(e.param_types ?? {}).length > 0)).toBe(true);
    const second = await get('/endpoints', { limit: '3', nextToken: first.body.nextToken });
    expect(second.status).toBe(200);
    const key = (e: any) => `${e.domain_name} ${e.method} ${e.template}`;
    const all = await get('/endpoints', { limit: '500' });
    // Longer than one Athena result page (7 rows here): the runner follows NextToken.
    expect(all.body.items.length).toBeGreaterThan(7);
    expect([...first.body.items, ...second.body.items].map(key)).toEqual(all.body.items.slice(0, 6).map(key));
    // Every query ran in the configured workgroup and database.
    for (const q of athena.executions()) expect([q.workGroup, q.database]).toEqual(['Apiscope-findings', 'apiscope_findings']);
  });

  it('answers defects most severe first, and one defect by its id', async () => {
    const list = await get('/defects', { limit: '500' });
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    const rank = ['critical', 'high', 'medium', 'low', 'info'];
    const ranks = list.body.items.map((d: any) => rank.indexOf(d.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    for (const d of list.body.items) expectDocumentedTypes(d, 'Defect');
    const one = await get('/defects/{defectId}', {}, { defectId: list.body.items[0].defect_id });
    expect(one).toEqual({ status: 200, body: { ...list.body.items[0], triage: { ...list.body.items[0].triage, history: [] } } });
    expect(await get('/defects/{defectId}', {}, { defectId: 'no-such-defect' })).toEqual({ status: 404, body: { message: 'no defect no-such-defect' } });
  });

  it('answers risk events of a day above a score, and the profile of one of those actors', async () => {
    // The simulated traffic's day.
    const days = await get('/risk-events', { date: '2026-11-23', minScore: '60' });
    expect(days.status).toBe(200);
    const events = days.body.items;
    expect(events.length).toBeGreaterThan(0);
    for (const r of events) {
      expectDocumentedTypes(r, 'RiskEvent');
      expect(r.score).toBeGreaterThanOrEqual(60);
    }
    const actor = events[0];
    const prof = await get('/actors/{actorType}/{actor}', {}, { actorType: actor.actor_type, actor: encodeURIComponent(actor.actor) });
    expect(prof.status).toBe(200);
    expect([prof.body.actor_type, prof.body.actor]).toEqual([actor.actor_type, actor.actor]);
    expect(prof.body.recent_risk_events.length).toBeGreaterThan(0);
    for (const r of prof.body.recent_risk_events) {
      expect(Number.isInteger(r.score)).toBe(true);
      expect(Array.isArray(r.detectors)).toBe(true);
    }
  });

  it('records the IAM caller of a PATCH as who changed the triage, in DynamoDB', async () => {
    const id = (await get('/defects', { limit: '1' })).body.items[0].defect_id;
    const r = await handler(httpApiEvent('/defects/{defectId}', {}, { defectId: id }, 'PATCH', JSON.stringify({ status: 'acknowledged', owner: 'team-cards' })), context);
    expect(r.statusCode).toBe(200);
    const arn = 'arn:aws:sts::111122223333:assumed-role/SecurityAnalyst/analyst';
    expect(JSON.parse(r.body as string)).toMatchObject({ status: 'acknowledged', owner: 'team-cards', updatedBy: arn });
    const stored = (await new DynamoTriageStore(dynamodb, 'apiscope-state').get('defect', id))!;
    expect(stored.history.map((h) => [h.by, h.field, h.to])).toEqual([[arn, 'status', 'acknowledged'], [arn, 'owner', 'team-cards']]);
    expect((await get('/defects', { triageStatus: 'acknowledged' })).body.items.map((d: any) => d.defect_id)).toEqual([id]);
    const bad = await handler(httpApiEvent('/defects/{defectId}', {}, { defectId: id }, 'PATCH', '{"status":"done"}'), context);
    expect([bad.statusCode, JSON.parse(bad.body as string).message]).toEqual([400, 'status: must be one of open, acknowledged, in_progress, accepted_risk, false_positive, fixed']);
  });

  it('answers every bad request 400 with its message, before any query runs', async () => {
    const before = athena.executions().length;
    for (const [route, query, path, message] of BAD_REQUESTS) {
      expect(await get(route, query, path), `${route} ${JSON.stringify({ ...query, ...path })}`).toEqual({ status: 400, body: { message } });
    }
    expect(athena.executions().length).toBe(before);
  });

  it('fails the invocation (API Gateway answers 500, the 5xx alarm counts it) when Athena fails the query', async () => {
    athena.failNextQuery('TABLE_NOT_FOUND: line 1:15: Table awsdatacatalog.apiscope_findings.endpoints does not exist');
    await expect(handler(httpApiEvent('/endpoints'), context)).rejects.toThrow(/query q-\d+ FAILED: TABLE_NOT_FOUND/);
    expect((await get('/endpoints', { limit: '1' })).status).toBe(200);
  });
});
