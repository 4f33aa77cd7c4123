import { z } from 'zod';
import type { Severity } from '../../emit/rows.ts';
import { basicAuth, jsonOf, trimSlash, type Connector } from '../connector.ts';
import type { TicketDraft } from '../types.ts';

/**
 * Jira Cloud platform REST API v3 (developer.atlassian.com/cloud/jira/platform/rest/v3): create an issue
 * (`POST /rest/api/3/issue`, 201 `{id, key, self}`), comment (`POST /rest/api/3/issue/{key}/comment`, 201),
 * close: `GET /rest/api/3/issue/{key}/transitions` then `POST` the transition whose target status is in the
 * `done` category (204). Rich text (description, comment body) is Atlassian Document Format. Basic auth with
 * the account e-mail and an API token.
 */
export const jiraCredentials = z.object({ email: z.email('must be the e-mail of the Jira account the API token belongs to'), apiToken: z.string().min(1, 'must be the Jira API token') }).strict();

const PRIORITY: Record<Severity, string> = { critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low', info: 'Lowest' };

const text = (t: string) => ({ type: 'text', text: t });
const paragraph = (t: string) => ({ type: 'paragraph', content: t ? [text(t)] : [] });

/** An ADF document (version 1, type doc) of paragraphs and a bullet list of facts; no empty text nodes. */
export function toAdf(paragraphs: string[], facts: Array<[string, string]> = []) {
  const content: unknown[] = paragraphs.filter(Boolean).map(paragraph);
  if (facts.length) {
    content.push({
      type: 'bulletList',
      content: facts.map(([k, v]) => ({ type: 'listItem', content: [{ type: 'paragraph', content: [{ ...text(`${k}: `), marks: [{ type: 'strong' }] }, text(v || '-')] }] })),
    });
  }
  return { version: 1, type: 'doc', content };
}

const headers = (c: z.infer<typeof jiraCredentials>) => ({ Authorization: basicAuth(c.email, c.apiToken), Accept: 'application/json', 'Content-Type': 'application/json' });
const issueUrl = (base: string, key: string) => `${trimSlash(base)}/rest/api/3/issue/${encodeURIComponent(key)}`;

export const JIRA: Connector<z.infer<typeof jiraCredentials>> = {
  system: 'jira',
  credentials: jiraCredentials,
  create: (s, c, _ctx, d: TicketDraft) => ({
    method: 'POST',
    url: `${trimSlash(s.baseUrl)}/rest/api/3/issue`,
    headers: headers(c),
    body: JSON.stringify({
      fields: {
        project: { key: s.project },
        issuetype: { name: s.issueType },
        summary: d.title.replace(/[\r\n]+/g, ' ').slice(0, 254),
        description: toAdf(d.paragraphs, d.facts),
        labels: d.labels,
        priority: { name: PRIORITY[d.severity] },
      },
    }),
  }),
  parseCreate: (res, s) => {
    const b = jsonOf(res);
    if (typeof b.key !== 'string') throw new Error('no issue key');
    return { key: b.key, url: `${trimSlash(s.baseUrl)}/browse/${b.key}` };
  },
  comment: (s, c, _ctx, ref, t) => ({ method: 'POST', url: `${issueUrl(s.baseUrl, ref.key)}/comment`, headers: headers(c), body: JSON.stringify({ body: toAdf([t]) }) }),
  close: [
    (s, c, _ctx, ref) => ({ method: 'GET', url: `${issueUrl(s.baseUrl, ref.key)}/transitions`, headers: { Authorization: headers(c).Authorization, Accept: 'application/json' } }),
    (s, c, _ctx, ref, _text, prev) => {
      const transitions = (jsonOf(prev!).transitions ?? []) as Array<{ id: string; name: string; to?: { statusCategory?: { key?: string } } }>;
      const done = transitions.find((x) => x.to?.statusCategory?.key === 'done');
      if (!done) throw new Error(`jira close: issue ${ref.key} has no transition into a done status; it offers ${transitions.map((x) => x.name).join(', ') || 'none'}`);
      return { method: 'POST', url: `${issueUrl(s.baseUrl, ref.key)}/transitions`, headers: headers(c), body: JSON.stringify({ transition: { id: done.id } }) };
    },
  ],
  errorOf: (res) => {
    const b = jsonOf(res);
    const fields = Object.entries((b.errors ?? {}) as Record<string, string>).map(([k, v]) => `${k}: ${v}`);
    return [...((b.errorMessages as string[]) ?? []), ...fields].join('; ') || res.body.slice(0, 200);
  },
};
