/**
 * A ticket system refused or failed a call. The message names the system, the operation and what the system
 * said (`jira create: 400 Bad Request: summary: Field 'summary' cannot be empty`), never the credentials.
 * `retryable` is true when it failed for a reason that may pass later (5xx, 429, network), after retries.
 */
export class TicketError extends Error {
  override name = 'TicketError';
  constructor(message: string, readonly status: number | null, readonly retryable: boolean) {
    super(message);
  }
}

/** The connector's configuration or credentials are unusable; the message names the field to fix. */
export class TicketConfigError extends Error {
  override name = 'TicketConfigError';
}
