import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** CloudWatch Logs accepts only some retention values; returns the smallest one that keeps logs >= `days`. */
export function logRetentionFor(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays)
    .filter((v): v is RetentionDays => typeof v === 'number' && v > 0)
    .sort((a, b) => a - b);
  return allowed.find((v) => v >= days) ?? RetentionDays.TEN_YEARS;
}
