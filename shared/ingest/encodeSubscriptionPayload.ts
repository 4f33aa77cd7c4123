import { gzipSync } from 'node:zlib';
import type { LogEvent } from './types.ts';

/**
 * Builds a CloudWatch Logs subscription payload exactly as CloudWatch Logs hands it to Kinesis (gzip JSON).
 * The local runner and the tests use it to feed the same bytes the Lambda functions receive in AWS.
 */
export function encodeSubscriptionPayload(logEvents: LogEvent[], logGroup = '/apiscope/access', logStream = 'local'): Buffer {
  return gzipSync(
    JSON.stringify({
      messageType: 'DATA_MESSAGE',
      owner: '000000000000',
      logGroup,
      logStream,
      subscriptionFilters: ['apiscope'],
      logEvents,
    }),
  );
}
