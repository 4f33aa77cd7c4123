import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { TABLES, type ColumnType } from '../shared/emit/tableSchemas.ts';

/** Glue/Athena column types as DuckDB types, for the local views and the query tests. */
export const DUCK_TYPE: Record<ColumnType, string> = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  'array<string>': 'VARCHAR[]',
  'array<int>': 'INTEGER[]',
  'map<string,string>': 'MAP(VARCHAR, VARCHAR)',
  'map<string,bigint>': 'MAP(VARCHAR, BIGINT)',
};

/**
 * Trino (Athena) functions the README queries use that DuckDB lacks or spells differently. DuckDB cannot
 * prove a query is valid Athena SQL, but with these the same text runs on both.
 */
const ATHENA_SHIMS = [
  `CREATE MACRO approx_percentile(x, p) AS approx_quantile(x, p)`,
  `CREATE MACRO approx_distinct(x) AS approx_count_distinct(x)`,
  `CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)`,
  `CREATE MACRO date_format(ts, f) AS strftime(ts, replace(replace(f, '%i', '%M'), '%s', '%S'))`,
  `CREATE MACRO to_unixtime(ts) AS epoch(ts)`,
  `CREATE MACRO from_unixtime(x) AS to_timestamp(x)`,
  `CREATE MACRO regexp_like(s, p) AS regexp_matches(s, p)`,
  `CREATE MACRO cardinality(a) AS len(a)`,
  `CREATE MACRO element_at(a, i) AS a[i]`,
  `CREATE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)`,
];

function hasFiles(dir: string): boolean {
  if (!existsSync(dir)) return false;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) stack.push(join(d, e.name));
      else if (e.name.endsWith('.json.gz')) return true;
    }
  }
  return false;
}

/** Opens DuckDB with one view per findings table over `dataDir`, named and typed like the Glue tables. */
export async function openLake(dataDir: string): Promise<{ con: DuckDBConnection; close(): void }> {
  const db = await DuckDBInstance.create(':memory:', { threads: '2', autoinstall_known_extensions: 'false', autoload_known_extensions: 'true' });
  const con = await db.connect();
  for (const s of ATHENA_SHIMS) await con.run(s);
  for (const t of TABLES) {
    const cols = t.columns.map((c) => `"${c.name}" ${DUCK_TYPE[c.type]}`);
    const dir = join(dataDir, t.prefix);
    if (hasFiles(dir)) {
      const colSpec = '{' + t.columns.map((c) => `'${c.name}': '${DUCK_TYPE[c.type]}'`).join(', ') + '}';
      const glob = join(dir, '*', '*.json.gz').replace(/'/g, "''");
      await con.run(`CREATE VIEW ${t.name} AS SELECT * FROM read_json('${glob}', format='newline_delimited', hive_partitioning=true, hive_types={'dt': VARCHAR}, columns=${colSpec})`);
    } else {
      await con.run(`CREATE TABLE ${t.name} (${cols.join(', ')}, dt VARCHAR)`);
    }
  }
  return { con, close: () => { con.closeSync(); db.closeSync(); } };
}

export async function queryLake(dataDir: string, sql: string): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  const lake = await openLake(dataDir);
  try {
    const r = await lake.con.runAndReadAll(sql);
    return { columns: r.columnNames(), rows: r.getRowObjectsJson() as Record<string, unknown>[] };
  } finally {
    lake.close();
  }
}
