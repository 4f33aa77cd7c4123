import { userInfo } from 'node:os';
import { handleFindingsRequest, type DefectTicketer } from '../shared/api/findingsApi.ts';
import { API_ROUTES, type HttpMethod } from '../shared/api/routes.ts';
import { FileTriageStore } from './fileTriageStore.ts';
import { FileBlobStore } from './fileBlobStore.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openLake } from './lakeQuery.ts';

export interface LocalApiAnswer {
  status: number;
  body: unknown;
}

export interface LocalApi {
  /**
   * One request to the findings API as the HTTP API serves it, `path` relative to the API root (`/defects/abc`;
   * a console mounts it under `/api`). `query` as parsed from the URL, `body` the raw text of a PATCH or POST,
   * `headers` those the API reads (`If-Match`).
   */
  handleLocalApiRequest(method: string, path: string, query: Record<string, string>, body: string | null, principal?: string, headers?: Record<string, string | undefined>): Promise<LocalApiAnswer>;
}

/** Who changes triage locally: `--as NAME`, else the OS user, marked as local (`local:alice`). */
export const localPrincipal = (as?: string) => (as ? as : `local:${userInfo().username}`);

const ROUTES = API_ROUTES.map((r) => ({
  ...r,
  names: [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
  re: new RegExp(`^${r.path.replace(/\{\w+\}/g, '([^/]+)')}$`),
}));

/**
 * The same API as the deployed one, over a local lake folder (`apiscope replay --out DIR`): SQL on DuckDB over
 * DIR's tables, triage in DIR/triage (FileTriageStore). Each request opens the lake afresh (a few ms), so
 * tables a running replay adds are seen at once.
 *
 * @example
 * const api = createLocalApi('/tmp/lake');
 * await api.handleLocalApiRequest('PATCH', '/defects/3f2a9c0d11e4b7a8', {}, '{"status":"false_positive"}', 'alice');
 */
export function createLocalApi(lakeDir: string, opts: { tickets?: DefectTicketer; as?: string } = {}): LocalApi {
  const triage = new FileTriageStore(lakeDir);
  const documents = new FileBlobStore(lakeDir);
  return {
    async handleLocalApiRequest(method, path, query, body, principal, headers) {
      const m = method.toUpperCase();
      const candidates = ROUTES.filter((r) => r.re.test(path));
      const route = candidates.find((r) => r.method === m);
      if (!route) return candidates.length ? { status: 405, body: { message: `${m} is not allowed on ${path}; it takes ${candidates.map((r) => r.method).join(', ')}` } } : { status: 404, body: { message: `no route ${m} ${path}` } };
      const values = route.re.exec(path)!.slice(1);
      const lake = await openLake(lakeDir);
      try {
        const r = await handleFindingsRequest(
          {
            method: m as HttpMethod, resource: route.path, query, body, headers,
            pathParameters: Object.fromEntries(route.names.map((n, i) => [n, values[i]])),
            principal: principal ?? localPrincipal(opts.as),
          },
          {
            run: (sql) => runTyped(lake.con, sql),
            triage,
            tickets: opts.tickets,
            documents,
          },
        );
        return { status: r.statusCode, body: JSON.parse(r.body) };
      } finally {
        lake.close();
      }
    },
  };
}

/**
 * Rows typed as the Athena runner types them (adapters/athenaQueryRunner.ts), so local answers match the
 * deployed ones: integers as numbers (DuckDB's JSON rendering gives BIGINT as text) and `CAST(... AS JSON)`
 * columns as arrays and objects.
 */
async function runTyped(con: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const r = await con.runAndReadAll(sql);
  const names = r.columnNames();
  const types = r.columnTypes().map((t) => t.alias ?? t.toString());
  return (r.getRowObjectsJson() as Record<string, unknown>[]).map((row) => {
    for (const [i, n] of names.entries()) {
      const v = row[n];
      if (v === null || v === undefined) continue;
      if (types[i] === 'JSON' && typeof v === 'string') row[n] = JSON.parse(v);
      else if (/^(BIGINT|HUGEINT|INTEGER|SMALLINT|TINYINT|UBIGINT|UINTEGER)$/.test(types[i]) && typeof v === 'string') row[n] = Number(v);
    }
    return row;
  });
}
