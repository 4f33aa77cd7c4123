import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { accessLogFormatString } from '../../shared/normalize/accessLogFormat.ts';

export interface LoggedHttpApiProps {
  readonly description: string;
  readonly stageName: string;
  /** Where the stage writes one JSON line per request, in the recommended format. */
  readonly accessLog: logs.ILogGroup;
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * An API Gateway HTTP API with one named, auto-deployed stage that writes access logs in the recommended
 * format and is throttled. An HTTP API stage's access logging is set up by the deploying principal through
 * CloudWatch Logs log delivery (`logs:CreateLogDelivery`, `logs:PutResourcePolicy`; the CDK deploy role has
 * them), not through the account-wide API Gateway CloudWatch role (`AWS::ApiGateway::Account`) a REST API stage
 * needs: the stack deploys into an account without one and never changes that per-region setting.
 *
 * @example
 * const { api, stage } = loggedHttpApi(this, 'Api', { description, stageName: 'v1', accessLog, rateLimit: 20, burstLimit: 40 });
 */
export function loggedHttpApi(scope: Construct, id: string, props: LoggedHttpApiProps): { api: apigwv2.HttpApi; stage: apigwv2.HttpStage } {
  const api = new apigwv2.HttpApi(scope, id, { description: props.description, createDefaultStage: false });
  const stage = new apigwv2.HttpStage(scope, `${id}Stage`, {
    httpApi: api,
    stageName: props.stageName,
    autoDeploy: true,
    throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
    accessLogSettings: {
      destination: new apigwv2.LogGroupLogDestination(props.accessLog),
      format: apigw.AccessLogFormat.custom(accessLogFormatString('http')),
    },
  });
  return { api, stage };
}
