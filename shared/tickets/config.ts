import { z } from 'zod';
import { SEVERITIES } from '../api/filters.ts';
import { TICKET_SYSTEMS } from '../triage/model.ts';
import { CONNECTORS } from './connectors/index.ts';
import { TicketConfigError } from './errors.ts';
import type { ConnectorSettings } from './connector.ts';

/**
 * The ticket connector's settings (infra config option `tickets`, passed to the functions as JSON in
 * APISCOPE_TICKETS). Credentials are not here: they live in the Secrets Manager secret the stack creates.
 */
export const ticketsConfigSchema = z
  .object({
    connector: z.enum(TICKET_SYSTEMS, `must be one of ${TICKET_SYSTEMS.join(', ')}`),
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://bank.atlassian.net' }),
    project: z.string().max(200).default(''),
    /** New defect alerts at or above this severity open a ticket on their own. */
    minSeverity: z.enum(SEVERITIES, `must be one of ${SEVERITIES.join(', ')}`).default('high'),
    /** What a resolved defect does to its ticket: a comment only, or a comment and closing it. */
    onResolve: z.enum(['comment', 'close'], 'must be comment or close').default('close'),
    issueType: z.string().min(1).max(60).default('Bug'),
    closeStatus: z.string().min(1).max(60).default('resolved'),
  })
  .strict()
  .superRefine((c, ctx) => {
    const need: Record<string, [RegExp, string] | undefined> = {
      jira: [/^[A-Z][A-Z0-9_]{1,9}$/, 'must be the Jira project key, e.g. SEC'],
      tapd: [/^\d{1,20}$/, 'must be the TAPD workspace id (digits), e.g. 20355782'],
      github: [/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/, 'must be owner/repo, e.g. bank/security-findings'],
    };
    const rule = need[c.connector];
    if (rule && !rule[0].test(c.project)) ctx.addIssue({ code: 'custom', path: ['project'], message: `${rule[1]} (connector ${c.connector})` });
    // Credentials travel in the Authorization header: https, except to this machine (local runs and tests).
    if (c.connector !== 'webhook' && !c.baseUrl.startsWith('https://') && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(c.baseUrl)) ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: `must be https for ${c.connector}` });
  });

export type TicketsConfig = z.output<typeof ticketsConfigSchema>;

export const settingsOf = (c: TicketsConfig): ConnectorSettings => ({ baseUrl: c.baseUrl, project: c.project, issueType: c.issueType, closeStatus: c.closeStatus });

/**
 * The connector's credentials from the secret's JSON, checked against its shape. The message names the
 * missing or wrong fields (never their values) and the shape expected.
 */
export function parseCredentials(system: TicketsConfig['connector'], secretText: string | undefined, where: string): unknown {
  let v: unknown;
  try {
    v = JSON.parse(secretText ?? '');
  } catch {
    throw new TicketConfigError(`${where}: the secret must hold JSON credentials for ${system}, e.g. ${EXAMPLE[system]}`);
  }
  const r = CONNECTORS[system].credentials.safeParse(v);
  if (!r.success) throw new TicketConfigError(`${where}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}; expected ${EXAMPLE[system]}`);
  return r.data;
}

const EXAMPLE: Record<TicketsConfig['connector'], string> = {
  jira: '{"email":"bot@bank.example","apiToken":"..."}',
  tapd: '{"apiUser":"...","apiPassword":"..."}',
  github: '{"token":"github_pat_..."}',
  webhook: '{"signingSecret":"<32+ random characters>"}',
};
