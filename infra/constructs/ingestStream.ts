import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { accessLogFormatString } from '../../shared/normalize/accessLogFormat.ts';
import { logRetentionFor } from './logRetention.ts';

export interface IngestStreamProps {
  /** Provisioned shards of the stream. */
  readonly shardCount: number;
  /** Existing access-log groups to subscribe (same account and region). */
  readonly logGroupNames: readonly string[];
  /** Also create a mock REST API that writes the recommended JSON access log, and subscribe it. */
  readonly createDemoApi: boolean;
  /** Days the demo API's access log is kept. */
  readonly retentionDays: number;
}

/**
 * The entry of the pipeline: a KMS-encrypted Kinesis stream fed by CloudWatch Logs subscription filters on
 * API Gateway access-log groups (existing ones from the config and/or the demo API's).
 *
 * @example
 * const ingest = new IngestStream(this, 'Ingest', { shardCount: 1, logGroupNames: ['/aws/apigateway/orders'], createDemoApi: false, retentionDays: 30 });
 * new KinesisEventSource(ingest.stream, { startingPosition: StartingPosition.TRIM_HORIZON });
 */
export class IngestStream extends Construct {
  readonly stream: kinesis.Stream;
  readonly key: kms.Key;
  /** Role CloudWatch Logs assumes to put records on the stream. */
  readonly subscriptionRole: iam.Role;
  readonly subscriptionFilters: logs.SubscriptionFilter[] = [];
  readonly demoApi?: apigw.RestApi;
  readonly demoAccessLogGroup?: logs.LogGroup;

  constructor(scope: Construct, id: string, props: IngestStreamProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'StreamKey', {
      description: 'apiscope: encrypts API access-log records on the ingest Kinesis stream',
      enableKeyRotation: true,
    });
    this.stream = new kinesis.Stream(this, 'Stream', {
      shardCount: props.shardCount,
      streamMode: kinesis.StreamMode.PROVISIONED,
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: this.key,
      retentionPeriod: Duration.hours(24),
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason:
        'A customer-managed key is deliberate: access logs carry caller IPs and principals, and the bank needs key-policy control, rotation and CloudTrail evidence of every decrypt. The extra KMS cost is small because consumers read batches of up to 1000 records.',
    });

    // One role for every subscription filter; only CloudWatch Logs of this account and region may assume it.
    this.subscriptionRole = new iam.Role(this, 'SubscriptionRole', {
      description: 'apiscope: lets CloudWatch Logs put subscribed access-log events on the ingest stream',
      assumedBy: new iam.ServicePrincipal('logs.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          // The form of the CloudWatch Logs documentation for subscription roles.
          StringLike: { 'aws:SourceArn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*` },
        },
      }),
    });
    this.subscriptionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kinesis:PutRecord', 'kinesis:PutRecords'], resources: [this.stream.streamArn] }),
    );
    this.subscriptionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey'], resources: [this.key.keyArn] }),
    );
    // Not logs-destinations.KinesisDestination: it adds stream.grantWrite (kms:ReEncrypt*, kms:GenerateDataKey*)
    // and iam:PassRole on the role itself; CloudWatch Logs needs only the two statements above.
    const destination: logs.ILogSubscriptionDestination = {
      bind: () => ({ arn: this.stream.streamArn, role: this.subscriptionRole }),
    };

    props.logGroupNames.forEach((name, i) => {
      const logGroup = logs.LogGroup.fromLogGroupName(this, `AccessLog${i}`, name);
      this.subscriptionFilters.push(
        new logs.SubscriptionFilter(this, `Subscription${i}`, {
          logGroup,
          destination,
          filterPattern: logs.FilterPattern.allEvents(),
          filterName: 'apiscope',
        }),
      );
    });

    if (props.createDemoApi) {
      this.demoAccessLogGroup = new logs.LogGroup(this, 'DemoAccessLog', {
        retention: logRetentionFor(props.retentionDays),
        removalPolicy: RemovalPolicy.DESTROY,
      });
      this.demoApi = createDemoApi(this, this.demoAccessLogGroup);
      this.subscriptionFilters.push(
        new logs.SubscriptionFilter(this, 'DemoSubscription', {
          logGroup: this.demoAccessLogGroup,
          destination,
          filterPattern: logs.FilterPattern.allEvents(),
          filterName: 'apiscope',
        }),
      );
    }
    // The filters must not be created before the role may write to the stream, or CloudWatch Logs rejects them.
    for (const f of this.subscriptionFilters) f.node.addDependency(this.subscriptionRole);
  }
}

/**
 * A mock REST API (no backend, static responses) that logs every request in the recommended JSON format. It
 * exists only to generate traffic for apiscope to analyse; some routes are deliberately unauthenticated and
 * leak "sensitive" path values so that defects show up.
 */
function createDemoApi(scope: Construct, accessLog: logs.LogGroup): apigw.RestApi {
  const api = new apigw.RestApi(scope, 'DemoApi', {
    description: 'apiscope demo: mock API whose access log feeds apiscope',
    endpointTypes: [apigw.EndpointType.REGIONAL],
    cloudWatchRole: true,
    cloudWatchRoleRemovalPolicy: RemovalPolicy.DESTROY,
    deployOptions: {
      stageName: 'demo',
      accessLogDestination: new apigw.LogGroupLogDestination(accessLog),
      accessLogFormat: apigw.AccessLogFormat.custom(accessLogFormatString('rest')),
      loggingLevel: apigw.MethodLoggingLevel.ERROR,
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
    },
  });
  const validator = api.addRequestValidator('Validator', { validateRequestParameters: true, validateRequestBody: true });
  const mock = (status: number, body: unknown) =>
    new apigw.MockIntegration({
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      passthroughBehavior: apigw.PassthroughBehavior.WHEN_NO_TEMPLATES,
      integrationResponses: [{ statusCode: String(status), responseTemplates: { 'application/json': JSON.stringify(body) } }],
    });
  const method = (resource: apigw.IResource, verb: string, status: number, body: unknown) =>
    resource.addMethod(verb, mock(status, body), { requestValidator: validator, methodResponses: [{ statusCode: String(status) }] });

  const v1 = api.root.addResource('v1');
  const users = v1.addResource('users');
  method(users, 'GET', 200, { users: [] });
  method(users.addResource('{userId}'), 'GET', 200, { id: 'u-1', email: 'masked@example.com' });
  const orders = v1.addResource('orders');
  method(orders, 'POST', 201, { id: 'o-1' });
  method(orders.addResource('{orderId}'), 'GET', 200, { id: 'o-1', status: 'shipped' });
  method(v1.addResource('files').addResource('{fileName}'), 'GET', 200, { url: 'https://example.com/statement.pdf' });
  method(api.root.addResource('health'), 'GET', 200, { ok: true });

  const reason =
    'Demo API only (config createDemoApi): MOCK integrations with static bodies, no backend and no data; it is ' +
    'deliberately open so that apiscope has unauthenticated traffic to find. Never enable createDemoApi in production.';
  Validations.of(api).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level role API Gateway needs to write the demo stage execution logs (AwsSolutions-APIG6). This AWS managed policy only allows CloudWatch Logs writes and is maintained by AWS; it is created only with createDemoApi.',
    },
    { id: 'AwsSolutions-APIG4', reason },
    { id: 'AwsSolutions-COG4', reason },
    { id: 'AwsSolutions-APIG3', reason: `${reason} A WAF web ACL costs more than the mock it would protect; stage throttling (50 rps) caps abuse.` },
  );
  return api;
}
