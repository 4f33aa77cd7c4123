import { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/config/env.ts';
import { TABLES } from '../../shared/emit/tableSchemas.ts';
import { accessLogFormatString } from '../../shared/normalize/accessLogFormat.ts';
import { BYTES_SCANNED_CUTOFF } from '../../infra/constructs/findingsLake.ts';
import { FINDINGS_QUERIES } from '../../infra/constructs/findingsQueries.ts';
import { ApiscopeStack } from '../../infra/apiscopeStack.ts';
import { parseConfig } from '../../infra/config.ts';
import { DEMO_ROUTES, demoHandlerSource } from '../../infra/constructs/demoApi.ts';
import { buildTestApp, FIXTURE_CODE, policyOf, templateOf } from './synth.ts';

const CONFIG = {
  shardCount: 2,
  logGroupNames: ['/aws/apigateway/orders-access', 'API-Gateway-Access-Logs_payments/prod'],
  createDemoApi: true,
  alertEmail: 'soc@bank.example',
  minAlertSeverity: 'medium',
  retentionDays: 365,
  rulesUri: 's3://apiscope-config/rules.yaml',
  specUri: 's3://apiscope-config/openapi.yaml',
  reputationUri: 's3://apiscope-config/reputation.json',
  overridesUri: 's3://apiscope-config/overrides.yaml',
  fieldMapping: { ip: 'sourceIp' },
};

/**
 * The `$context` variables of HTTP API access logs, from the API Gateway developer guide ("Customize HTTP API
 * access logs"), less the client-certificate and Cognito ones apiscope never logs.
 */
const HTTP_API_LOG_VARIABLES = [
  '$context.accountId', '$context.apiId', '$context.authorizer.error', '$context.authorizer.principalId', '$context.awsEndpointRequestId',
  '$context.dataProcessed', '$context.domainName', '$context.domainPrefix', '$context.error.message', '$context.error.messageString',
  '$context.error.responseType', '$context.extendedRequestId', '$context.httpMethod', '$context.identity.accountId', '$context.identity.caller',
  '$context.identity.principalOrgId', '$context.identity.sourceIp', '$context.identity.user', '$context.identity.userAgent', '$context.identity.userArn',
  '$context.integrationErrorMessage', '$context.integrationLatency', '$context.integrationStatus', '$context.path', '$context.protocol',
  '$context.requestId', '$context.requestTime', '$context.requestTimeEpoch', '$context.responseLatency', '$context.responseLength',
  '$context.routeKey', '$context.stage', '$context.status',
];

let template: Template;
let stack: ApiscopeStack;
const logicalId = (c: IConstruct) => stack.getLogicalId((CfnElement.isCfnElement(c) ? c : c.node.defaultChild) as CfnElement);

beforeAll(() => {
  ({ template, stack } = templateOf({ apiscope: CONFIG }));
});

describe('ingest stream', () => {
  it('is a provisioned Kinesis stream encrypted with its own rotating KMS key', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 2,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [logicalId(stack.ingest.key), 'Arn'] } },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: Match.stringLikeRegexp('ingest Kinesis') });
  });

  it('subscribes every configured log group and the demo API log to the stream', () => {
    const streamArn = { 'Fn::GetAtt': [logicalId(stack.ingest.stream), 'Arn'] };
    const roleArn = { 'Fn::GetAtt': [logicalId(stack.ingest.subscriptionRole), 'Arn'] };
    for (const name of CONFIG.logGroupNames) {
      template.hasResourceProperties('AWS::Logs::SubscriptionFilter', { LogGroupName: name, DestinationArn: streamArn, RoleArn: roleArn, FilterPattern: '' });
    }
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: { Ref: logicalId(stack.ingest.demoApi!.accessLog) },
      DestinationArn: streamArn,
    });
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 3);
  });

  it('names its subscription filters after the stack, so two stacks can subscribe the same log group', () => {
    const app = buildTestApp({ apiscope: { logGroupNames: ['/aws/apigateway/orders-access'] } }).app;
    const second = new ApiscopeStack(app, 'ApiscopePayments', { config: parseConfig({ logGroupNames: ['/aws/apigateway/orders-access'] }), code: FIXTURE_CODE });
    const names = [stack, second].map((s) =>
      (Object.values(Template.fromStack(s).findResources('AWS::Logs::SubscriptionFilter')) as any[]).map((f) => f.Properties.FilterName),
    );
    expect(names[0]).toEqual(['apiscope-Apiscope', 'apiscope-Apiscope', 'apiscope-Apiscope']);
    expect(names[1]).toEqual(['apiscope-ApiscopePayments']);
  });

  it('lets only CloudWatch Logs of this account put records, with no wildcard actions', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'logs.amazonaws.com' }, Condition: Match.objectLike({ StringEquals: Match.anyValue() }) })],
      },
    });
    const policy = policyOf(template, logicalId(stack.ingest.subscriptionRole));
    expect(policy.map((p) => p.action).sort()).toEqual(['kinesis:PutRecord', 'kinesis:PutRecords', 'kms:GenerateDataKey']);
  });

  it('creates the demo HTTP API stage with the recommended JSON access-log format, throttled', () => {
    const demo = stack.ingest.demoApi!;
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: logicalId(demo.api) },
      StageName: 'demo',
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [logicalId(demo.accessLog), 'Arn'] }, Format: accessLogFormatString('http') },
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const routes = (Object.values(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { ApiId: { Ref: logicalId(demo.api) } } })) as any[]).map((r) => r.Properties.RouteKey);
    expect(routes.sort()).toEqual(DEMO_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('never takes over the account-wide API Gateway CloudWatch role, nor deletes a role on teardown (demo on)', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    template.resourceCountIs('AWS::ApiGateway::Stage', 0);
    // Every role the stack removes on teardown is one of its own functions' or services': none is API Gateway's
    // account-level logging role, which other APIs of the region would lose.
    const roles = Object.values(template.findResources('AWS::IAM::Role')) as any[];
    expect(roles.map((r) => JSON.stringify(r.Properties.AssumeRolePolicyDocument)).filter((t) => t.includes('apigateway.amazonaws.com'))).toEqual([]);
    expect(roles.map((r) => JSON.stringify(r.Properties.ManagedPolicyArns ?? [])).filter((t) => t.includes('AmazonAPIGatewayPushToCloudWatchLogs'))).toEqual([]);
  });

  it('logs only $context variables HTTP APIs support on every HTTP API stage (CreateStage rejects others)', () => {
    const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')) as any[];
    expect(stages.map((st) => st.Properties.StageName).sort()).toEqual(['demo', 'v1']);
    for (const st of stages) {
      const used = [...(st.Properties.AccessLogSettings.Format as string).matchAll(/\$context\.[A-Za-z.]+/g)].map((m) => m[0]);
      expect(used, st.Properties.StageName).toContain('$context.requestId');
      for (const v of used) expect(HTTP_API_LOG_VARIABLES, `${st.Properties.StageName}: ${v}`).toContain(v);
    }
  });

  it('answers each demo route with its static body from an inline mock', async () => {
    const source = demoHandlerSource(DEMO_ROUTES);
    const mod = { exports: {} as { handler?: (e: { routeKey: string }) => Promise<{ statusCode: number; body: string }> } };
    new Function('exports', 'module', source)(mod.exports, mod);
    for (const r of DEMO_ROUTES) {
      const answer = await mod.exports.handler!({ routeKey: `${r.method} ${r.path}` });
      expect([answer.statusCode, JSON.parse(answer.body)]).toEqual([r.status, r.body]);
    }
    expect((await mod.exports.handler!({ routeKey: 'GET /admin' })).statusCode).toBe(404);
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Code: { ZipFile: source } });
    // Its own role, which may only write its own log group.
    const fn = template.toJSON().Resources[logicalId(stack.ingest.demoApi!.fn)];
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const ownLog = JSON.stringify({ 'Fn::GetAtt': [fn.Properties.LoggingConfig.LogGroup.Ref, 'Arn'] });
    expect(policyOf(template, roleId)).toEqual([
      { action: 'logs:CreateLogStream', resource: ownLog },
      { action: 'logs:PutLogEvents', resource: ownLog },
    ]);
    expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('state table', () => {
  it('has string pk/sk, on-demand billing, PITR, TTL on expiresAt and a customer-managed key', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [logicalId(stack.state.key), 'Arn'] } },
    });
  });
});

