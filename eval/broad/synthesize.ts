/**
 * One API's day of API Gateway access-log traffic, in the dev sample's record format, with its truth:
 * the route each distinct (domain, method, path) belongs to, scanner probes labelled as noise.
 */
import type { ApiRoutes, ParamInfo } from './extractTemplates.ts';
import { PROBES, makeCallers, makeScanner, type Caller } from './callers.ts';
import { Rng, Zipf, hashString } from './rng.ts';
import { RouteTable, type Route } from './routeTable.ts';
import { encodeValue, poolShape, poolSize, poolValue, styleFor, type PoolShape, type Style } from './valueStyles.ts';

export interface TruthRow {
  api: string;
  domainName: string;
  stage: string;
  method: string;
  path: string;
  template: string | null;
  specPath: string | null;
  resourcePath: string;
  proxied: boolean;
  count: number;
  noise?: true;
}

export interface SynthOptions {
  seed: number;
  /** Multiplies the API's request count (the invariance check runs 1x and 2x). */
  volume?: number;
  /** Forces proxied or not (default: the API's seeded coin). */
  proxied?: boolean;
}

export interface SynthApi {
  api: string;
  domainName: string;
  stage: string;
  proxied: boolean;
  executeApi: boolean;
  /** Access-log lines (JSON, every value a string), in event-time order. */
  records: string[];
  truth: TruthRow[];
  /** Value style of each parameter of each truth template (keyed by the truth template). */
  styles: Map<string, Style[]>;
  routes: number;
  /** Routes none of whose values a gateway would route to them (a literal sibling always wins). */
  indistinguishable: string[];
  /** Requests not emitted because their values collided with another route after several tries. */
  collisions: number;
}

const DAY_START = Date.UTC(2026, 11, 1);
const DAY = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'ap-southeast-2', 'sa-east-1'];
const STAGES = ['prod', 'v1', 'live', 'api', 'default', 'staging', 'production'];

