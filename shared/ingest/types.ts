/** One log event inside a CloudWatch Logs subscription payload. */
export interface LogEvent {
  id: string;
  timestamp: number;
  message: string;
}

/** A decoded CloudWatch Logs subscription payload, as Kinesis delivers it. */
export type SubscriptionPayload =
  | { kind: 'data'; owner: string; logGroup: string; logStream: string; logEvents: LogEvent[] }
  | { kind: 'control' };
