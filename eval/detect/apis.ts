/**
 * API shapes of the corpus: banking, e-commerce, SaaS with login, payments with create/confirm flows and a
 * file-heavy API. Each run draws its APIs with other names, prefixes, id formats, login routes and domains,
 * so no detector can lean on one spelling.
 */
import type { Gen } from './gen.ts';

export type ApiKind = 'banking' | 'ecommerce' | 'saas' | 'payments' | 'files';

export interface Endpoint {
  method: string;
  template: string;
  /** Answer size range for a success. */
  bytes: [number, number];
  /** The concrete path for these parameter values (in template order). */
  path(...ids: string[]): string;
}

export interface Api {
  name: string;
  kind: ApiKind;
  domain: string;
  stage: string;
  proxied: boolean;
  /** `*.execute-api.*` domain: the path starts with `/<stage>`. */
  executeApi: boolean;
  login: Endpoint;
  /** What a wrong password gets here: 401, or 400 (OAuth `invalid_grant`). */
  loginFail: 400 | 401;
  refresh: Endpoint;
  passwordReset: Endpoint;
  me: Endpoint;
  lists: Endpoint[];
  /** GET on one of the caller's own objects. */
  owned: Endpoint[];
  /** GET on an object by numeric id: what enumeration, scraping, paging and support look-ups walk. */
  walkable: Endpoint;
  /** create -> fetch -> confirm (and capture): the business flow. */
  flow: { create: Endpoint; fetch: Endpoint; confirm: Endpoint; capture: Endpoint };
  /** A write on an owned object (comments, notes) that is not part of the flow. */
  update: Endpoint;
  download: Endpoint;
  /** Paged listing a bulk export walks. */
  pagedList: Endpoint;
  publicGets: Endpoint[];
  health: Endpoint;
  /** An owned object id. */
  ownId(): string;
  /** A flow object id (payment, order). */
  flowId(): string;
  /** Numeric ids of walkable objects live in [lo, hi]. */
  idRange: [number, number];
  /** Interactive clients of this API (its apps and browsers). */
  appUas: string[];
}

function ep(method: string, template: string, bytes: [number, number]): Endpoint {
  const parts = template.split(/(\{[^}]+\})/);
  return {
    method, template, bytes,
    path(...ids: string[]) { let i = 0; return parts.map((p) => (p.startsWith('{') ? encodeURIComponent(ids[i++] ?? '0') : p)).join(''); },
  };
}

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
];

function appUas(g: Gen, app: string): string[] {
  const v = `${g.int(2, 9)}.${g.int(0, 30)}.${g.int(0, 9)}`;
  return [
    `${app}/${v} (iPhone; iOS 18.${g.int(0, 2)}; Scale/3.00)`, `${app}/${g.int(100, 999)} CFNetwork/1568.200.51 Darwin/24.1.0`,
    `${app}/${v} (Linux; Android 14; Pixel 8)`, `${app}/${v} (Linux; Android 13; SM-A546B)`, 'okhttp/4.12.0',
    ...BROWSERS,
  ];
}

const WORDS: Record<ApiKind, { apps: string[]; tld: string[] }> = {
  banking: { apps: ['Fernbank', 'Northwind Bank', 'Kestrel Money', 'Lumen Credit'], tld: ['bank.example', 'money.example'] },
  ecommerce: { apps: ['Shoply', 'Marketa', 'Cartwheel', 'Basketry'], tld: ['shop.example', 'store.example'] },
  saas: { apps: ['Taskforge', 'Planwise', 'Orbitdesk', 'Notably'], tld: ['app.example', 'cloud.example'] },
  payments: { apps: ['Paycadia', 'Settlr', 'Coinrail', 'Tillpoint'], tld: ['pay.example', 'payments.example'] },
  files: { apps: ['Driftbox', 'Filevault', 'Stashly', 'Docuhub'], tld: ['files.example', 'drive.example'] },
};

