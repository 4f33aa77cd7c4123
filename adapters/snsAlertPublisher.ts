import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertPublisher } from '../shared/engine/ports.ts';

export class SnsAlertPublisher implements AlertPublisher {
  constructor(private readonly sns: SNSClient, private readonly topicArn: string) {}

  async publish(subject: string, message: string, attributes: Record<string, string>): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: subject,
        Message: message,
        MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
      }),
    );
  }
}