describe('findings lake', () => {
  it('encrypts the bucket with KMS, versions it, blocks public access, logs access and expires findings and leftover delete markers', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [logicalId(stack.lake.key), 'Arn'] } }, BucketKeyEnabled: true },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack.lake.accessLogBucket) } },
      LifecycleConfiguration: {
        Rules: [
          { Id: 'expire-findings', ExpirationInDays: 365, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
          { Id: 'expire-old-versions', NoncurrentVersionExpiration: { NoncurrentDays: 30 }, ExpiredObjectDeleteMarker: true, Status: 'Enabled' },
          { Id: 'expire-athena-results', Prefix: 'athena-results/', ExpirationInDays: 7, Status: 'Enabled' },
          { Id: 'expire-old-state-versions', Prefix: 'state/', NoncurrentVersionExpiration: { NoncurrentDays: 7 }, ExpiredObjectDeleteMarker: true, Status: 'Enabled' },
        ],
      },
    });
  });

  it('removes delete markers only in rules that also expire old versions, in every bucket of both stacks', () => {
    const { app } = buildTestApp({ apiscope: { logGroupNames: ['/aws/apigateway/orders-access'], central: { sourceAccountIds: ['111122223333'] } } });
    const stacks = app.node.children.filter((c): c is Stack => c instanceof Stack);
    expect(stacks).toHaveLength(2);
    const rules = stacks.flatMap((s) =>
      (Object.values(Template.fromStack(s).findResources('AWS::S3::Bucket')) as any[]).flatMap((b) => b.Properties.LifecycleConfiguration?.Rules ?? []),
    );
    const markerRules = rules.filter((r) => r.ExpiredObjectDeleteMarker);
    // In each stack: two in the findings bucket (all old versions, old state versions), one in the access-log bucket.
    expect(markerRules.length).toBe(6);
    for (const r of markerRules) {
      expect(r.NoncurrentVersionExpiration, r.Id).toBeDefined();
      // S3 rejects the marker action next to Expiration days or dates, and in a rule with tag filters.
      for (const key of ['ExpirationInDays', 'ExpirationDate', 'TagFilters']) expect(r, r.Id).not.toHaveProperty(key);
    }
    // Every rule that expires current objects or old versions of a prefix has its markers removed too.
    for (const r of rules.filter((x) => x.NoncurrentVersionExpiration)) expect(r.ExpiredObjectDeleteMarker, r.Id).toBe(true);
  });

  it('denies every non-TLS request to both buckets', () => {
    for (const bucket of [stack.lake.bucket, stack.lake.accessLogBucket]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('has Glue tables file_assets and endpoint_changes (one row per file endpoint and day; per inventory change) with projection on dt', () => {
    const input = (name: string) => (Object.values(template.findResources('AWS::Glue::Table', { Properties: { TableInput: { Name: name } } }))[0] as any).Properties.TableInput;
    const files = input('file_assets');
    expect(files.StorageDescriptor.Columns.map((c: any) => `${c.Name}:${c.Type}`)).toEqual(expect.arrayContaining([
      'day:string', 'downloads:bigint', 'unauth_downloads:bigint', 'bytes_total:bigint', 'distinct_principals:bigint', 'distinct_ips:bigint',
      'top_principals:map<string,bigint>', 'top_ips:map<string,bigint>', 'file_types:array<string>', 'sensitive_types:array<string>',
    ]));
    const changes = input('endpoint_changes');
    expect(changes.StorageDescriptor.Columns.map((c: any) => c.Name)).toEqual(['changed_at', 'change', 'domain_name', 'method', 'template', 'before_templates', 'after_template', 'before_keys', 'after_key', 'reason']);
    for (const t of [files, changes]) {
      expect(t.PartitionKeys).toEqual([{ Name: 'dt', Type: 'string', Comment: 'event date, yyyy-MM-dd (UTC)' }]);
      expect(t.Parameters['projection.enabled']).toBe('true');
      expect(JSON.stringify(t.Parameters['storage.location.template'])).toContain(`/${t.Name}/dt=\${dt}/`);
    }
    // Defects and risk events carry the triage status as the pipeline knew it when it wrote them.
    for (const name of ['defects', 'risk_events']) expect(input(name).StorageDescriptor.Columns.map((c: any) => c.Name)).toContain('triage_status');
  });

  it('has one Glue table per entry of TABLES, with the same columns and partition projection on dt only (day objects)', () => {
    template.resourceCountIs('AWS::Glue::Table', TABLES.length);
    for (const schema of TABLES) {
      const [table] = Object.values(
        template.findResources('AWS::Glue::Table', { Properties: { TableInput: { Name: schema.name } } }),
      ) as Array<{ Properties: { TableInput: any } }>;
      expect(table, schema.name).toBeDefined();
      const input = table.Properties.TableInput;
      expect(input.StorageDescriptor.Columns.map((c: any) => [c.Name, c.Type])).toEqual(schema.columns.map((c) => [c.name, c.type]));
      expect(input.PartitionKeys.map((c: any) => [c.Name, c.Type])).toEqual([['dt', 'string']]);
      expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
      expect(input.Parameters).toMatchObject({
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
        'projection.dt.range': 'NOW-365DAYS,NOW',
        compressionType: 'gzip',
      });
      expect(Object.keys(input.Parameters).filter((k) => k.startsWith('projection.hour'))).toEqual([]);
      // The template ends at the day folder (the closing quote): no hour level below it.
      expect(JSON.stringify(stack.resolve(input.Parameters['storage.location.template']))).toContain(`/${schema.prefix}/dt=\${dt}/"`);
    }
  });

  it('has an Athena workgroup with engine v3, enforced settings, KMS-encrypted results and a scan cutoff', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        BytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF.toBytes(),
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [logicalId(stack.lake.key), 'Arn'] } },
        },
      },
    });
  });

  it('saves the named queries in the workgroup, each reading only known tables and pruning on dt', () => {
    template.resourceCountIs('AWS::Athena::NamedQuery', FINDINGS_QUERIES.length);
    const names = FINDINGS_QUERIES.map((q) => q.name);
    expect(names).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/new endpoints this week/),
        expect.stringMatching(/open defects by severity/),
        expect.stringMatching(/top risky actors today/),
        expect.stringMatching(/traffic per endpoint per hour/),
        expect.stringMatching(/file downloads by caller/),
        expect.stringMatching(/file downloads, 30 days/),
      ]),
    );
    const tableNames = new Set(TABLES.map((t) => t.name));
    for (const q of FINDINGS_QUERIES) {
      template.hasResourceProperties('AWS::Athena::NamedQuery', { Name: q.name, QueryString: q.sql, WorkGroup: { Ref: logicalId(stack.lake.workGroup) } });
      const referenced = [...q.sql.matchAll(/\b(?:FROM|JOIN)\s+([a-z_]+)\b/gi)].map((m) => m[1]!);
      for (const t of referenced.filter((t) => tableNames.has(t) || !/^(latest|snapshots|file_endpoints|callers|days|unnest)$/i.test(t))) {
        expect(tableNames.has(t), `${q.id} reads unknown table ${t}`).toBe(true);
      }
      for (const t of q.tables) expect(q.sql).toMatch(new RegExp(`\\b${t}\\b`));
      expect(q.sql, `${q.id} must restrict dt`).toMatch(/\bdt\s*(=|>=)/);
    }
  });
});

