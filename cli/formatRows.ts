import { jsonVisible, visible, visibleKeepLayout } from '../shared/report/visibleText.ts';

export type RowFormat = 'table' | 'csv' | 'json';
export const ROW_FORMATS: readonly RowFormat[] = ['table', 'csv', 'json'];

const cellText = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * A spreadsheet runs a cell starting with = + - @ (or TAB / CR before one of them) as a formula, also after
 * leading spaces (OWASP "CSV Injection"). A plain number is data, so `-5` stays a number.
 */
const FORMULA_START = /^[\s\u00a0\u3000]*[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** One CSV field: formulas neutralised with a leading `'` and quoted, RFC 4180 quoting, no raw control bytes. */
export function csvField(value: unknown): string {
  const s = visibleKeepLayout(cellText(value));
  const formula = FORMULA_START.test(s) && !PLAIN_NUMBER.test(s);
  const text = formula ? `'${s}` : s;
  return formula || /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Renders query results as an aligned text table, CSV (RFC 4180), or one JSON object per line. */
export function formatRows(columns: string[], rows: Record<string, unknown>[], format: RowFormat): string {
  if (format === 'json') return rows.map((r) => jsonVisible(JSON.stringify(r))).join('\n');
  if (format === 'csv') return [columns.map(csvField).join(','), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(','))].join('\n');
  const cells = rows.map((r) => columns.map((c) => { const s = visible(cellText(r[c])); return s.length > 80 ? s.slice(0, 77) + '...' : s; }));
  const head = columns.map(visible);
  const w = head.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (xs: string[]) => xs.map((x, i) => x.padEnd(w[i])).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...cells.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n');
}
