/** `GET api.example.com/v1/files/{id}`: where a defect is, as subjects say it (`*` = every method or endpoint). */
export const whereText = (method: string, domain: string, template: string) =>
  `${method === '*' ? '' : method + ' '}${domain}${template === '*' ? ' (all endpoints)' : template}`;

/** The Athena (and `apiscope query`) SQL that shows a defect's history. */
export const defectHistorySql = (defectId: string) =>
  `SELECT status, severity, first_seen, last_seen, occurrences, evidence FROM defects WHERE defect_id = '${defectId}' ORDER BY last_seen DESC LIMIT 50`;
