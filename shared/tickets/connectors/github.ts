import { z } from 'zod';
import { jsonOf, trimSlash, type Connector } from '../connector.ts';
import { draftText } from '../draft.ts';

/**
 * GitHub REST API (docs.github.com/en/rest/issues): create an issue `POST /repos/{owner}/{repo}/issues`
 * (201 `{number, html_url}`), comment `POST /repos/{owner}/{repo}/issues/{number}/comments` (201), close
 * `PATCH /repos/{owner}/{repo}/issues/{number}` with `state: closed` (200). Bearer token (fine-grained PAT
 * or app token with Issues write), `Accept: application/vnd.github+json`, `X-GitHub-Api-Version`, and a
 * User-Agent (GitHub refuses requests without one).
 */
export const githubCredentials = z.object({ token: z.string().min(1, 'must be a GitHub token with Issues: write on the repository') }).strict();

export const GITHUB_API_VERSION = '2022-11-28';

const headers = (c: z.infer<typeof githubCredentials>) => ({
  Authorization: `Bearer ${c.token}`, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': GITHUB_API_VERSION, 'Content-Type': 'application/json', 'User-Agent': 'apiscope-tickets',
});
const issues = (s: { baseUrl: string; project: string }) => {
  const [owner, repo] = s.project.split('/');
  return `${trimSlash(s.baseUrl)}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/issues`;
};

export const GITHUB: Connector<z.infer<typeof githubCredentials>> = {
  system: 'github',
  credentials: githubCredentials,
  create: (s, c, _ctx, d) => ({ method: 'POST', url: issues(s), headers: headers(c), body: JSON.stringify({ title: d.title, body: draftText(d), labels: d.labels }) }),
  parseCreate: (res) => {
    const b = jsonOf(res);
    if (!Number.isInteger(b.number) || typeof b.html_url !== 'string') throw new Error('no number and html_url');
    return { key: String(b.number), url: b.html_url };
  },
  comment: (s, c, _ctx, ref, t) => ({ method: 'POST', url: `${issues(s)}/${ref.key}/comments`, headers: headers(c), body: JSON.stringify({ body: t }) }),
  close: [(s, c, _ctx, ref) => ({ method: 'PATCH', url: `${issues(s)}/${ref.key}`, headers: headers(c), body: JSON.stringify({ state: 'closed', state_reason: 'completed' }) })],
  errorOf: (res) => {
    const b = jsonOf(res);
    const details = ((b.errors ?? []) as Array<{ field?: string; code?: string; message?: string }>).map((e) => e.message ?? `${e.field}: ${e.code}`);
    return [b.message, ...details].filter(Boolean).join('; ') || res.body.slice(0, 200);
  },
};
