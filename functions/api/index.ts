import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { AthenaClient } from '@aws-sdk/client-athena';
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ENV } from '../../shared/config/env.ts';
import { handleFindingsRequest } from '../../shared/api/findingsApi.ts';
import { runAthenaQuery } from '../../adapters/athenaQueryRunner.ts';

const logger = new Logger({ serviceName: 'apiscope', persistentKeys: { fn: 'api' } });
const athena = new AthenaClient({});

/**
 * The read-only findings API behind an API Gateway HTTP API (IAM auth, payload format 2.0): the route key
 * (`GET /defects/{defectId}`) names the route, API Gateway has already checked the caller's signature and
 * policy; parse, query Athena, answer JSON.
 */
export const handler = middy(async (event: APIGatewayProxyEventV2WithIAMAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => {
  const workGroup = process.env[ENV.athenaWorkGroup]!, database = process.env[ENV.glueDatabase]!;
  const resource = event.routeKey.slice(event.routeKey.indexOf(' ') + 1);
  const r = await handleFindingsRequest({ resource, pathParameters: event.pathParameters, query: event.queryStringParameters }, (sql) => runAthenaQuery(athena, sql, { workGroup, database }));
  if (r.statusCode >= 400) logger.info('rejected', { routeKey: event.routeKey, status: r.statusCode });
  return { ...r, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } };
}).use(injectLambdaContext(logger));
