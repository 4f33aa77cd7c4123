import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { loggedHttpApi } from './loggedHttpApi.ts';
import { logRetentionFor } from './logRetention.ts';

export interface DemoRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly status: number;
  /** The static JSON body it answers. */
  readonly body: unknown;
}

/**
 * The demo's routes and static answers. Some are deliberately unauthenticated and carry "sensitive" path
 * values, so that defects show up.
 */
export const DEMO_ROUTES: readonly DemoRoute[] = [
  { method: 'GET', path: '/v1/users', status: 200, body: { users: [] } },
  { method: 'GET', path: '/v1/users/{userId}', status: 200, body: { id: 'u-1', email: 'masked@example.com' } },
  { method: 'POST', path: '/v1/orders', status: 201, body: { id: 'o-1' } },
  { method: 'GET', path: '/v1/orders/{orderId}', status: 200, body: { id: 'o-1', status: 'shipped' } },
  { method: 'GET', path: '/v1/files/{fileName}', status: 200, body: { url: 'https://example.com/statement.pdf' } },
  { method: 'GET', path: '/health', status: 200, body: { ok: true } },
];

export const DEMO_STAGE = 'demo';

/** The mock's whole code (inline, no bundling): the static answer of the route API Gateway matched. */
export function demoHandlerSource(routes: readonly DemoRoute[]): string {
  const answers = Object.fromEntries(routes.map((r) => [`${r.method} ${r.path}`, [r.status, JSON.stringify(r.body)]]));
  return [
    `const ANSWERS = ${JSON.stringify(answers)};`,
    'exports.handler = async (event) => {',
    "  const [statusCode, body] = ANSWERS[event.routeKey] || [404, '{\"message\":\"Not Found\"}'];",
    "  return { statusCode, headers: { 'content-type': 'application/json' }, body };",
    '};',
  ].join('\n');
}

export interface DemoApiProps {
  /** Days the access log and the mock's log are kept. */
  readonly retentionDays: number;
}

/**
 * A demo API that exists only to generate traffic for apiscope: an HTTP API, stage `demo`, whose routes a tiny
 * inline Lambda answers with static bodies (no backend, no data), throttled, logging every request in the
 * recommended JSON format to `accessLog`. An HTTP API because its access logs need no account-wide API
 * Gateway CloudWatch role: the demo neither creates `AWS::ApiGateway::Account` nor leaves a role to delete
 * on teardown, so it can be tried in an account whose platform team owns that setting.
 *
 * @example
 * const demo = new DemoApi(this, 'Demo', { retentionDays: 30 });
 * new logs.SubscriptionFilter(this, 'Sub', { logGroup: demo.accessLog, destination, filterPattern });
 */
export class DemoApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLog: logs.LogGroup;
  readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: DemoApiProps) {
    super(scope, id);
    const retention = logRetentionFor(props.retentionDays);
    // Demo resources go with the stack: nothing in them is evidence.
    this.accessLog = new logs.LogGroup(this, 'AccessLog', { retention, removalPolicy: RemovalPolicy.DESTROY });
    const fnLog = new logs.LogGroup(this, 'MockLogs', { retention, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(this, 'MockRole', {
      description: 'apiscope demo: the mock behind the demo API; may only write its own log group',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [fnLog.logGroupArn] }));
    this.fn = new lambda.Function(this, 'Mock', {
      description: 'apiscope demo: static answers for the demo API',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline(demoHandlerSource(DEMO_ROUTES)),
      memorySize: 128,
      timeout: Duration.seconds(3),
      role,
      logGroup: fnLog,
    });

    ({ api: this.api, stage: this.stage } = loggedHttpApi(this, 'Api', {
      description: 'apiscope demo: mock API whose access log feeds apiscope',
      stageName: DEMO_STAGE,
      accessLog: this.accessLog,
      rateLimit: 50,
      burstLimit: 100,
    }));
    const integration = new HttpLambdaIntegration('Mock', this.fn, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 });
    for (const r of DEMO_ROUTES) this.api.addRoutes({ path: r.path, methods: [apigwv2.HttpMethod[r.method]], integration });

    const reason =
      'Demo API only (config createDemoApi): static answers from an inline mock, no backend and no data; it is ' +
      'deliberately open so that apiscope has unauthenticated traffic to find. Never enable createDemoApi in production.';
    Validations.of(this.api).acknowledge({ id: 'AwsSolutions-APIG4', reason });
  }
}