describe('analysis function', () => {
  it('is one stream consumer, analyze, on functions/analyze', () => {
    expect(stack.analysis.functions.map((f) => f.spec.name)).toEqual(['analyze']);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    const services = Object.values(template.findResources('AWS::Lambda::Function')).map((f: any) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME);
    for (const old of ['discovery', 'defects', 'scoring']) expect(services).not.toContain(old);
  });

  it('runs Node 24 on arm64 with 1 GB, the shared env names and Powertools settings', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 300,
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: { Ref: logicalId(stack.analysis.byName.analyze.logGroup) } }),
      Environment: {
        Variables: Match.objectLike({
          [ENV.table]: { Ref: logicalId(stack.state.table) },
          [ENV.bucket]: { Ref: logicalId(stack.lake.bucket) },
          [ENV.minAlertSeverity]: 'medium',
          [ENV.hashKeyParam]: '/apiscope/hash-key',
          [ENV.fieldMapping]: JSON.stringify({ ip: 'sourceIp' }),
          [ENV.shards]: '2',
          [ENV.deploymentId]: Match.anyValue(),
          POWERTOOLS_SERVICE_NAME: 'analyze',
          POWERTOOLS_METRICS_NAMESPACE: 'apiscope',
        }),
      },
    });
  });

  it('gets every configured input and the alert topic', () => {
    expect(envOf(template, logicalId(stack.analysis.byName.analyze.fn))).toMatchObject({
      [ENV.rulesUri]: CONFIG.rulesUri,
      [ENV.specUri]: CONFIG.specUri,
      [ENV.reputationUri]: CONFIG.reputationUri,
      [ENV.overridesUri]: CONFIG.overridesUri,
      [ENV.alertTopicArn]: { Ref: logicalId(stack.alerts.alertTopic) },
    });
  });

  it('consumes the stream with the agreed event source settings and a KMS-encrypted on-failure queue', () => {
    for (const f of stack.analysis.functions) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalId(f.fn) },
        EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.ingest.stream), 'Arn'] },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 1000,
        MaximumBatchingWindowInSeconds: 10,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: 3,
        MaximumRecordAgeInSeconds: 86400,
        ParallelizationFactor: 1,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(f.dlq), 'Arn'] } } },
      });
      template.hasResourceProperties('AWS::SQS::Queue', {
        KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack.analysis.dlqKey), 'Arn'] },
        MessageRetentionPeriod: 14 * 86400,
      });
    }
  });

  it('keeps its logs in its own log group with a retention', () => {
    for (const f of stack.analysis.functions) {
      expect(template.toJSON().Resources[logicalId(f.logGroup)].Properties.RetentionInDays).toBe(365);
    }
  });
});

