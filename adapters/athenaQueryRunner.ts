import { GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, type AthenaClient } from '@aws-sdk/client-athena';

export class AthenaQueryError extends Error {
  override name = 'AthenaQueryError';
}

/**
 * Athena returns every value as text; these column types (ResultSetMetadata) are turned back into values so
 * that callers get numbers, booleans and, for `json` columns (`CAST(x AS JSON)`), arrays and objects. Other
 * types (varchar, date, timestamp, and array or map rendered by Athena as `[a, b]`) stay text.
 */
const FROM_TEXT: Record<string, (v: string) => unknown> = {
  tinyint: Number,
  smallint: Number,
  integer: Number,
  bigint: Number,
  double: Number,
  float: Number,
  real: Number,
  decimal: Number,
  boolean: (v) => v === 'true',
  json: (v) => JSON.parse(v),
};

/**
 * Runs one SQL statement in an Athena workgroup and returns its rows as objects, typed by the result's column
 * types (see FROM_TEXT). Polls with a short backoff; the workgroup enforces the bytes-scanned cutoff.
 */
export async function runAthenaQuery(athena: AthenaClient, sql: string, opts: { workGroup: string; database: string; pollMs?: number; timeoutMs?: number }): Promise<Record<string, unknown>[]> {
  const start = await athena.send(new StartQueryExecutionCommand({ QueryString: sql, WorkGroup: opts.workGroup, QueryExecutionContext: { Database: opts.database } }));
  const id = start.QueryExecutionId!;
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  let wait = opts.pollMs ?? 250;
  for (;;) {
    const q = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const state = q.QueryExecution?.Status?.State;
    if (state === 'SUCCEEDED') break;
    if (state === 'FAILED' || state === 'CANCELLED') throw new AthenaQueryError(`query ${id} ${state}: ${q.QueryExecution?.Status?.StateChangeReason ?? ''}`);
    if (Date.now() > deadline) throw new AthenaQueryError(`query ${id} did not finish in time`);
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 2000);
  }
  const rows: Record<string, unknown>[] = [];
  let header: string[] | null = null;
  let convert: Array<((v: string) => unknown) | undefined> = [];
  let token: string | undefined;
  do {
    const r = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token }));
    if (!header) convert = (r.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => FROM_TEXT[(c.Type ?? '').toLowerCase()]);
    for (const row of r.ResultSet?.Rows ?? []) {
      const vals = (row.Data ?? []).map((d) => d.VarCharValue ?? null);
      // The first row of a SELECT's first page holds the column labels.
      if (!header) { header = vals.map(String); continue; }
      rows.push(Object.fromEntries(header.map((h, i) => [h, vals[i] === null || !convert[i] ? vals[i] : convert[i]!(vals[i]!)])));
    }
    token = r.NextToken;
  } while (token);
  return rows;
}
