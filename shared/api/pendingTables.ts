import type { TableSchema } from '../emit/tableSchemas.ts';

/**
 * Lake tables the API reads that the pipeline does not write yet (another change adds them to TABLES, with
 * the Glue tables and the analyze function's grants). Until then the API answers from these table names with
 * these columns; when they join TABLES, the entries here are replaced by TABLES' own (see `lakeTable`).
 */
export const PENDING_TABLES: readonly TableSchema[] = [
  {
    name: 'file_assets',
    prefix: 'file_assets',
    description: 'Endpoints serving files: one row per file endpoint per snapshot, with who downloads them.',
    columns: [
      { name: 'domain_name', type: 'string', comment: '' },
      { name: 'method', type: 'string', comment: '' },
      { name: 'template', type: 'string', comment: 'path template of the file endpoint' },
      { name: 'file_types', type: 'array<string>', comment: 'file extensions served' },
      { name: 'downloads', type: 'bigint', comment: 'downloads since first seen' },
      { name: 'unauth_downloads', type: 'bigint', comment: 'downloads with neither principal nor API key' },
      { name: 'distinct_callers', type: 'bigint', comment: 'approximate distinct callers' },
      { name: 'bytes_total', type: 'bigint', comment: 'response bytes served' },
      { name: 'first_seen', type: 'string', comment: 'ISO-8601 UTC' },
      { name: 'last_seen', type: 'string', comment: 'ISO-8601 UTC' },
      { name: 'snapshot_at', type: 'string', comment: 'ISO-8601 UTC event time of the snapshot' },
    ],
  },
  {
    name: 'endpoint_changes',
    prefix: 'endpoint_changes',
    description: 'Inventory changes: an endpoint added, removed (not seen any more) or changed (parameters, auth, spec status).',
    columns: [
      { name: 'detected_at', type: 'string', comment: 'ISO-8601 UTC event time' },
      { name: 'domain_name', type: 'string', comment: '' },
      { name: 'method', type: 'string', comment: '' },
      { name: 'template', type: 'string', comment: '' },
      { name: 'change', type: 'string', comment: 'added | removed | changed' },
      { name: 'field', type: 'string', comment: 'what changed (param_types, auth, spec_status, ...); empty for added and removed' },
      { name: 'before', type: 'string', comment: 'JSON of the old value' },
      { name: 'after', type: 'string', comment: 'JSON of the new value' },
    ],
  },
];
