import type { TableSchema } from '../emit/tableSchemas.ts';

/** A string as a SQL literal. Only values that passed validation reach here; quoting is the second wall. */
export const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** `IN ('a', 'b')` of validated ids. */
export const inList = (values: readonly string[]) => `(${values.map(lit).join(', ')})`;

/**
 * The columns of a findings table, arrays and maps as JSON (`CAST(... AS JSON)`, the same in Trino and DuckDB):
 * Athena returns every value as text and renders an array as `[a, b]`, which cannot be split back safely.
 * The query runner turns `json` columns into values, so answers have the types the OpenAPI document gives.
 */
export function columnsOf(schema: TableSchema, only?: readonly string[]): string {
  return schema.columns
    .filter((c) => !only || only.includes(c.name))
    .map((c) => (c.type.startsWith('array') || c.type.startsWith('map') ? `CAST(${c.name} AS JSON) AS ${c.name}` : c.name))
    .join(', ');
}

export const SEVERITY_RANK_SQL = `CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END`;

/** `WHERE a AND b` of the conditions given, or nothing. */
export const where = (conds: ReadonlyArray<string | false | undefined | null>, joiner = 'WHERE') => {
  const c = conds.filter(Boolean);
  return c.length ? ` ${joiner} ${c.join(' AND ')}` : '';
};
