/**
 * The API inventory as a user sees it at the end: one row per endpoint discovery still holds, in its latest
 * state. Every command that counts or lists endpoints reads this (the replay and demo summary, the report;
 * `apiscope discover` counts the same rows, those of discovery's final snapshot).
 *
 * Why not every distinct template in `endpoints`: the table is a series of snapshots, and a template that
 * inference later merged, renamed or split keeps its earlier rows (on the dev sample, 3,444 distinct templates
 * against 3,179 endpoints). Discovery writes a complete snapshot at the end of each UTC day and at the end of a
 * replay (`finish`), so the inventory is the latest complete snapshot: the latest day-end snapshot, or the
 * lake's last snapshot when a replay ended it. Hourly snapshots at the same instant hold a subset of the same
 * rows; `row_number` keeps one row per endpoint. Valid for Athena (Trino) and DuckDB alike.
 *
 * @param until ISO instant the inventory is wanted at (the end of a report day); the end of the lake when
 *   omitted. Must come from code, not from input: it is spliced into the SQL.
 */
export function inventorySql(until?: string): string {
  const latest = `SELECT max(snapshot_at) FROM endpoints`;
  const at = until === undefined
    ? `(${latest})`
    : `(SELECT max(snapshot_at) FROM endpoints WHERE snapshot_at <= '${until}' AND (substr(snapshot_at, 12) = '00:00:00.000Z' OR snapshot_at = (${latest})))`;
  return `SELECT * FROM (SELECT e.*, row_number() OVER (PARTITION BY domain_name, method, template ORDER BY request_count DESC) AS inventory_rank
      FROM endpoints e WHERE snapshot_at = ${at}) inv WHERE inventory_rank = 1`;
}
