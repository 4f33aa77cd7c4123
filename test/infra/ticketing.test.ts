import { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/config/env.ts';
import type { ApiscopeStack } from '../../infra/apiscopeStack.ts';
import { parseConfig } from '../../infra/config.ts';
import { policyOf, templateOf } from './synth.ts';

const TICKETS = { connector: 'jira', baseUrl: 'https://bank.atlassian.net', project: 'SEC', minSeverity: 'high' };
let template: Template;
let stack: ApiscopeStack;
const id = (c: IConstruct) => stack.getLogicalId((CfnElement.isCfnElement(c) ? c : c.node.defaultChild) as CfnElement);

beforeAll(() => {
  ({ template, stack } = templateOf({ apiscope: { logGroupNames: ['/aws/apigateway/orders-access'], tickets: TICKETS } }));
});

describe('ticket connector', () => {
  it('subscribes functions/tickets to the alert topic for defect alerts and resolved notifications only, with a dead-letter queue', () => {
    const t = stack.ticketing!;
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: id(stack.alerts.alertTopic) },
      Endpoint: { 'Fn::GetAtt': [id(t.function.fn), 'Arn'] },
      FilterPolicy: { kind: ['defect', 'defect_resolved'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [id(t.deadLetters), 'Arn'] } },
    });
    // What the function fails after Lambda's two asynchronous retries lands in the same queue.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: id(t.function.fn) }, MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 });
    template.hasResourceProperties('AWS::Lambda::Function', { DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [id(t.deadLetters), 'Arn'] } } });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [id(t.deadLetterKey), 'Arn'] }, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SQS', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id(t.deadLetters), 'QueueName'] } }], AlarmActions: [{ Ref: id(stack.alerts.opsTopic) }] });
  });

  it('keeps the credentials in a Secrets Manager secret that the function reads, with only its ARN and the settings in the environment', () => {
    const t = stack.ticketing!;
    template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{}' }) });
    const env = template.toJSON().Resources[id(t.function.fn)].Properties.Environment.Variables;
    expect(env[ENV.ticketsSecretArn]).toEqual({ Ref: id(t.secret) });
    expect(JSON.parse(env[ENV.tickets])).toEqual(parseConfig({ logGroupNames: ['/x'], tickets: TICKETS }).tickets);
    expect(JSON.stringify(env)).not.toMatch(/apiToken|password|token"/i);
    const perms = policyOf(template, id(t.function.role));
    expect(perms.filter((p) => p.action.startsWith('secretsmanager:')).map((p) => p.resource)).toEqual(expect.arrayContaining([JSON.stringify({ Ref: id(t.secret) })]));
    // The API function reads the same secret for on-demand tickets.
    expect(policyOf(template, id(stack.findingsApi!.function.role)).some((p) => p.action === 'secretsmanager:GetSecretValue' && p.resource === JSON.stringify({ Ref: id(t.secret) }))).toBe(true);
  });

  it('may read and write only the triage items, send to its dead-letter queue, and nothing else', () => {
    const t = stack.ticketing!;
    const perms = policyOf(template, id(t.function.role));
    const actions = new Set(perms.map((p) => p.action));
    for (const a of actions) expect(a).not.toMatch(/^(s3|athena|sns|kinesis):|dynamodb:(Scan|DeleteItem|UpdateItem)|\*/);
    expect(perms.filter((p) => p.action.startsWith('sqs:')).every((p) => p.resource === JSON.stringify({ 'Fn::GetAtt': [id(t.deadLetters), 'Arn'] }))).toBe(true);
    const roleId = id(t.function.role);
    const ddb = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((st: any) => [st.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    expect(ddb).toHaveLength(1);
    expect(ddb[0].Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['TRIAGE#defect', 'TRIAGE#incident'] } });
  });

  it('is not deployed without the tickets option', () => {
    const plain = templateOf({ apiscope: { logGroupNames: ['/aws/apigateway/orders-access'] } });
    expect(plain.stack.ticketing).toBeUndefined();
    plain.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });
});

describe('tickets config', () => {
  it.each([
    [{ connector: 'jira', baseUrl: 'https://bank.atlassian.net', project: 'sec' }, 'tickets.project: must be the Jira project key, e.g. SEC (connector jira)'],
    [{ connector: 'tapd', baseUrl: 'https://api.tapd.cn', project: 'ws1' }, 'tickets.project: must be the TAPD workspace id (digits), e.g. 20355782 (connector tapd)'],
    [{ connector: 'github', baseUrl: 'http://api.github.com', project: 'bank/findings' }, 'tickets.baseUrl: must be https for github'],
    [{ connector: 'servicenow', baseUrl: 'https://x.example' }, 'tickets.connector: must be one of jira, tapd, github, webhook'],
    [{ connector: 'webhook', baseUrl: 'https://hooks.bank.example/apiscope', minSeverity: 'urgent' }, 'tickets.minSeverity: must be one of info, low, medium, high, critical'],
  ])('refuses %j naming the field', (tickets, message) => {
    expect(() => parseConfig({ logGroupNames: ['/x'], tickets })).toThrow(message);
  });
});