/** Draws an API of a kind with its own names, prefix, id formats and domain. */
export function makeApi(g: Gen, kind: ApiKind, index: number): Api {
  const w = WORDS[kind];
  const app = g.pick(w.apps).replace(/\s/g, '');
  const prefix = g.pick(['', '/v1', '/api', '/api/v2', '/v3']);
  const P = (s: string) => prefix + s;
  const executeApi = g.chance(0.35);
  const stage = g.pick(['prod', 'live', 'v1']);
  const domain = executeApi ? `${g.hex(10)}.execute-api.${g.pick(['eu-west-1', 'us-east-1', 'ap-southeast-2'])}.amazonaws.com` : `api${index}.${app.toLowerCase()}.${g.pick(w.tld)}`;
  const numeric = () => String(g.int(100_000, 999_999));
  const ownId = g.pick([numeric, () => g.uuid(), () => `${kind.slice(0, 3)}_${g.alnum(14)}`]);
  const flowPrefix = g.pick(['pi_', 'ord_', 'txn_', 'pay_', '']);
  const flowId = () => (flowPrefix ? flowPrefix + g.alnum(16) : g.uuid());
  const loginPath = g.pick(['/oauth/token', '/auth/login', '/sessions', '/login', '/auth/signin', '/identity/token', '/users/sign_in']);
  const names: Record<ApiKind, { coll: string; sub: string; walk: string; flow: string; confirm: string; capture: string; file: string; list2: string }> = {
    banking: { coll: g.pick(['/accounts', '/wallets']), sub: '/transactions', walk: g.pick(['/customers', '/beneficiaries', '/statements']), flow: g.pick(['/payments', '/transfers']), confirm: g.pick(['/authorise', '/confirm', '/submit']), capture: '/execute', file: '/statements', list2: '/cards' },
    ecommerce: { coll: g.pick(['/orders', '/baskets']), sub: '/items', walk: g.pick(['/customers', '/addresses', '/invoices']), flow: g.pick(['/checkouts', '/orders']), confirm: g.pick(['/pay', '/complete', '/confirm']), capture: '/fulfil', file: '/invoices', list2: '/products' },
    saas: { coll: g.pick(['/projects', '/workspaces', '/boards']), sub: g.pick(['/tasks', '/pages', '/issues']), walk: g.pick(['/users', '/members', '/documents']), flow: g.pick(['/subscriptions', '/invitations']), confirm: g.pick(['/activate', '/accept', '/confirm']), capture: '/renew', file: '/attachments', list2: '/teams' },
    payments: { coll: g.pick(['/customers', '/merchants']), sub: '/payment_methods', walk: g.pick(['/charges', '/payouts', '/disputes']), flow: g.pick(['/payment_intents', '/payments', '/charges']), confirm: g.pick(['/confirm', '/authorize']), capture: '/capture', file: '/reports', list2: '/balance_transactions' },
    files: { coll: g.pick(['/folders', '/drives', '/collections']), sub: '/items', walk: g.pick(['/files', '/documents', '/assets']), flow: g.pick(['/shares', '/uploads']), confirm: g.pick(['/commit', '/finalize']), capture: '/publish', file: g.pick(['/files', '/documents', '/blobs']), list2: '/recent' },
  };
  const n = names[kind];
  const idName = (s: string) => `{${s.replace(/^\//, '').replace(/s$/, '')}Id}`;
  const big: [number, number] = kind === 'files' ? [200_000, 4_000_000] : [40_000, 900_000];
  const api: Api = {
    name: `${kind}-${app.toLowerCase()}`, kind, domain, stage, proxied: g.chance(0.35), executeApi,
    login: ep('POST', P(loginPath), [600, 1400]),
    loginFail: loginPath.includes('token') || g.chance(0.25) ? 400 : 401,
    refresh: ep('POST', P(g.pick(['/oauth/refresh', '/auth/refresh', '/tokens/refresh'])), [500, 900]),
    passwordReset: ep('POST', P(g.pick(['/password/reset', '/auth/forgot-password', '/account/recover'])), [80, 200]),
    me: ep('GET', P(g.pick(['/me', '/profile', '/user'])), [400, 2000]),
    lists: [ep('GET', P(n.coll), [1500, 20_000]), ep('GET', P(n.list2), [1500, 30_000]), ep('GET', P(g.pick(['/notifications', '/settings', '/activity'])), [300, 5000])],
    owned: [ep('GET', P(`${n.coll}/${idName(n.coll)}`), [800, 6000]), ep('GET', P(`${n.coll}/${idName(n.coll)}${n.sub}`), [2000, 40_000])],
    walkable: ep('GET', P(`${n.walk}/${idName(n.walk)}`), [700, 5000]),
    flow: {
      create: ep('POST', P(n.flow), [500, 2000]),
      fetch: ep('GET', P(`${n.flow}/${idName(n.flow)}`), [500, 2500]),
      confirm: ep('POST', P(`${n.flow}/${idName(n.flow)}${n.confirm}`), [400, 1800]),
      capture: ep('POST', P(`${n.flow}/${idName(n.flow)}${n.capture}`), [400, 1800]),
    },
    update: ep(g.pick(['PATCH', 'PUT']), P(`${n.coll}/${idName(n.coll)}`), [500, 3000]),
    download: ep('GET', P(`${n.file}/${idName(n.file)}/${g.pick(['content', 'download', 'raw'])}`), big),
    pagedList: ep('GET', P(`${n.file}`), [20_000, 120_000]),
    publicGets: [ep('GET', P(g.pick(['/status', '/config/public', '/catalog'])), [200, 3000])],
    health: ep('GET', P('/health'), [20, 80]),
    ownId, flowId, idRange: [100_000, 999_999], appUas: appUas(g, app),
  };
  return api;
}
