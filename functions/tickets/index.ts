import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { DynamoTriageStore } from '../../adapters/dynamoTriageStore.ts';
import { ENV } from '../../shared/config/env.ts';
import { TicketConfigError } from '../../shared/tickets/errors.ts';
import { ticketServiceFromEnv } from './fromEnv.ts';

const logger = new Logger({ serviceName: 'apiscope', persistentKeys: { fn: 'tickets' } });
const triage = new DynamoTriageStore(new DynamoDBClient({}), process.env[ENV.table]!);
// Credentials are read at cold start: a missing or malformed secret fails the init with what to fix.
const tickets = await ticketServiceFromEnv(triage, logger);
if (!tickets) throw new TicketConfigError(`${ENV.tickets} is not set: this function is deployed only with a ticket connector`);

/**
 * Subscribed to the alert topic (filter: kind defect or defect_resolved). Each SNS record is one alert; a
 * ticket-system failure fails the invocation, so Lambda retries it (asynchronous invocation, twice) and then
 * sends the event to the dead-letter queue. A message that is not a defect notification is logged and skipped.
 */
export const handler = middy(async (event: SNSEvent): Promise<void> => {
  for (const r of event.Records) {
    let message: unknown;
    try {
      message = JSON.parse(r.Sns.Message);
    } catch {
      logger.warn('not JSON, skipped', { messageId: r.Sns.MessageId });
      continue;
    }
    const outcome = await tickets.handleNotification(message);
    logger.info('alert handled', { messageId: r.Sns.MessageId, outcome, defectId: (message as { defectId?: string })?.defectId });
  }
}).use(injectLambdaContext(logger));
