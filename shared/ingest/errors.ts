import type { RejectReason } from '../normalize/types.ts';

/** A Kinesis record that cannot be decoded at all. Carries the reason used in metrics and quarantine. */
export class DecodeError extends Error {
  override name = 'DecodeError';
  constructor(readonly reason: RejectReason, message: string) {
    super(message);
  }
}
