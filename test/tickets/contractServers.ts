import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local stand-ins for the ticket systems (node:http on 127.0.0.1, random port). Each checks every request
 * against the service's documented contract (method, path, auth header form, content type, required fields
 * and their types, ADF for Jira) and answers like the service, errors included. A request that breaks the
 * contract is answered as the service would (400/401/404/422) and recorded in `violations`, which the tests
 * expect to stay empty. `failNext` scripts faults (5xx, 429 with Retry-After, a dropped connection).
 */
export interface Seen { method: string; path: string; query: URLSearchParams; headers: IncomingMessage['headers']; body: string }
export interface Answer { status: number; headers?: Record<string, string>; body?: unknown }
type Fault = Answer | 'drop';

export interface ContractServer {
  url: string;
  requests: Seen[];
  violations: string[];
  failNext(...faults: Fault[]): void;
  close(): Promise<void>;
}

async function serve(handle: (r: Seen, violation: (m: string, a: Answer) => Answer) => Answer): Promise<ContractServer> {
  const requests: Seen[] = [], violations: string[] = [], faults: Fault[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const u = new URL(req.url!, 'http://x');
      const seen: Seen = { method: req.method!, path: u.pathname, query: u.searchParams, headers: req.headers, body };
      requests.push(seen);
      const fault = faults.shift();
      if (fault === 'drop') { req.socket.destroy(); return; }
      const a = fault ?? handle(seen, (m, answer) => { violations.push(`${req.method} ${u.pathname}: ${m}`); return answer; });
      res.writeHead(a.status, { ...(a.body !== undefined ? { 'content-type': 'application/json' } : {}), ...a.headers });
      res.end(a.body === undefined ? undefined : typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests, violations,
    failNext: (...f) => { faults.push(...f); },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const json = (s: string): any => { try { return JSON.parse(s); } catch { return undefined; } };
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

/**
 * Atlassian Document Format as Jira Cloud takes it (developer.atlassian.com/cloud/jira/platform/apis/document/structure):
 * root `{version: 1, type: 'doc', content: [...]}`, block nodes with `content` arrays, text nodes with a
 * non-empty `text`, marks from the documented set. Returns the first problem, or null.
 */
export function adfProblem(doc: any): string | null {
  if (doc?.version !== 1 || doc?.type !== 'doc' || !Array.isArray(doc.content)) return 'description is not an ADF doc (version 1, type doc, content[])';
  const BLOCK: Record<string, string[]> = { doc: ['paragraph', 'bulletList', 'orderedList', 'heading', 'codeBlock'], bulletList: ['listItem'], orderedList: ['listItem'], listItem: ['paragraph', 'bulletList'], paragraph: ['text', 'hardBreak'], heading: ['text'], codeBlock: ['text'] };
  const walk = (n: any, parent: string): string | null => {
    if (typeof n?.type !== 'string') return `node without type under ${parent}`;
    if (!BLOCK[parent]?.includes(n.type)) return `${n.type} cannot be inside ${parent}`;
    if (n.type === 'text') {
      if (typeof n.text !== 'string' || n.text.length === 0) return 'text node with empty or missing text';
      for (const m of n.marks ?? []) if (!['strong', 'em', 'code', 'link', 'strike', 'underline'].includes(m?.type)) return `unknown mark ${m?.type}`;
      return null;
    }
    if (n.content !== undefined && !Array.isArray(n.content)) return `${n.type}.content is not an array`;
    for (const c of n.content ?? []) { const p = walk(c, n.type); if (p) return p; }
    return null;
  };
  for (const c of doc.content) { const p = walk(c, 'doc'); if (p) return p; }
  return null;
}

/** Jira Cloud REST v3: issue create, comment, transitions (developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues). */
export async function jiraServer(creds: { email: string; apiToken: string }, project = 'SEC'): Promise<ContractServer & { issues: Map<string, { status: string; comments: unknown[] }> }> {
  const issues = new Map<string, { status: string; comments: unknown[] }>();
  const jiraError = (status: number, ...errorMessages: string[]): Answer => ({ status, body: { errorMessages, errors: {} } });
  const s = await serve((r, violation) => {
    if (r.headers.authorization !== basic(creds.email, creds.apiToken)) {
      return r.headers.authorization?.startsWith('Basic ') ? jiraError(401, 'Client must be authenticated to access this resource.') : violation('Authorization is not Basic email:api-token', jiraError(401, 'Client must be authenticated to access this resource.'));
    }
    if (r.method !== 'GET' && !String(r.headers['content-type']).startsWith('application/json')) return violation('Content-Type is not application/json', { status: 415, body: { errorMessages: ['Unsupported Media Type'] } });
    const b = json(r.body);
    if (r.method === 'POST' && r.path === '/rest/api/3/issue') {
      const f = b?.fields;
      if (f?.project?.key !== project) return violation(`fields.project.key is not ${project}`, { status: 400, body: { errorMessages: [], errors: { project: 'valid project is required' } } });
      if (typeof f.issuetype?.name !== 'string') return violation('fields.issuetype.name missing', { status: 400, body: { errorMessages: [], errors: { issuetype: 'valid issue type is required' } } });
      if (typeof f.summary !== 'string' || !f.summary || f.summary.length > 255 || /[\r\n]/.test(f.summary)) return violation('fields.summary must be one line of 1-255 characters', { status: 400, body: { errorMessages: [], errors: { summary: "Field 'summary' is invalid" } } });
      const adf = adfProblem(f.description);
      if (adf) return violation(adf, { status: 400, body: { errorMessages: [], errors: { description: 'Operation value must be an Atlassian Document.' } } });
      if (f.labels && (!Array.isArray(f.labels) || f.labels.some((l: unknown) => typeof l !== 'string' || /\s/.test(l)))) return violation('labels must be strings without spaces', { status: 400, body: { errorMessages: [], errors: { labels: 'The label must not contain spaces.' } } });
      if (f.priority && !['Highest', 'High', 'Medium', 'Low', 'Lowest'].includes(f.priority.name)) return violation('unknown priority', { status: 400, body: { errorMessages: [], errors: { priority: 'Specify the Priority (name) in the string format' } } });
      const key = `${project}-${issues.size + 1}`;
      issues.set(key, { status: 'To Do', comments: [] });
      return { status: 201, body: { id: String(10000 + issues.size), key, self: `${s.url}/rest/api/3/issue/${10000 + issues.size}` } };
    }
    const m = /^\/rest\/api\/3\/issue\/([^/]+)\/(comment|transitions)$/.exec(r.path);
    if (!m) return violation('no such resource', jiraError(404, 'Not found'));
    const issue = issues.get(decodeURIComponent(m[1]));
    if (!issue) return jiraError(404, 'Issue does not exist or you do not have permission to see it.');
    if (m[2] === 'comment' && r.method === 'POST') {
      const adf = adfProblem(b?.body);
      if (adf) return violation(`comment ${adf}`, { status: 400, body: { errorMessages: [], errors: { comment: 'Comment body is not valid' } } });
      issue.comments.push(b.body);
      return { status: 201, body: { id: String(issue.comments.length), body: b.body } };
    }
    const offered = [{ id: '11', name: 'To Do', to: { name: 'To Do', statusCategory: { key: 'new' } } }, { id: '21', name: 'In Progress', to: { name: 'In Progress', statusCategory: { key: 'indeterminate' } } }, { id: '31', name: 'Done', to: { name: 'Done', statusCategory: { key: 'done' } } }];
    if (m[2] === 'transitions' && r.method === 'GET') return { status: 200, body: { transitions: offered } };
    if (m[2] === 'transitions' && r.method === 'POST') {
      const t = offered.find((o) => o.id === b?.transition?.id);
      if (!t) return violation('transition.id is not one the issue offers', { status: 400, body: { errorMessages: ['Transition id is not valid for this issue.'], errors: {} } });
      issue.status = t.to.name;
      return { status: 204 };
    }
    return violation(`${r.method} not allowed`, { status: 405 });
  });
  return Object.assign(s, { issues });
}

const TAPD_PRIORITIES = ['urgent', 'high', 'medium', 'low', 'insignificant'];
const TAPD_SEVERITIES = ['fatal', 'serious', 'normal', 'prompt', 'advice'];

/** TAPD open API: bugs (create, update) and comments (open.tapd.cn/document/api-doc/API文档/api_reference/bug/). */
export async function tapdServer(creds: { apiUser: string; apiPassword: string }, workspace = '20355782'): Promise<ContractServer & { bugs: Map<string, { status: string; comments: string[] }> }> {
  const bugs = new Map<string, { status: string; comments: string[] }>();
  const fail = (info: string): Answer => ({ status: 200, body: { status: 0, data: '', info } });
  const s = await serve((r, violation) => {
    if (r.headers.authorization !== basic(creds.apiUser, creds.apiPassword)) return { status: 401, body: { status: 0, data: '', info: 'Unauthorized' } };
    if (r.method !== 'POST') return violation('TAPD writes are POST', { status: 405 });
    if (!String(r.headers['content-type']).startsWith('application/x-www-form-urlencoded')) return violation('body is not form-encoded', fail('invalid request'));
    const f = new URLSearchParams(r.body);
    if (f.get('workspace_id') !== workspace) return violation(`workspace_id is not ${workspace}`, fail('workspace_id is required'));
    if (r.path === '/bugs' && f.has('id')) {
      const bug = bugs.get(f.get('id')!);
      if (!bug) return fail('bug not found');
      if (!f.get('status')) return violation('status update without status', fail('nothing to update'));
      bug.status = f.get('status')!;
      return { status: 200, body: { status: 1, data: { Bug: { id: f.get('id'), status: bug.status } }, info: 'success' } };
    }
    if (r.path === '/bugs') {
      if (!f.get('title')) return violation('title missing', fail('title is required'));
      if (f.has('priority_label') && !TAPD_PRIORITIES.includes(f.get('priority_label')!)) return violation('priority_label not a TAPD priority', fail('priority_label is invalid'));
      if (f.has('severity') && !TAPD_SEVERITIES.includes(f.get('severity')!)) return violation('severity not a TAPD severity', fail('severity is invalid'));
      const id = `1${workspace}50000${bugs.size + 1}`;
      bugs.set(id, { status: 'new', comments: [] });
      return { status: 200, body: { status: 1, data: { Bug: { id, title: f.get('title'), workspace_id: workspace, status: 'new' } }, info: 'success' } };
    }
    if (r.path === '/comments') {
      if (f.get('entry_type') !== 'bug') return violation('entry_type is not bug', fail('entry_type is invalid'));
      const bug = bugs.get(f.get('entry_id') ?? '');
      if (!bug) return fail('entry not found');
      if (!f.get('description')) return violation('description missing', fail('description is required'));
      bug.comments.push(f.get('description')!);
      return { status: 200, body: { status: 1, data: { Comment: { id: String(bug.comments.length), entry_id: f.get('entry_id') } }, info: 'success' } };
    }
    return violation('no such resource', { status: 404, body: { status: 0, info: 'not found' } });
  });
  return Object.assign(s, { bugs });
}

/** GitHub REST API, issues and issue comments (docs.github.com/en/rest/issues). */
export async function githubServer(token: string, repo = 'bank/security-findings'): Promise<ContractServer & { issues: Map<number, { state: string; comments: string[]; labels: string[] }> }> {
  const issues = new Map<number, { state: string; comments: string[]; labels: string[] }>();
  const s = await serve((r, violation) => {
    if (r.headers.authorization !== `Bearer ${token}`) return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
    if (r.headers.accept !== 'application/vnd.github+json') return violation('Accept is not application/vnd.github+json', { status: 415, body: { message: 'Unsupported media type' } });
    if (r.headers['x-github-api-version'] !== '2022-11-28') return violation('X-GitHub-Api-Version missing or unsupported', { status: 400, body: { message: 'Unsupported API version' } });
    if (!r.headers['user-agent']) return violation('User-Agent missing', { status: 403, body: { message: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header' } });
    const base = `/repos/${repo}/issues`;
    if (!r.path.startsWith(base)) return { status: 404, body: { message: 'Not Found' } };
    const b = json(r.body);
    if (r.method === 'POST' && r.path === base) {
      if (typeof b?.title !== 'string' || !b.title) return violation('title missing', { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Issue', field: 'title', code: 'missing_field' }] } });
      if (b.body !== undefined && typeof b.body !== 'string') return violation('body not a string', { status: 422, body: { message: 'Validation Failed' } });
      if (b.labels && (!Array.isArray(b.labels) || b.labels.some((l: unknown) => typeof l !== 'string'))) return violation('labels not strings', { status: 422, body: { message: 'Validation Failed' } });
      const number = issues.size + 1;
      issues.set(number, { state: 'open', comments: [], labels: b.labels ?? [] });
      return { status: 201, body: { number, html_url: `https://github.com/${repo}/issues/${number}`, state: 'open' } };
    }
    const m = new RegExp(`^${base}/(\\d+)(/comments)?$`).exec(r.path);
    const issue = m && issues.get(Number(m[1]));
    if (!issue) return { status: 404, body: { message: 'Not Found' } };
    if (m![2] && r.method === 'POST') {
      if (typeof b?.body !== 'string' || !b.body) return violation('comment body missing', { status: 422, body: { message: 'Validation Failed' } });
      issue.comments.push(b.body);
      return { status: 201, body: { id: issue.comments.length, body: b.body } };
    }
    if (!m![2] && r.method === 'PATCH') {
      if (b?.state !== undefined && !['open', 'closed'].includes(b.state)) return violation('state not open|closed', { status: 422, body: { message: 'Validation Failed' } });
      if (b?.state_reason !== undefined && !['completed', 'not_planned', 'reopened'].includes(b.state_reason)) return violation('state_reason unknown', { status: 422, body: { message: 'Validation Failed' } });
      issue.state = b.state ?? issue.state;
      return { status: 200, body: { number: Number(m![1]), state: issue.state } };
    }
    return violation(`${r.method} not allowed`, { status: 404, body: { message: 'Not Found' } });
  });
  return Object.assign(s, { issues });
}

/**
 * A webhook receiver as the apiscope docs tell one to be written: recompute the HMAC-SHA256 of the raw body
 * with the shared secret and compare in constant time, require the timestamp header to equal the signed
 * body's sentAt and be within 5 minutes of now, and drop repeated delivery ids.
 */
export async function webhookServer(secret: string, now: () => number): Promise<ContractServer & { events: any[] }> {
  const events: any[] = [];
  const seenDeliveries = new Set<string>();
  const s = await serve((r, violation) => {
    if (r.method !== 'POST' || !String(r.headers['content-type']).startsWith('application/json')) return violation('not a JSON POST', { status: 415 });
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`);
    const got = Buffer.from(String(r.headers['x-apiscope-signature'] ?? ''));
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) return { status: 401, body: { message: 'bad signature' } };
    const b = json(r.body);
    if (String(b?.sentAt) !== r.headers['x-apiscope-timestamp']) return violation('timestamp header differs from the signed sentAt', { status: 401, body: { message: 'timestamp mismatch' } });
    if (Math.abs(now() / 1000 - b.sentAt) > 300) return { status: 401, body: { message: 'stale timestamp' } };
    if (b.deliveryId !== r.headers['x-apiscope-delivery']) return violation('delivery header differs from the body', { status: 400 });
    if (seenDeliveries.has(b.deliveryId)) return { status: 200, body: { duplicate: true } };
    seenDeliveries.add(b.deliveryId);
    events.push(b);
    return b.event === 'ticket.create' ? { status: 201, body: { key: `WH-${events.length}`, url: `https://tickets.bank.example/WH-${events.length}` } } : { status: 204 };
  });
  return Object.assign(s, { events });
}
