import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { AthenaClient } from '@aws-sdk/client-athena';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ENV } from '../../shared/config/env.ts';
import { handleFindingsRequest } from '../../shared/api/findingsApi.ts';
import { runAthenaQuery } from '../../adapters/athenaQueryRunner.ts';

const logger = new Logger({ serviceName: 'apiscope', persistentKeys: { fn: 'api' } });
const athena = new AthenaClient({});

/** The read-only findings API behind API Gateway (IAM auth): parse, query Athena, answer JSON. */
export const handler = middy(async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const workGroup = process.env[ENV.athenaWorkGroup]!, database = process.env[ENV.glueDatabase]!;
  const r = await handleFindingsRequest({ resource: event.resource, pathParameters: event.pathParameters, query: event.queryStringParameters }, (sql) => runAthenaQuery(athena, sql, { workGroup, database }));
  return { ...r, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } };
}).use(injectLambdaContext(logger));
