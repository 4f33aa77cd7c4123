import { GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, type AthenaClient } from '@aws-sdk/client-athena';

export class AthenaQueryError extends Error {
  override name = 'AthenaQueryError';
}

/**
 * Runs one SQL statement in an Athena workgroup and returns its rows as objects (all values strings, as
 * Athena returns them). Polls with a short backoff; the workgroup enforces the bytes-scanned cutoff.
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
  let token: string | undefined;
  do {
    const r = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token }));
    for (const row of r.ResultSet?.Rows ?? []) {
      const vals = (row.Data ?? []).map((d) => d.VarCharValue ?? null);
      if (!header) { header = vals.map(String); continue; }
      rows.push(Object.fromEntries(header.map((h, i) => [h, vals[i]])));
    }
    token = r.NextToken;
  } while (token);
  return rows;
}
