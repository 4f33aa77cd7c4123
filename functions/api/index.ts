import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ENV } from '../../shared/config/env.ts';
import { handleFindingsRequest, type ApiDeps } from '../../shared/api/findingsApi.ts';
import type { HttpMethod } from '../../shared/api/routes.ts';
import { runAthenaQuery } from '../../adapters/athenaQueryRunner.ts';
import { DynamoTriageStore } from '../../adapters/dynamoTriageStore.ts';
import { S3BlobStore } from '../../adapters/s3BlobStore.ts';
import { ticketServiceFromEnv } from '../tickets/fromEnv.ts';
import { callerOf } from './caller.ts';

const logger = new Logger({ serviceName: 'apiscope', persistentKeys: { fn: 'api' } });
const athena = new AthenaClient({});
const dynamodb = new DynamoDBClient({});
const s3 = new S3Client({});
let deps: ApiDeps | undefined;

async function depsOf(): Promise<ApiDeps> {
  if (deps) return deps;
  const workGroup = process.env[ENV.athenaWorkGroup]!, database = process.env[ENV.glueDatabase]!;
  const triage = new DynamoTriageStore(dynamodb, process.env[ENV.table]!);
  // The connector's credentials are read once per container, on the first request that needs them.
  const tickets = await ticketServiceFromEnv(triage, logger);
  // The OpenAPI exports discovery writes to the lake bucket (openapi/<domain>.json; the role may read only those).
  const documents = new S3BlobStore(s3, process.env[ENV.bucket]!);
  deps = { run: (sql) => runAthenaQuery(athena, sql, { workGroup, database }), triage, tickets, documents };
  return deps;
}

/**
 * The findings API behind an API Gateway HTTP API (IAM auth, payload format 2.0): the route key
 * (`PATCH /defects/{defectId}`) names the route; API Gateway has already checked the caller's signature and
 * policy, and the caller's IAM ARN (`requestContext.authorizer.iam.userArn`) is who changes triage.
 */
export const handler = middy(async (event: APIGatewayProxyEventV2WithIAMAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => {
  const space = event.routeKey.indexOf(' ');
  const body = event.body === undefined ? null : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const r = await handleFindingsRequest(
    {
      method: event.routeKey.slice(0, space) as HttpMethod,
      resource: event.routeKey.slice(space + 1),
      pathParameters: event.pathParameters,
      query: event.queryStringParameters,
      body,
      headers: event.headers,
      principal: callerOf(event.requestContext.authorizer?.iam),
    },
    await depsOf(),
  );
  if (r.statusCode >= 400) logger.info('rejected', { routeKey: event.routeKey, status: r.statusCode });
  else if (event.routeKey.startsWith('PATCH') || event.routeKey.startsWith('POST')) logger.info('changed', { routeKey: event.routeKey, by: callerOf(event.requestContext.authorizer?.iam) });
  return { ...r, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } };
}).use(injectLambdaContext(logger));
