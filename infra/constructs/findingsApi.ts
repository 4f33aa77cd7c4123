import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config/env.ts';
import { accessLogFormatString } from '../../shared/normalize/accessLogFormat.ts';
import type { ApiscopeConfig } from '../config.ts';
import { acknowledgeWildcard } from './acknowledgeWildcard.ts';
import { ApiscopeFunction, type CodeLocation } from './apiscopeFunction.ts';
import type { FindingsLake } from './findingsLake.ts';
import { logRetentionFor } from './logRetention.ts';

export interface FindingsApiRoute {
  /** API Gateway path; `{name}` segments are path parameters. */
  readonly path: string;
  /** Optional query-string parameters. */
  readonly query: readonly string[];
}

/** The read-only routes, all GET; docs/openapi-findings-api.yaml documents exactly these (a test checks it). */
export const FINDINGS_API_ROUTES: readonly FindingsApiRoute[] = [
  { path: '/endpoints', query: ['domain', 'specStatus', 'limit', 'nextToken'] },
  { path: '/defects', query: ['status', 'severity', 'domain', 'limit', 'nextToken'] },
  { path: '/defects/{defectId}', query: [] },
  { path: '/risk-events', query: ['date', 'minScore', 'limit', 'nextToken'] },
  { path: '/actors/{actorType}/{actor}', query: [] },
];

export const FINDINGS_API_STAGE = 'v1';

export interface FindingsApiProps {
  readonly config: ApiscopeConfig;
  readonly code: CodeLocation;
  readonly lake: FindingsLake;
  /** Where the 5xx alarm goes. */
  readonly opsTopic: sns.ITopic;
}

/**
 * The read-only findings API: a regional REST API with IAM (SigV4) authorization on every route, GET only,
 * request validation, throttling and access logs in the recommended format, backed by `functions/api`, which
 * may only query the lake through the Athena workgroup. `readerPolicy` is the managed policy to attach to the roles
 * of people and tools that may call it.
 *
 * @example
 * const api = new FindingsApi(this, 'FindingsApi', { config, code, lake, opsTopic: alerts.opsTopic });
 */
export class FindingsApi extends Construct {
  readonly api: apigw.RestApi;
  readonly function: ApiscopeFunction;
  readonly accessLog: logs.LogGroup;
  readonly readerPolicy: iam.ManagedPolicy;
  readonly serverErrorAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: FindingsApiProps) {
    super(scope, id);
    const { lake } = props;

    this.function = new ApiscopeFunction(this, 'Fn', {
      name: 'api',
      description: 'apiscope api: read-only findings API',
      code: props.code,
      retentionDays: props.config.retentionDays,
      memorySize: 512,
      timeout: Duration.seconds(29),
      environment: {
        [ENV.athenaWorkGroup]: lake.workGroup.ref,
        [ENV.glueDatabase]: lake.databaseName,
      },
    });
    lake.grantQuery(this.function.role);

    this.accessLog = new logs.LogGroup(this, 'AccessLog', {
      retention: logRetentionFor(props.config.retentionDays),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new apigw.RestApi(this, 'Api', {
      description: 'apiscope: read-only findings API (IAM auth)',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: false,
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
      deployOptions: {
        stageName: FINDINGS_API_STAGE,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLog),
        accessLogFormat: apigw.AccessLogFormat.custom(accessLogFormatString('rest')),
        throttlingRateLimit: 20,
        throttlingBurstLimit: 40,
      },
    });
    const validator = this.api.addRequestValidator('Validator', { validateRequestParameters: true, validateRequestBody: true });
    const integration = new apigw.LambdaIntegration(this.function.fn, { proxy: true, allowTestInvoke: false });
    for (const route of FINDINGS_API_ROUTES) {
      const resource = this.api.root.resourceForPath(route.path);
      const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      resource.addMethod('GET', integration, {
        authorizationType: apigw.AuthorizationType.IAM,
        requestValidator: validator,
        requestParameters: Object.fromEntries([
          ...pathParams.map((p) => [`method.request.path.${p}`, true] as const),
          ...route.query.map((q) => [`method.request.querystring.${q}`, false] as const),
        ]),
      });
    }

    this.serverErrorAlarm = new cloudwatch.Alarm(this, 'ServerErrors', {
      alarmDescription: 'apiscope findings API answers 5xx; check the api function log group.',
      metric: this.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.serverErrorAlarm.addAlarmAction(new actions.SnsAction(props.opsTopic));

    this.readerPolicy = new iam.ManagedPolicy(this, 'ReaderPolicy', {
      description: 'apiscope: may call the read-only findings API (GET only)',
      statements: [
        new iam.PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: FINDINGS_API_ROUTES.map((r) => this.api.arnForExecuteApi('GET', r.path.replace(/\{\w+\}/g, '*'), FINDINGS_API_STAGE)),
        }),
      ],
    });
    for (const r of FINDINGS_API_ROUTES.filter((route) => route.path.includes('{'))) {
      acknowledgeWildcard(
        this.readerPolicy,
        this.api.arnForExecuteApi('GET', r.path.replace(/\{\w+\}/g, '*'), FINDINGS_API_STAGE),
        `Path parameters of ${r.path} are values the caller chooses (ids, actors); the wildcard covers only that GET route of this API's ${FINDINGS_API_STAGE} stage.`,
      );
    }
    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-COG4',
        reason: 'Every method uses IAM (SigV4) authorization: callers are bank roles and SSO users whose access is granted by attaching readerPolicy; a Cognito user pool would add a second identity store.',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason: 'Access logging is on for the stage (every request with principal, status and latency). Execution logging needs the account-wide API Gateway CloudWatch role (AWS::ApiGateway::Account), a singleton usually owned by the platform team, which this stack does not take over.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason: 'Read-only internal API: unsigned requests are rejected by API Gateway before any integration runs, and the stage is throttled (20 rps, burst 40). Attach the bank WAF web ACL to the stage if policy requires one.',
      },
    );
  }
}
