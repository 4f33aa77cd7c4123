import { z } from 'zod';
import type { Severity } from '../../emit/rows.ts';
import { basicAuth, jsonOf, trimSlash, type Connector } from '../connector.ts';

/**
 * TAPD open API (open.tapd.cn, api_reference/bug): create a bug with `POST https://api.tapd.cn/bugs`
 * (workspace_id, title, description, priority_label, severity, reporter; answer `{status: 1, data: {Bug: {id}}}`),
 * comment with `POST /comments` (entry_type bug, entry_id, description, author), change its status with
 * `POST /bugs` carrying `id` and `status`. Form-encoded bodies, Basic auth with the API account. TAPD answers
 * some failures with HTTP 200 and `status` other than 1, `info` saying why.
 */
export const tapdCredentials = z.object({ apiUser: z.string().min(1, 'must be the TAPD API account (api_user)'), apiPassword: z.string().min(1, 'must be the TAPD API password (api_password)') }).strict();

/** TAPD's built-in priority_label and severity values. */
export const TAPD_PRIORITY: Record<Severity, string> = { critical: 'urgent', high: 'high', medium: 'medium', low: 'low', info: 'insignificant' };
export const TAPD_SEVERITY: Record<Severity, string> = { critical: 'fatal', high: 'serious', medium: 'normal', low: 'prompt', info: 'advice' };

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const headers = (c: z.infer<typeof tapdCredentials>) => ({ Authorization: basicAuth(c.apiUser, c.apiPassword), Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' });
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const TAPD: Connector<z.infer<typeof tapdCredentials>> = {
  system: 'tapd',
  credentials: tapdCredentials,
  create: (s, c, _ctx, d) => ({
    method: 'POST',
    url: `${trimSlash(s.baseUrl)}/bugs`,
    headers: headers(c),
    body: form({
      workspace_id: s.project,
      title: d.title,
      description: [...d.paragraphs.map((p) => `<p>${html(p)}</p>`), `<ul>${d.facts.map(([k, v]) => `<li><b>${html(k)}</b>: ${html(v)}</li>`).join('')}</ul>`].join(''),
      priority_label: TAPD_PRIORITY[d.severity],
      severity: TAPD_SEVERITY[d.severity],
      reporter: c.apiUser,
      label: d.labels.join('|'),
    }),
  }),
  parseCreate: (res, s) => {
    const id = jsonOf(res).data?.Bug?.id;
    if (typeof id !== 'string' && typeof id !== 'number') throw new Error('no data.Bug.id');
    return { key: String(id), url: `https://www.tapd.cn/${s.project}/bugtrace/bugs/view?bug_id=${id}` };
  },
  comment: (s, c, _ctx, ref, t) => ({
    method: 'POST', url: `${trimSlash(s.baseUrl)}/comments`, headers: headers(c),
    body: form({ workspace_id: s.project, entry_type: 'bug', entry_id: ref.key, description: `<p>${html(t)}</p>`, author: c.apiUser }),
  }),
  close: [
    (s, c, _ctx, ref) => ({
      method: 'POST', url: `${trimSlash(s.baseUrl)}/bugs`, headers: headers(c),
      body: form({ workspace_id: s.project, id: ref.key, status: s.closeStatus, current_user: c.apiUser }),
    }),
  ],
  errorOf: (res) => String(jsonOf(res).info ?? '') || res.body.slice(0, 200),
  failedDespite2xx: (res) => jsonOf(res).status !== 1,
};