describe('alerts and observability', () => {
  it('encrypts both topics with KMS, requires TLS and subscribes the alert e-mail', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack.alerts.alertKey), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack.alerts.opsKey), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'soc@bank.example', TopicArn: { Ref: logicalId(stack.alerts.alertTopic) } });
    for (const topic of [stack.alerts.alertTopic, stack.alerts.opsTopic]) {
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: logicalId(topic) }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('alarms on iterator age, errors, throttles and DLQ depth of the consumer, to the ops topic', () => {
    const ops = { Ref: logicalId(stack.alerts.opsTopic) };
    for (const f of stack.analysis.functions) {
      for (const metric of ['IteratorAge', 'Errors', 'Throttles']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: metric,
          Namespace: 'AWS/Lambda',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(f.fn) } }],
          AlarmActions: [ops],
        });
      }
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(f.dlq), 'QueueName'] } }],
        AlarmActions: [ops],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'WriteProvisionedThroughputExceeded',
      Namespace: 'AWS/Kinesis',
      AlarmActions: [ops],
    });
    // Alerts that could not be published wait in the outbox; these two say so (SNS never fails a batch).
    for (const f of stack.analysis.functions) {
      for (const [metric, statistic, periods] of [['AlertOutboxDepth', 'Minimum', 3], ['AlertPublishFailed', 'Sum', 2]] as const) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: metric, Namespace: 'apiscope', Statistic: statistic, EvaluationPeriods: periods, Threshold: 1,
          Dimensions: [{ Name: 'service', Value: f.spec.name }], AlarmActions: [ops],
        });
      }
    }
    // Six per consumer (one consumer) and stream write throttling.
    expect(stack.observability.alarms).toHaveLength(7);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 7 + (stack.report ? 1 : 0) + (stack.findingsApi ? 1 : 0));
  });

  it('has a dashboard with records in, rejected, findings out, iterator age, errors and throttles', () => {
    const body = JSON.stringify(template.toJSON().Resources[logicalId(stack.observability.dashboard)].Properties.DashboardBody);
    for (const title of ['Records in', 'Records rejected', 'Findings out', 'Iterator age', 'Errors', 'Throttles', 'DLQ depth']) {
      expect(body).toContain(title);
    }
    expect(body).toContain('IncomingRecords');
    expect(body).toContain('RecordsRejected');
    expect(body).toContain('FindingsOut');
    expect(body).toContain('RecordsIn');
    // Custom metrics by the consumer's Powertools service name; none of the former per-analysis services.
    expect(body).toMatch(/service=\\*"analyze\\*"/);
    // Subscription delivery metrics of this stack's filters (named after the stack).
    expect(body).toMatch(/FilterName=\\*"apiscope-Apiscope\\*"/);
    expect(body).not.toMatch(/discovery|defects|scoring/);
  });
});

function envOf(template: Template, fnId: string): Record<string, unknown> {
  return template.toJSON().Resources[fnId].Properties.Environment.Variables;
}
