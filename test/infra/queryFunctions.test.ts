import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/config/env.ts';
import { lakeTable } from '../../shared/api/readHandlers.ts';
import { accessLogFormatString } from '../../shared/normalize/accessLogFormat.ts';
import { REPO_ROOT } from '../../infra/apiscopeApp.ts';
import type { ApiscopeStack } from '../../infra/apiscopeStack.ts';
import { FINDINGS_API_ROUTES, FINDINGS_API_STAGE } from '../../infra/constructs/findingsApi.ts';
import { policyOf, templateOf } from './synth.ts';

let template: Template;
let stack: ApiscopeStack;
const id = (c: IConstruct) => stack.getLogicalId((CfnElement.isCfnElement(c) ? c : c.node.defaultChild) as CfnElement);

beforeAll(() => {
  ({ template, stack } = templateOf({ apiscope: { logGroupNames: ['/aws/apigateway/orders-access'], alertEmail: 'soc@bank.example' } }));
});

describe('daily report', () => {
  it('runs functions/report every day at 06:00 UTC and alarms to the ops topic when it fails', () => {
    const report = stack.report!;
    expect(report).toBeDefined();
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id(report.function.fn), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 7200 } })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          [ENV.alertTopicArn]: { Ref: id(stack.alerts.alertTopic) },
          [ENV.athenaWorkGroup]: { Ref: id(stack.lake.workGroup) },
          [ENV.glueDatabase]: stack.lake.databaseName,
        }),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: id(report.function.fn) } }],
      AlarmActions: [{ Ref: id(stack.alerts.opsTopic) }],
    });
  });

  it('may query the lake, write reports/ and publish alerts, and nothing else', () => {
    const perms = policyOf(template, id(stack.report!.function.role));
    const actions = new Set(perms.map((p) => p.action));
    expect(actions.has('athena:StartQueryExecution')).toBe(true);
    expect(actions.has('sns:Publish')).toBe(true);
    for (const a of actions) expect(a).not.toMatch(/dynamodb:|sqs:|kinesis:|s3:Delete|\*/);
    const puts = perms.filter((p) => p.action === 's3:PutObject').map((p) => p.resource);
    for (const r of puts) expect(r).toMatch(/\/(reports|athena-results)\/\*/);
  });
});

