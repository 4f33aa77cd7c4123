/**
 * Environment variables that only the query-side functions (daily report, findings API) read. They are not in
 * shared/config/env.ts yet; once they are, import them from there and delete this file.
 */
export const QUERY_ENV = {
  athenaWorkGroup: 'APISCOPE_ATHENA_WORKGROUP',
  glueDatabase: 'APISCOPE_GLUE_DATABASE',
} as const;
