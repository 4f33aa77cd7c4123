import { describe, expect, it } from 'vitest';
import { csvField, formatRows } from '../../cli/formatRows.ts';

describe('query output formats', () => {
  it('CSV: neutralises every formula start (OWASP), also after leading whitespace, and quotes the cell', () => {
    expect(csvField('=1+1')).toBe(`"'=1+1"`);
    expect(csvField('+SUM(A1)')).toBe(`"'+SUM(A1)"`);
    expect(csvField('-2+3')).toBe(`"'-2+3"`);
    expect(csvField('@SUM(1)')).toBe(`"'@SUM(1)"`);
    expect(csvField('\t=1')).toBe(`"'\t=1"`);
    expect(csvField('  =HYPERLINK("http://x")')).toBe(`"'  =HYPERLINK(""http://x"")"`);
    expect(csvField('\u00a0@x')).toBe(`"'\u00a0@x"`);
    expect(csvField(`=cmd|' /C calc'!A0`)).toBe(`"'=cmd|' /C calc'!A0"`);
  });

  it('CSV: a CR is written escaped, so what follows it no longer starts a cell', () => {
    // CR is not written raw (it would return the cursor and hide what came before); the cell starts with a backslash.
    expect(csvField('\r=1')).toBe(String.raw`\x0d=1`);
  });

  it('CSV: plain numbers stay numbers, other text is RFC 4180 quoted only when needed', () => {
    expect(csvField('-5')).toBe('-5');
    expect(csvField('+3.25')).toBe('+3.25');
    expect(csvField(-7)).toBe('-7');
    expect(csvField('1e-5')).toBe('1e-5');
    expect(csvField('/v1/users/{id}')).toBe('/v1/users/{id}');
    expect(csvField('a,"b"\nc')).toBe('"a,""b""\nc"');
    expect(csvField(null)).toBe('');
    expect(csvField(['x', 'y'])).toBe('"[""x"",""y""]"');
    expect(formatRows(['=a', 'b'], [{ '=a': 1, b: 'x,y' }], 'csv')).toBe(`"'=a",b\n1,"x,y"`);
  });

  it('CSV and table: C0, DEL, C1 and bidi controls are written as visible escapes', () => {
    const hostile = 'a\u001b[31mb\u0007c\u007fd\u009b2Je\u202ef\u2066g';
    const shown = String.raw`a\x1b[31mb\x07c\x7fd\x9b2Je\u202ef\u2066g`;
    expect(csvField(hostile)).toBe(shown);
    const table = formatRows(['v'], [{ v: hostile }], 'table');
    expect(table.split('\n')[2]).toBe(shown);
    expect(formatRows(['v'], [{ v: 'line1\nline2\ttab' }], 'table').split('\n')[2]).toBe(String.raw`line1\x0aline2\x09tab`);
  });

  it('JSON: one valid object per line, same values, no raw DEL, C1 or bidi characters', () => {
    const rows = [{ a: 'x\u001b[2J\u0000', b: '\u009b\u202e\u2028', n: 1 }, { a: null, b: '', n: -2 }];
    const out = formatRows(['a', 'b', 'n'], rows, 'json');
    for (const line of out.split('\n')) expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f\u2028\u202e]/);
    expect(out).toContain(String.raw`\u009b\u202e\u2028`);
    expect(out.split('\n').map((l) => JSON.parse(l))).toEqual(rows);
  });
});
