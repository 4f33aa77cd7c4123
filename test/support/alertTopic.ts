import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SnsAlertPublisher } from '../../adapters/snsAlertPublisher.ts';
import { Faults, injectedError } from './faults.ts';

export interface DeliveredAlert {
  subject: string;
  /** The message, parsed. */
  message: Record<string, unknown>;
  attributes: Record<string, string>;
}

export const ALERT_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:apiscope-alerts';

/**
 * The alert topic: the real SnsAlertPublisher and SNS client, with `send` mocked by aws-sdk-client-mock (the one
 * mock in these tests: SNS has no emulator). Publishes fail as `faults` says (`Publish` calls); a mocked send
 * skips the SDK's retries, so each failure reaches the outbox. `delivered` holds what the topic accepted.
 */
export function mockAlertTopic(faults: Faults = new Faults()) {
  const sns = mockClient(SNSClient);
  const delivered: DeliveredAlert[] = [];
  sns.on(PublishCommand).callsFake((input: { Subject?: string; Message?: string; MessageAttributes?: Record<string, { StringValue?: string }> }) => {
    const mode = faults.next('Publish', input);
    if (mode === 'before') throw injectedError('Publish', faults.calls.Publish);
    delivered.push({
      subject: input.Subject ?? '',
      message: JSON.parse(input.Message ?? '{}'),
      attributes: Object.fromEntries(Object.entries(input.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? ''])),
    });
    if (mode === 'lost-response') throw injectedError('Publish', faults.calls.Publish);
    return { MessageId: `m-${delivered.length}` };
  });
  return {
    delivered,
    publisher: new SnsAlertPublisher(new SNSClient({ region: 'us-east-1' }), ALERT_TOPIC_ARN),
    /** Dedup keys of the delivered alerts, sorted, one entry per delivery. */
    keys: () => delivered.map((d) => String(d.message.dedupKey)).sort(),
    restore: () => sns.restore(),
  };
}
