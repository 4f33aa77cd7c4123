import { createHash, createHmac } from 'node:crypto';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, type RunningConsole } from '../../cli/console.ts';
import { CHROMIUM, launchChromium } from './chromium.ts';
import { replayedSample } from './lake.ts';

/**
 * The deployed console's code path, in Chromium, with no AWS: the page is served by `apiscope console`, but its
 * config.json says `deployed`, and the browser's requests to Cognito (hosted UI, token endpoint), the
 * identity pool and the API are answered by this test (playwright routes; nothing leaves the machine). It
 * checks what AWS would check: the authorization-code request with PKCE (the verifier matches the challenge),
 * the identity pool exchange of the ID token, and each API call signed with SigV4 by the identity pool's
 * credentials (the signature recomputed here), then answers from the local API.
 */
const REGION = 'eu-west-1';
const AUTH = 'https://bank-apiscope.auth.eu-west-1.amazoncognito.com';
const API = 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/v1';
const IDP = 'https://cognito-identity.eu-west-1.amazonaws.com/';
const CONFIG = {
  mode: 'deployed', region: REGION, apiUrl: API, userPoolId: 'eu-west-1_Te5tPool1', userPoolClientId: '5kq1clientid0example', identityPoolId: 'eu-west-1:0b5e7c3a-1111-2222-3333-444455556666',
  authDomain: AUTH, ticketsConfigured: false,
};
const CREDS = { AccessKeyId: 'ASIAEXAMPLECONSOLE01', SecretKey: 'console/secret/key/for/the/test/only0000', SessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE-session-token' };
/** The CSP CloudFront sends for the deployed console (infra/constructs/console.ts), with this test's hosts. */
const CSP = `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self' https://*.execute-api.${REGION}.amazonaws.com https://cognito-identity.${REGION}.amazonaws.com https://cognito-idp.${REGION}.amazonaws.com ${AUTH}; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const jwt = (claims: Record<string, unknown>) => `${b64url(JSON.stringify({ alg: 'RS256', kid: 'test' }))}.${b64url(JSON.stringify(claims))}.${b64url('not-checked-by-the-browser')}`;
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s).digest();
const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** SigV4 as the execute-api authorizer checks it: the canonical request of what arrived, signed with the secret. */
function expectSignedByConsoleCredentials(method: string, url: URL, headers: Record<string, string>, body: string) {
  const auth = headers.authorization ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/execute-api\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  expect(m, auth).toBeTruthy();
  const [, key, day, region, signed, signature] = m!;
  expect([key, region]).toEqual([CREDS.AccessKeyId, REGION]);
  expect(headers['x-amz-security-token']).toBe(CREDS.SessionToken);
  const names = signed.split(';');
  expect(names).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']));
  const value = (n: string) => (n === 'host' ? url.host : headers[n]).trim();
  const query = [...url.searchParams].map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)]).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
  const path = url.pathname.split('/').map((s) => encodeURIComponent(decodeURIComponent(s)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).map((s) => encodeURIComponent(s)).join('/');
  const canonical = [method, path, query, ...names.map((n) => `${n}:${value(n)}`), '', signed, headers['x-amz-content-sha256'] ?? sha256(body)].join('\n');
  const scope = `${day}/${region}/execute-api/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', headers['x-amz-date'], scope, sha256(canonical)].join('\n');
  const k = hmac(hmac(hmac(hmac(`AWS4${CREDS.SecretKey}`, day), region), 'execute-api'), 'aws4_request');
  expect(createHmac('sha256', k).update(toSign).digest('hex'), `canonical request:\n${canonical}`).toBe(signature);
}

