import { openLake } from './lakeQuery.ts';
import { collectReportData, REPORT_QUERIES, type ReportData } from '../shared/report/reportQueries.ts';
import { renderReport } from '../shared/report/renderReport.ts';

/** `apiscope report`: the daily report's queries on DuckDB over a local lake, rendered to HTML. */
export async function buildReport(dataDir: string, day?: string, now = new Date()): Promise<{ html: string; data: ReportData }> {
  const lake = await openLake(dataDir);
  try {
    const run = async (sql: string) => (await lake.con.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    const d = day ?? ((await run(REPORT_QUERIES.latestDay))[0]?.day as string | null) ?? now.toISOString().slice(0, 10);
    const data = await collectReportData(d, run, now.toISOString());
    return { html: renderReport(data), data };
  } finally {
    lake.close();
  }
}
