import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoTriageStore } from '../../adapters/dynamoTriageStore.ts';
import { startEmulators, type Emulators } from '../../local/emulators.ts';
import { buildAlert } from '../../shared/check/buildAlert.ts';
import { renderAlert } from '../../shared/emit/renderAlert.ts';
import { ENV } from '../../shared/config/env.ts';
import { jiraServer } from './contractServers.ts';

/**
 * functions/tickets as Lambda runs it: an SNS event from the alert topic, triage on dynalite through the real
 * client, the Jira contract server, and the credentials secret (Secrets Manager has no emulator here, so its
 * one GetSecretValue is answered by aws-sdk-client-mock).
 */
const creds = { email: 'apiscope-bot@bank.example', apiToken: 'ATATT3xFfGF0-test' };
let emu: Emulators;
let jira: Awaited<ReturnType<typeof jiraServer>>;
let handler: (e: SNSEvent, c: Context) => Promise<void>;
const secrets = mockClient(SecretsManagerClient);

const snsEvent = (message: string, kind: string): SNSEvent => ({
  Records: [{
    EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: 'arn:aws:sns:eu-west-1:111122223333:alerts:sub',
    Sns: { Type: 'Notification', MessageId: 'm-1', TopicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts', Subject: 'x', Message: message, Timestamp: '2026-11-23T10:05:00.000Z', SignatureVersion: '1', Signature: '', SigningCertUrl: '', UnsubscribeUrl: '', MessageAttributes: { kind: { Type: 'String', Value: kind } } },
  }],
});
const context = { functionName: 'tickets', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

beforeAll(async () => {
  emu = await startEmulators();
  jira = await jiraServer(creds);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: emu.endpoints.dynamodb, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local', POWERTOOLS_LOG_LEVEL: 'SILENT',
    [ENV.table]: 'apiscope-state', [ENV.ticketsSecretArn]: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:apiscope-tickets-AbCdEf',
    [ENV.tickets]: JSON.stringify({ connector: 'jira', baseUrl: jira.url, project: 'SEC', minSeverity: 'high', onResolve: 'close', issueType: 'Bug', closeStatus: 'resolved' }),
  });
  await new DynamoDBClient({}).send(new CreateTableCommand({
    TableName: 'apiscope-state', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  }));
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(creds) });
  ({ handler } = (await import('../../functions/tickets/index.ts')) as unknown as { handler: typeof handler });
});
afterAll(async () => { secrets.restore(); await jira?.close(); await emu?.stop(); });

describe('functions/tickets handler', () => {
  it('opens a Jira issue for a defect alert, stores the link in DynamoDB, and closes it on defect_resolved', async () => {
    const alert = buildAlert({
      id: 'aa11bb22cc33dd44', type: 'unauthenticated_access', domain: 'api.bank.example', method: 'GET', template: '/v1/accounts/{id}', severity: 'critical', owasp: 'API2:2023',
      title: 'Endpoint answers without authentication', fix: 'Require auth.', status: 'open', generation: 1, firstSeen: Date.parse('2026-11-23T09:00:00Z'), lastSeen: Date.parse('2026-11-23T10:00:00Z'),
      occurrences: 12, evidence: {}, history: [], lastRowAt: 0, lastRowOccurrences: 0,
    });
    await handler(snsEvent(renderAlert(alert).message, 'defect'), context);
    const store = new DynamoTriageStore(new DynamoDBClient({}), 'apiscope-state');
    const ticket = (await store.get('defect', 'aa11bb22cc33dd44'))!.ticket!;
    expect(ticket).toMatchObject({ system: 'jira', key: 'SEC-1', state: 'open' });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    await handler(snsEvent(JSON.stringify({ kind: 'defect_resolved', severity: 'critical', dedupKey: 'aa11bb22cc33dd44#1#resolved', defectId: 'aa11bb22cc33dd44', lastSeen: '2026-11-23T10:00:00.000Z', generation: 1 }), 'defect_resolved'), context);
    expect(jira.issues.get('SEC-1')!.status).toBe('Done');
    expect((await store.get('defect', 'aa11bb22cc33dd44'))!.ticket!.state).toBe('closed');
    expect(jira.violations).toEqual([]);
  });

  it('fails the invocation when Jira stays down, so Lambda retries it and then dead-letters it', async () => {
    jira.failNext(...Array(5).fill({ status: 503, body: { errorMessages: ['down'] } }));
    const alert = { kind: 'defect', severity: 'high', dedupKey: 'ee55ff66aa77bb88#1', defectId: 'ee55ff66aa77bb88', what: 'x', where: { domain: 'd', method: 'GET', template: '/t' } };
    await expect(handler(snsEvent(JSON.stringify(alert), 'defect'), context)).rejects.toThrow(/jira create: failed 5 times, last 503/);
  }, 60_000);
});
