import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import type { DuckDBConnection } from '@duckdb/node-api';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * Athena has no emulator. This answers the three Athena calls a query runner makes (StartQueryExecution,
 * GetQueryExecution, GetQueryResults) from DuckDB over a local lake, in Athena's wire shape: every value as
 * text (`VarCharValue`, arrays rendered `[a, b]` as Athena does), the column labels as the first row of the
 * first page, Athena type names in ResultSetMetadata, pages of at most 1000 rows, and a FAILED state with
 * the engine's message when the SQL does not run. Every instance of AthenaClient is answered (class mock).
 *
 * @example
 * const athena = fakeAthenaOnDuckDb(lake.con);
 * athena.failNextQuery('TABLE_NOT_FOUND: ...');
 * athena.fake.restore();
 */
export function fakeAthenaOnDuckDb(con: DuckDBConnection, opts: { pageSize?: number } = {}) {
  const pageSize = opts.pageSize ?? 1000;
  const executions = new Map<string, { sql: string; workGroup?: string; database?: string; error?: string; columns: Array<{ Name: string; Type: string }>; rows: Array<Array<string | undefined>> }>();
  const fake = mockClient(AthenaClient);
  let failNext: string | undefined;

  fake.on(StartQueryExecutionCommand).callsFake(async (input) => {
    const id = `q-${executions.size + 1}`;
    const exec = { sql: input.QueryString as string, workGroup: input.WorkGroup, database: input.QueryExecutionContext?.Database, columns: [] as Array<{ Name: string; Type: string }>, rows: [] as Array<Array<string | undefined>>, error: undefined as string | undefined };
    try {
      if (failNext) throw new Error(failNext);
      const r = await con.runAndReadAll(exec.sql);
      const types = r.columnTypes();
      exec.columns = r.columnNames().map((Name, i) => ({ Name, Type: athenaType(types[i]!.alias ?? types[i]!.toString()) }));
      exec.rows = (r.getRowObjectsJson() as Array<Record<string, unknown>>).map((row) => exec.columns.map((c) => asAthenaText(row[c.Name], c.Type)));
    } catch (e) {
      exec.error = (e as Error).message;
    }
    failNext = undefined;
    executions.set(id, exec);
    return { QueryExecutionId: id };
  });
  fake.on(GetQueryExecutionCommand).callsFake(async (input) => {
    const exec = executions.get(input.QueryExecutionId as string);
    if (!exec) throw Object.assign(new Error(`QueryExecution ${input.QueryExecutionId} was not found`), { name: 'InvalidRequestException' });
    return { QueryExecution: { QueryExecutionId: input.QueryExecutionId, Status: exec.error ? { State: 'FAILED', StateChangeReason: exec.error } : { State: 'SUCCEEDED' } } };
  });
  fake.on(GetQueryResultsCommand).callsFake(async (input) => {
    const exec = executions.get(input.QueryExecutionId as string)!;
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const header = start === 0 ? [exec.columns.map((c) => c.Name)] : [];
    const body = exec.rows.slice(start, start + pageSize - header.length);
    const next = start + body.length;
    return {
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: exec.columns.map((c) => ({ Name: c.Name, Label: c.Name, Type: c.Type })) },
        Rows: [...header, ...body].map((vals) => ({ Data: vals.map((v) => (v === undefined ? {} : { VarCharValue: v })) })),
      },
      NextToken: next < exec.rows.length ? String(next) : undefined,
    };
  });
  return {
    fake,
    executions: () => [...executions.values()],
    /** The next query FAILS with this reason, as Athena reports a query it could not run. */
    failNextQuery(reason: string) { failNext = reason; },
  };
}

/** DuckDB type (or alias) -> the type name Athena reports for the same column. */
function athenaType(duck: string): string {
  if (duck === 'JSON') return 'json';
  if (duck.endsWith('[]')) return 'array';
  if (duck.startsWith('MAP')) return 'map';
  if (duck.startsWith('DECIMAL')) return 'decimal';
  const known: Record<string, string> = { BIGINT: 'bigint', INTEGER: 'integer', SMALLINT: 'smallint', TINYINT: 'tinyint', DOUBLE: 'double', FLOAT: 'float', BOOLEAN: 'boolean', VARCHAR: 'varchar', DATE: 'date' };
  return known[duck] ?? 'varchar';
}

/** A value as Athena's text: SQL NULL as no VarCharValue, arrays `[a, b]`, maps `{k=v}`. */
function asAthenaText(v: unknown, type: string): string | undefined {
  if (v === null || v === undefined) return undefined;
  // DuckDB gives a MAP as [{key, value}, ...].
  if (type === 'map') return `{${(v as Array<{ key: unknown; value: unknown }>).map((e) => `${e.key}=${e.value}`).join(', ')}}`;
  if (type === 'array') return `[${(v as unknown[]).map((e) => (e === null ? 'null' : String(e))).join(', ')}]`;
  return String(v);
}
