import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config/env.ts';
import { API_ROUTES, type RouteSpec } from '../../shared/api/routes.ts';
import { OPENAPI_PREFIX } from '../../shared/engine/lakeLayout.ts';
import type { ApiscopeConfig } from '../config.ts';
import { acknowledgeWildcard } from './acknowledgeWildcard.ts';
import { ApiscopeFunction, type CodeLocation } from './apiscopeFunction.ts';
import type { FindingsLake } from './findingsLake.ts';
import { loggedHttpApi } from './loggedHttpApi.ts';
import { logRetentionFor } from './logRetention.ts';
import type { StateTable } from './stateTable.ts';
import type { Ticketing } from './ticketing.ts';
import { grantTriageItems } from './triageAccess.ts';

/** The routes (GET, PATCH, POST) of shared/api/routes.ts; docs/openapi.yaml documents exactly these (a test checks it). */
export const FINDINGS_API_ROUTES: readonly RouteSpec[] = API_ROUTES;

export const FINDINGS_API_STAGE = 'v1';

export interface FindingsApiProps {
  readonly config: ApiscopeConfig;
  readonly code: CodeLocation;
  readonly lake: FindingsLake;
  /** Where the 5xx alarm goes. */
  readonly opsTopic: sns.ITopic;
  /** Holds the triage items the API reads and writes. */
  readonly state: StateTable;
  /** With a ticket connector, `POST /defects/{id}/ticket` uses it (its settings and secret). */
  readonly ticketing?: Ticketing;
}

/**
 * The findings and triage API: an API Gateway HTTP API, stage `v1`, IAM (SigV4) authorization on every route,
 * GET for findings, PATCH for triage, POST for tickets, throttling and access logs in the recommended format, backed by `functions/api` (payload format
 * 2.0), which validates every parameter, may only query the lake through the Athena workgroup and read and
 * write only the triage items of the state table. `readerPolicy` (GET) and `triagerPolicy` (all routes) are
 * the managed policies to attach to the roles of people and tools that may call it.
 *
 * An HTTP API, not a REST API: its access logs need no account-wide API Gateway CloudWatch role, so the stack
 * deploys into any account without touching that setting, and its routes take IAM, JWT (Cognito) and Lambda
 * authorizers per route, which is what a console with its own sign-in needs later. Unmatched routes and
 * methods are answered 404 by API Gateway without invoking the function.
 *
 * @example
 * const api = new FindingsApi(this, 'FindingsApi', { config, code, lake, opsTopic: alerts.opsTopic });
 */
export class FindingsApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly function: ApiscopeFunction;
  readonly accessLog: logs.LogGroup;
  readonly readerPolicy: iam.ManagedPolicy;
  /** GET plus the triage writes (PATCH) and tickets (POST). */
  readonly triagerPolicy: iam.ManagedPolicy;
  readonly serverErrorAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: FindingsApiProps) {
    super(scope, id);
    const { lake } = props;

    this.function = new ApiscopeFunction(this, 'Fn', {
      name: 'api',
      description: 'apiscope api: findings and triage API',
      code: props.code,
      retentionDays: props.config.retentionDays,
      memorySize: 512,
      timeout: Duration.seconds(29),
      environment: {
        [ENV.athenaWorkGroup]: lake.workGroup.ref,
        [ENV.glueDatabase]: lake.databaseName,
        [ENV.table]: props.state.table.tableName,
        // GET /openapi/{domain} reads discovery's exports from the lake bucket.
        [ENV.bucket]: lake.bucket.bucketName,
        ...(props.ticketing ? { [ENV.tickets]: JSON.stringify(props.config.tickets), [ENV.ticketsSecretArn]: props.ticketing.secret.secretArn } : {}),
      },
    });
    lake.grantQuery(this.function.role);
    lake.grantReadDocuments(this.function.role, OPENAPI_PREFIX);
    grantTriageItems(props.state, this.function.role);
    props.ticketing?.secret.grantRead(this.function.role);

    this.accessLog = new logs.LogGroup(this, 'AccessLog', {
      retention: logRetentionFor(props.config.retentionDays),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    ({ api: this.api, stage: this.stage } = loggedHttpApi(this, 'Api', {
      description: 'apiscope: findings and triage API (IAM auth)',
      stageName: FINDINGS_API_STAGE,
      accessLog: this.accessLog,
      rateLimit: 20,
      burstLimit: 40,
    }));
    const integration = new HttpLambdaIntegration('Function', this.function.fn, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 });
    const authorizer = new HttpIamAuthorizer();
    for (const route of FINDINGS_API_ROUTES) {
      this.api.addRoutes({ path: route.path, methods: [apigwv2.HttpMethod[route.method]], integration, authorizer });
    }

    this.serverErrorAlarm = new cloudwatch.Alarm(this, 'ServerErrors', {
      alarmDescription: 'apiscope findings API answers 5xx; check the api function log group.',
      metric: this.stage.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.serverErrorAlarm.addAlarmAction(new actions.SnsAction(props.opsTopic));

    this.readerPolicy = this.invokePolicy('ReaderPolicy', 'apiscope: may call the findings API, GET only (read findings and triage)', FINDINGS_API_ROUTES.filter((r) => r.method === 'GET'));
    this.triagerPolicy = this.invokePolicy('TriagerPolicy', 'apiscope: may call the findings API and change triage (GET, PATCH, POST ticket)', FINDINGS_API_ROUTES);
  }

  private invokePolicy(id: string, description: string, routes: readonly RouteSpec[]): iam.ManagedPolicy {
    const arnOf = (r: RouteSpec) => this.api.arnForExecuteApi(r.method, r.path.replace(/\{\w+\}/g, '*'), FINDINGS_API_STAGE);
    const policy = new iam.ManagedPolicy(this, id, { description, statements: [new iam.PolicyStatement({ actions: ['execute-api:Invoke'], resources: routes.map(arnOf) })] });
    for (const r of routes.filter((route) => route.path.includes('{'))) {
      acknowledgeWildcard(policy, arnOf(r), `Path parameters of ${r.path} are values the caller chooses (ids, actors); the wildcard covers only that ${r.method} route of this API's ${FINDINGS_API_STAGE} stage.`);
    }
    return policy;
  }
}
