import type { Logger } from '@aws-lambda-powertools/logger';
import { readSecretText } from '../../adapters/secrets/readSecret.ts';
import { ENV } from '../../shared/config/env.ts';
import { ticketClient } from '../../shared/tickets/connector.ts';
import { CONNECTORS } from '../../shared/tickets/connectors/index.ts';
import { parseCredentials, settingsOf, ticketsConfigSchema } from '../../shared/tickets/config.ts';
import { TicketConfigError } from '../../shared/tickets/errors.ts';
import { fetchSend } from '../../shared/tickets/http.ts';
import { TicketService } from '../../shared/tickets/ticketService.ts';
import type { TriageStore } from '../../shared/triage/store.ts';

/**
 * The TicketService the stack configured: settings from APISCOPE_TICKETS (JSON), credentials from the secret
 * named by APISCOPE_TICKETS_SECRET_ARN, read once. Undefined when no connector is configured; a configured
 * but unusable one throws TicketConfigError naming what to fix.
 */
export async function ticketServiceFromEnv(triage: TriageStore, logger?: Logger, env: NodeJS.ProcessEnv = process.env): Promise<TicketService | undefined> {
  const raw = env[ENV.tickets];
  if (!raw) return undefined;
  const parsed = ticketsConfigSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new TicketConfigError(`${ENV.tickets}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const config = parsed.data;
  const secretId = env[ENV.ticketsSecretArn];
  if (!secretId) throw new TicketConfigError(`${ENV.ticketsSecretArn} is not set: the ticket connector has no credentials`);
  const credentials = parseCredentials(config.connector, await readSecretText(secretId), `secret ${secretId}`);
  logger?.info('ticket connector ready', { connector: config.connector, baseUrl: config.baseUrl, project: config.project, minSeverity: config.minSeverity });
  return new TicketService({
    client: ticketClient(CONNECTORS[config.connector], settingsOf(config), credentials, fetchSend()),
    triage,
    minSeverity: config.minSeverity,
    onResolve: config.onResolve,
  });
}