describe.skipIf(!CHROMIUM)('console in deployed mode (Cognito sign-in, identity pool, SigV4), in headless Chromium', () => {
  let sample: Awaited<ReturnType<typeof replayedSample>>;
  let running: RunningConsole;
  let ctx: BrowserContext;
  let page: Page;
  let origin: string;
  const seen = { authorize: [] as URL[], token: [] as URLSearchParams[], idp: [] as string[], api: [] as string[], refused: [] as string[], elsewhere: [] as string[], errors: [] as string[] };

  const cors = (r: Route) => ({ 'access-control-allow-origin': origin, 'access-control-allow-headers': r.request().headers()['access-control-request-headers'] ?? '*', 'access-control-allow-methods': 'GET, POST, PATCH', vary: 'origin' });

  beforeAll(async () => {
    sample = await replayedSample('console-deployed-');
    running = await startConsole({ data: sample.lake, port: '0' });
    origin = new URL(running.url).origin;
    ctx = await launchChromium();
    page = await ctx.newPage();
    page.on('console', (m) => { if (m.type() === 'error') seen.errors.push(m.text()); });
    page.on('pageerror', (e) => seen.errors.push(e.message));

    await ctx.route('**/*', async (route) => {
      const req = route.request();
      const url = new URL(req.url());
      if (url.origin === origin && url.pathname === '/config.json') return route.fulfill({ json: CONFIG });
      if (url.origin === origin && url.pathname === '/') {
        const r = await route.fetch();
        return route.fulfill({ response: r, headers: { ...r.headers(), 'content-security-policy': CSP } });
      }
      if (url.origin === origin) return route.continue();
      if (req.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors(route) });
      if (`${url.origin}${url.pathname}` === `${AUTH}/oauth2/authorize`) {
        seen.authorize.push(url);
        // The hosted UI signs the user in and sends the browser back (a meta refresh: playwright does not route the target of a 302 it fulfilled).
        const back = `${url.searchParams.get('redirect_uri')}?code=auth-code-1&state=${url.searchParams.get('state')}`;
        return route.fulfill({ contentType: 'text/html', body: `<!doctype html><meta http-equiv="refresh" content="0;url=${back.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">` });
      }
      if (`${url.origin}${url.pathname}` === `${AUTH}/oauth2/token`) {
        const form = new URLSearchParams(req.postData() ?? '');
        seen.token.push(form);
        const now = Math.floor(Date.now() / 1000);
        const idToken = jwt({ iss: `https://cognito-idp.${REGION}.amazonaws.com/${CONFIG.userPoolId}`, aud: CONFIG.userPoolClientId, sub: '5f0c2a9e-1b7d-4c2e-9a51-3e8d7b6c4a10', email: 'fatima@bank.example', token_use: 'id', iat: now, exp: now + 3600, 'cognito:groups': ['apiscope-triagers'] });
        return route.fulfill({ headers: cors(route), json: { id_token: idToken, access_token: jwt({ token_use: 'access', exp: now + 3600 }), token_type: 'Bearer', expires_in: 3600 } });
      }
      if (req.url() === IDP) {
        const target = req.headers()['x-amz-target'];
        const body = JSON.parse(req.postData() ?? '{}');
        seen.idp.push(target);
        const headers = { ...cors(route), 'content-type': 'application/x-amz-json-1.1' };
        if (target === 'AWSCognitoIdentityService.GetId') {
          expect(body).toEqual({ IdentityPoolId: CONFIG.identityPoolId, Logins: { [`cognito-idp.${REGION}.amazonaws.com/${CONFIG.userPoolId}`]: expect.any(String) } });
          return route.fulfill({ headers, body: JSON.stringify({ IdentityId: 'eu-west-1:7d3e0000-aaaa-bbbb-cccc-000000000001' }) });
        }
        if (target === 'AWSCognitoIdentityService.GetCredentialsForIdentity') {
          expect(body.IdentityId).toBe('eu-west-1:7d3e0000-aaaa-bbbb-cccc-000000000001');
          return route.fulfill({ headers, body: JSON.stringify({ IdentityId: body.IdentityId, Credentials: { ...CREDS, Expiration: Date.now() / 1000 + 3600 } }) });
        }
      }
      if (req.url().startsWith(`${API}/`)) {
        const body = req.postData() ?? '';
        try {
          expectSignedByConsoleCredentials(req.method(), url, req.headers(), body);
        } catch (e) {
          seen.refused.push(`${req.method()} ${url.pathname}: ${(e as Error).message.split('\n')[0]}`);
          return route.fulfill({ status: 403, headers: { ...cors(route), 'content-type': 'application/json' }, json: { message: 'The request signature we calculated does not match the signature you provided.' } });
        }
        seen.api.push(`${req.method()} ${url.pathname}`);
        // Answer as API Gateway would after the IAM authorizer: the findings API over the same lake.
        const local = await fetch(`${origin}/api${url.pathname.slice('/v1'.length)}${url.search}`, {
          method: req.method(), body: req.method() === 'GET' ? undefined : body,
          headers: { 'content-type': 'application/json', 'x-apiscope-console': '1', ...(req.headers()['if-match'] ? { 'if-match': req.headers()['if-match'] } : {}) },
        });
        return route.fulfill({ status: local.status, headers: { ...cors(route), 'content-type': 'application/json' }, body: await local.text() });
      }
      seen.elsewhere.push(req.url());
      return route.abort();
    });
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
    await running?.close();
    sample?.remove();
  });

  it('sends the browser to the hosted UI with an authorization-code request and PKCE (S256), and redeems the code with the matching verifier', async () => {
    await page.goto(`${origin}/#/defects`);
    await page.getByRole('heading', { level: 1, name: 'Defects' }).waitFor({ timeout: 30_000 });
    expect(seen.authorize).toHaveLength(1);
    const a = seen.authorize[0].searchParams;
    expect(Object.fromEntries(['client_id', 'redirect_uri', 'response_type', 'scope', 'code_challenge_method'].map((k) => [k, a.get(k)]))).toEqual({
      client_id: CONFIG.userPoolClientId, redirect_uri: `${origin}/`, response_type: 'code', scope: 'openid email profile', code_challenge_method: 'S256',
    });
    expect(seen.token).toHaveLength(1);
    const t = seen.token[0];
    expect([t.get('grant_type'), t.get('code'), t.get('client_id'), t.get('redirect_uri')]).toEqual(['authorization_code', 'auth-code-1', CONFIG.userPoolClientId, `${origin}/`]);
    expect(t.has('client_secret')).toBe(false);
    expect(createHash('sha256').update(t.get('code_verifier')!).digest('base64url')).toBe(a.get('code_challenge'));
    // Back on the page the user asked for, without the code in the address bar.
    expect(new URL(page.url()).search).toBe('');
    expect(new URL(page.url()).hash).toBe('#/defects');
  });

  it('exchanges the ID token at the identity pool and signs every API call with its credentials; the user is shown and can sign out', async () => {
    await page.locator('table[aria-label="Defects"] tbody tr').first().waitFor();
    expect(seen.idp).toEqual(['AWSCognitoIdentityService.GetId', 'AWSCognitoIdentityService.GetCredentialsForIdentity']);
    expect(seen.api).toContain('GET /v1/defects');
    const side = await page.getByRole('complementary', { name: 'Navigation' }).innerText();
    expect(side).toContain('AWS');
    expect(side).toContain('fatima@bank.example');
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
  });

  it('triages through the signed API: PATCH with If-Match, read back after a reload (no second sign-in)', async () => {
    await page.getByRole('link', { name: 'No rate limiting on a heavily used endpoint' }).click();
    const form = page.getByRole('form', { name: 'Triage' });
    await form.waitFor();
    await form.getByLabel('Status').selectOption('acknowledged');
    await form.getByLabel('Owner').fill('team-accounts');
    await form.getByRole('button', { name: 'Save triage' }).click();
    await expect.poll(() => form.getByRole('status').innerText()).toBe('Saved as fatima@bank.example.');
    expect(seen.api.filter((s) => s.startsWith('PATCH /v1/defects/'))).toHaveLength(1);
    await page.reload();
    await page.getByRole('form', { name: 'Triage' }).waitFor();
    expect(await page.getByRole('form', { name: 'Triage' }).getByLabel('Owner').inputValue()).toBe('team-accounts');
    expect(seen.authorize).toHaveLength(1);
  });

  it('had every API call signed correctly, reached nothing else, and raised no page error', () => {
    const defect = expect.stringMatching(/^\/v1\/defects\/[0-9a-f]{16}$/);
    expect(seen.api.map((s) => s.split(' '))).toEqual([['GET', '/v1/defects'], ['GET', defect], ['PATCH', defect], ['GET', defect]]);
    expect(seen.refused).toEqual([]);
    expect(seen.elsewhere).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
});