function clf(ts: number): string {
  const d = new Date(ts);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function uuid(r: Rng): string {
  const h = r.chars('0123456789abcdef', 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[r.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20)}`;
}

/** A host name usable as an API Gateway custom domain, from the spec when it has a real one. */
function customDomain(api: ApiRoutes, r: Rng): string {
  const h = (api.host ?? '').toLowerCase();
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(h) && !/^(localhost|\d+\.\d+\.\d+\.\d+)$/.test(h) && !h.includes('example')) return h;
  const stem = api.id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || `api${r.int(1, 999)}`;
  return `api.${stem}.example.net`;
}

interface Pool {
  shape: PoolShape;
  param: ParamInfo;
  size: number;
  zipf: Zipf;
  values: Map<number, string>;
}

/** A route with, per parameter, the pool its values come from. */
interface RoutePlan {
  route: Route;
  pools: Pool[];
  styles: Style[];
}

/**
 * Traffic for one API. Deterministic in (seed, API): every choice is drawn from streams forked by label.
 *
 * @example
 * const s = synthesizeApi(routes, { seed: 1 });
 * s.records[0] // '{"requestId":"...","ip":"...",...,"resourcePath":"/{proxy+}",...}'
 */
export function synthesizeApi(api: ApiRoutes, opts: SynthOptions): SynthApi {
  const root = new Rng(`${opts.seed}:${api.id}`);
  const setup = root.fork('setup');
  const proxied = opts.proxied ?? setup.chance(0.5);
  const executeApi = setup.chance(0.3);
  const stage = setup.pick(STAGES);
  const domainName = executeApi ? `${setup.chars('abcdefghijklmnopqrstuvwxyz0123456789', 10)}.execute-api.${setup.pick(REGIONS)}.amazonaws.com` : customDomain(api, setup);
  const encMode = setup.int(0, 7);
  const rawSlash = proxied && setup.chance(0.5);
  const stagePrefix = executeApi ? `/${stage}` : '';
  const table = new RouteTable(api.ops);
  const nRoutes = table.routes.length;
  const volume = opts.volume ?? 1;
  const n = Math.round(Math.min(25_000, Math.max(300, nRoutes * (15 + 30 * setup.next()))) * volume);

  // Zipf over routes in a seeded order: a few hot endpoints, a tail seen once or not at all.
  const order = setup.shuffle(table.routes.map((_, i) => i));
  const routeZipf = new Zipf(nRoutes, 0.8 + 0.5 * setup.next());
  // Expected requests per route (how many values its parameters' pools need).
  const rankOf = new Int32Array(nRoutes);
  order.forEach((id, rank) => { rankOf[id] = rank; });
  const expected = (routeId: number) => n * routeZipf.prob(rankOf[routeId]);

  const styleRng = root.fork('styles');
  const pools = new Map<string, Pool>();
  const uses = new Map<string, number>();
  const planned: Array<{ route: Route; keys: string[]; styles: Style[] }> = table.routes.map((route) => {
    const styles = route.params.map((p) => styleFor(p, styleRng));
    const keys = route.params.map((p, i) => `${opts.seed}:${api.id}:${styles[i]}:${p.name}:${p.enum?.join('|') ?? ''}`);
    const e = expected(route.id);
    for (const k of keys) uses.set(k, (uses.get(k) ?? 0) + e);
    return { route, keys, styles };
  });
  const poolOf = (key: string, p: ParamInfo, style: Style): Pool => {
    let pool = pools.get(key);
    if (!pool) {
      const r = new Rng(`size:${key}`);
      const size = poolSize(style, p, uses.get(key) ?? 1, r);
      pool = { shape: poolShape(style, p, key), param: p, size, zipf: new Zipf(size, 0.6 + 0.6 * r.next()), values: new Map() };
      pools.set(key, pool);
    }
    return pool;
  };
  const valueOf = (pool: Pool, i: number): string => {
    let v = pool.values.get(i);
    if (v === undefined) pool.values.set(i, (v = poolValue(pool.shape, pool.param, i)));
    return v;
  };
  const plans: RoutePlan[] = planned.map((x) => ({ route: x.route, styles: x.styles, pools: x.keys.map((k, i) => poolOf(k, x.route.params[i], x.styles[i])) }));

  const idx: number[] = [];
  /** A concrete route path for a plan, or null when the drawn values route elsewhere (a literal sibling). */
  const build = (plan: RoutePlan, r: Rng, raw: boolean): string | null => {
    idx.length = 0;
    for (let k = 0; k < plan.pools.length; k++) {
      const pool = plan.pools[k];
      // Nested resources: a child's values mostly belong to its parent (an owner's few repos).
      const i = k > 0 && r.chance(0.6) ? (hashString(`${idx[k - 1]}:${k}`) + pool.zipf.sample(r) % 8) % pool.size : pool.zipf.sample(r);
      idx.push(i);
    }
    let encoded = '', logged = '';
    for (const seg of plan.route.parts) {
      encoded += '/';
      logged += '/';
      for (const part of seg) {
        if (typeof part === 'string') { encoded += part; logged += part; continue; }
        const style = plan.styles[part];
        const v = valueOf(plan.pools[part], idx[part]);
        const e = encodeValue(v, style, encMode, false);
        encoded += e;
        logged += raw && style === 'gitref' ? encodeValue(v, style, encMode, true) : e;
      }
    }
    if (!plan.route.parts.length) encoded = logged = '/';
    if (table.best(plan.route.method, encoded) !== plan.route) return null;
    if (logged !== encoded) {
      const other = table.best(plan.route.method, logged);
      if (other && other !== plan.route) return encoded;
    }
    return logged;
  };

  // A route none of whose values reaches it (e.g. `/users/{id}` whose only enum value is the sibling `me`).
  const reach = root.fork('reach');
  const indistinguishable: string[] = [];
  const live = new Set<number>();
  for (const plan of plans) {
    let ok = false;
    for (let k = 0; k < 24 && !ok; k++) ok = build(plan, reach, false) !== null;
    if (ok) live.add(plan.route.id);
    else indistinguishable.push(`${plan.route.method} ${plan.route.template}`);
  }

  const callers = makeCallers(root.fork('callers'), root.fork('ncallers').int(3, 150));
  const callerZipf = new Zipf(callers.length, 1);
  const traffic = root.fork('traffic');
  const times: number[] = [];
  for (let k = 0; k < n; k++) {
    // Diurnal: busier in the afternoon (UTC), never empty at night.
    let t: number;
    do t = traffic.next(); while (traffic.next() > 0.55 + 0.45 * Math.sin(Math.PI * t));
    times.push(DAY_START + Math.floor(t * DAY));
  }
  interface Req { ts: number; line: string }
  const reqs: Req[] = [];
  const truth = new Map<string, TruthRow>();
  const styles = new Map<string, Style[]>();
  let collisions = 0;
  const emit = (ts: number, c: Caller, method: string, routePath: string, plan: RoutePlan | null, status: number) => {
    const path = stagePrefix + routePath;
    // Gateway routes take whole-segment parameters only: a route with `{id}.json` sits behind a greedy route.
    const resourcePath = plan ? (proxied || plan.route.mixed ? '/{proxy+}' : plan.route.template) : proxied ? '/{proxy+}' : '-';
    const gatewayError = !plan && !proxied;
    const lat = gatewayError ? -1 : Math.round(20 + traffic.next() * traffic.next() * 600);
    const rec = {
      requestId: uuid(traffic), ip: c.ip, requestTime: clf(ts), requestTimeEpoch: String(ts), httpMethod: method, path, resourcePath,
      status: String(status), protocol: traffic.chance(0.8) ? 'HTTP/1.1' : 'HTTP/2.0', responseLength: String(gatewayError ? 42 : Math.round(50 + traffic.next() * traffic.next() * 20_000)),
      userAgent: c.userAgent, principalId: plan ? c.principalId : '-', apiKeyId: plan ? c.apiKeyId : '-',
      integrationLatency: lat < 0 ? '-' : String(lat), responseLatency: String(lat < 0 ? traffic.int(1, 5) : lat + traffic.int(1, 8)),
      domainName, stage, errorMessage: gatewayError ? 'Missing Authentication Token' : '-',
    };
    reqs.push({ ts, line: JSON.stringify(rec) });
    const key = `${method} ${path}`;
    let t = truth.get(key);
    if (!t) {
      const template = plan ? stagePrefix + plan.route.template : null;
      t = { api: api.id, domainName, stage, method, path, template, specPath: plan ? plan.route.specPath : null, resourcePath, proxied: resourcePath === '/{proxy+}', count: 0, ...(plan ? {} : { noise: true as const }) };
      truth.set(key, t);
      if (plan && template) styles.set(`${method} ${template}`, plan.styles);
    }
    t.count++;
  };

  for (let k = 0; k < n; k++) {
    const plan = plans[order[routeZipf.sample(traffic)]];
    if (!live.has(plan.route.id)) continue;
    let p: string | null = null;
    for (let tries = 0; tries < 6 && p === null; tries++) p = build(plan, traffic, rawSlash && traffic.chance(0.5));
    if (p === null) { collisions++; continue; }
    const c = callers[callerZipf.sample(traffic)];
    const m = plan.route.method;
    const status = traffic.chance(0.9) ? (m === 'POST' ? 201 : m === 'DELETE' ? 204 : 200) : traffic.pick([400, 401, 403, 404, 409, 422, 429, 500, 502, 503]);
    emit(times[k], c, m, p, plan, status);
  }

  // Scanner probes on some APIs: paths no route of this API matches, labelled noise.
  const scan = root.fork('scanner');
  if (scan.chance(0.4)) {
    const s = makeScanner(scan);
    const first = table.routes.find((r) => r.parts[0]?.length === 1 && typeof r.parts[0][0] === 'string')?.parts[0][0] as string | undefined;
    const k = scan.int(5, 60);
    let ts = DAY_START + scan.int(0, DAY - 3_600_000);
    for (let i = 0; i < k; i++) {
      const probePath = (first && scan.chance(0.4) ? `/${first}` : '') + scan.pick(PROBES);
      const method = scan.chance(0.85) ? 'GET' : 'POST';
      ts += scan.int(200, 30_000);
      if (table.best(method, probePath)) continue;
      emit(ts, s, method, probePath, null, proxied ? 404 : 403);
    }
  }

  reqs.sort((a, b) => a.ts - b.ts);
  return {
    api: api.id, domainName, stage, proxied, executeApi,
    records: reqs.map((r) => r.line), truth: [...truth.values()], styles, routes: nRoutes, indistinguishable, collisions,
  };
}