describe('findings and triage API', () => {
  const apiRef = () => ({ Ref: id(stack.findingsApi!.api) });

  it('is an HTTP API exposing exactly the documented routes, GET for findings, PATCH for triage, POST for tickets, all with IAM authorization', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { ApiId: apiRef() } })) as any[];
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(FINDINGS_API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    expect(routes.map((r) => r.Properties.RouteKey)).toEqual(expect.arrayContaining(['PATCH /defects/{defectId}', 'PATCH /incidents/{incidentId}', 'POST /defects/{defectId}/ticket', 'GET /file-assets', 'GET /endpoint-changes', 'GET /openapi/{domain}']));
    for (const r of routes) expect(r.Properties.AuthorizationType, r.Properties.RouteKey).toBe('AWS_IAM');
    // No catch-all route: anything else is answered 404 by API Gateway without invoking the function.
    expect(routes.some((r) => /\$default|\{proxy\+\}|^ANY /.test(r.Properties.RouteKey))).toBe(false);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      ApiId: apiRef(),
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [id(stack.findingsApi!.function.fn), 'Arn'] },
    });
  });

  it('needs no account-wide API Gateway CloudWatch role and does not set one', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    // REST API stages with logging are what need that role; the findings API has none.
    template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    template.resourceCountIs('AWS::ApiGateway::Stage', 0);
    const roles = Object.values(template.findResources('AWS::IAM::Role')) as any[];
    expect(JSON.stringify(roles.map((r) => r.Properties.AssumeRolePolicyDocument))).not.toContain('apigateway.amazonaws.com');
  });

  it('alarms to the ops topic on 5xx answers of the v1 stage', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5xx',
      Namespace: 'AWS/ApiGateway',
      Dimensions: Match.arrayWith([{ Name: 'ApiId', Value: apiRef() }, { Name: 'Stage', Value: FINDINGS_API_STAGE }]),
      AlarmActions: [{ Ref: id(stack.alerts.opsTopic) }],
    });
  });

  it('logs access in the recommended HTTP API format and throttles the stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: apiRef(),
      StageName: FINDINGS_API_STAGE,
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [id(stack.findingsApi!.accessLog), 'Arn'] }, Format: accessLogFormatString('http') },
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
  });

  it('runs a function that can only query the lake and read and write the triage items of the state table', () => {
    const perms = policyOf(template, id(stack.findingsApi!.function.role));
    expect(perms.some((p) => p.action === 'athena:StartQueryExecution')).toBe(true);
    for (const p of perms) {
      expect(p.action).not.toMatch(/dynamodb:(Scan|DeleteItem|UpdateItem|BatchWriteItem|Transact|.*Table)|sns:|sqs:|kinesis:|s3:Delete|\*/);
      if (p.action === 's3:PutObject') expect(p.resource).toMatch(/\/athena-results\/\*/);
    }
    const ddb = perms.filter((p) => p.action.startsWith('dynamodb:'));
    expect(new Set(ddb.map((p) => p.action))).toEqual(new Set(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem']));
    for (const p of ddb) expect(p.resource).toBe(JSON.stringify({ 'Fn::GetAtt': [id(stack.state.table), 'Arn'] }));
    // Every DynamoDB statement is limited to the triage partitions: the engine's items in the same table stay out of reach.
    const roleId = id(stack.findingsApi!.function.role);
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((st: any) => [st.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    expect(statements.length).toBeGreaterThan(0);
    for (const st of statements) expect(st.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['TRIAGE#defect', 'TRIAGE#incident'] } });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ [ENV.table]: { Ref: id(stack.state.table) } }) }, Description: 'apiscope api: findings and triage API' });
  });

  it('reads the OpenAPI exports (openapi/ of the lake bucket) and no other object it could not read through Athena', () => {
    const perms = policyOf(template, id(stack.findingsApi!.function.role));
    const bucketArn = { 'Fn::GetAtt': [id(stack.lake.bucket), 'Arn'] };
    const exports = JSON.stringify({ 'Fn::Join': ['', [bucketArn, '/openapi/*']] });
    expect(perms.filter((p) => p.resource === exports).map((p) => p.action)).toEqual(['s3:GetObject']);
    // Listing only that prefix: a domain without an export is S3's 404 (the API's 404), not a 403.
    const roleId = id(stack.findingsApi!.function.role);
    const lists = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((st: any) => [st.Action].flat().includes('s3:ListBucket'));
    expect(lists.flatMap((st: any) => [st.Condition.StringLike['s3:prefix']].flat())).toContain('openapi/*');
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ [ENV.bucket]: { Ref: id(stack.lake.bucket) } }) }, Description: 'apiscope api: findings and triage API' });
  });

  it('has a reader policy that only invokes GET routes and a triager policy that also invokes the PATCH and POST ones', () => {
    const statementsOf = (p: IConstruct) => template.toJSON().Resources[id(p)].Properties.PolicyDocument.Statement;
    const reader = statementsOf(stack.findingsApi!.readerPolicy);
    expect(reader).toHaveLength(1);
    expect(reader[0].Action).toBe('execute-api:Invoke');
    expect(reader[0].Resource).toHaveLength(FINDINGS_API_ROUTES.filter((r) => r.method === 'GET').length);
    for (const r of reader[0].Resource) expect(JSON.stringify(r)).toContain(`/${FINDINGS_API_STAGE}/GET/`);
    const triager = statementsOf(stack.findingsApi!.triagerPolicy);
    const methods = triager[0].Resource.map((r: unknown) => /\/v1\/(GET|PATCH|POST)\//.exec(JSON.stringify(r))![1]);
    expect(methods.sort()).toEqual(FINDINGS_API_ROUTES.map((r) => r.method).sort());
  });

  describe('docs/openapi.yaml', () => {
    const doc = parse(readFileSync(join(REPO_ROOT, 'docs/openapi.yaml'), 'utf8'));

    it('documents every route and method with its parameters, SigV4 for all', () => {
      expect([...new Set(Object.keys(doc.paths))].sort()).toEqual([...new Set(FINDINGS_API_ROUTES.map((r) => r.path))].sort());
      expect(doc.security).toEqual([{ sigv4: [] }]);
      expect(doc.components.securitySchemes.sigv4['x-amazon-apigateway-authtype']).toBe('awsSigv4');
      for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
        expect(Object.keys(item).map((m) => m.toUpperCase()).sort(), path).toEqual(FINDINGS_API_ROUTES.filter((r) => r.path === path).map((r) => r.method).sort());
      }
      for (const route of FINDINGS_API_ROUTES) {
        const op = doc.paths[route.path][route.method.toLowerCase()];
        const params = (op.parameters ?? []).map((p: any) => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()] : p));
        expect(params.filter((p: any) => p.in === 'query').map((p: any) => p.name).sort()).toEqual([...route.query].sort());
        expect(params.filter((p: any) => p.in === 'path').map((p: any) => p.name)).toEqual([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
        if (route.method !== 'GET') expect(Object.keys(op.responses), `${route.method} ${route.path}`).toEqual(expect.arrayContaining(['403']));
      }
    });

    it('documents the triage statuses and the change body the API validates', async () => {
      const { TRIAGE_STATUSES, MAX_NOTE, MAX_OWNER } = await import('../../shared/triage/model.ts');
      expect(doc.components.schemas.TriageStatus.enum).toEqual([...TRIAGE_STATUSES]);
      const change = doc.components.schemas.TriageChange;
      expect(Object.keys(change.properties)).toEqual(['status', 'owner', 'note']);
      expect([change.additionalProperties, change.properties.note.maxLength, change.properties.owner.maxLength]).toEqual([false, MAX_NOTE, MAX_OWNER]);
    });

    it('describes items with the columns of the findings tables', () => {
      const tableOf: Record<string, string> = { Endpoint: 'endpoints', Defect: 'defects', RiskEvent: 'risk_events', Actor: 'actors', FileAsset: 'file_assets', EndpointChange: 'endpoint_changes' };
      for (const [schemaName, table] of Object.entries(tableOf)) {
        // Plus the triage state the API merges in.
        const columns = [...lakeTable(table).columns.map((c) => c.name), 'triage'];
        for (const prop of Object.keys(doc.components.schemas[schemaName].properties)) {
          expect(columns, `${schemaName}.${prop}`).toContain(prop);
        }
      }
    });
  });
});
