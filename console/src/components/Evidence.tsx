import type { ComponentChildren } from 'preact';
import { bytes, num, shown, words } from '../format.ts';
import { T } from './ui.tsx';

type J = unknown;
const isPrim = (v: J) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const SHARE = /(share|ratio|rate|fraction)$/i;

function prim(key: string, v: J): ComponentChildren {
  if (v === null || v === undefined || v === '') return <span class="muted">none</span>;
  if (typeof v === 'number') return SHARE.test(key) && v >= 0 && v <= 1 ? `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%` : /bytes$/i.test(key) ? <span title={`${num(v)} bytes`}>{bytes(v)}</span> : num(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return `${v.slice(0, 10)} ${v.slice(11, 19)} UTC`;
  return <span class="mono"><T v={v} /></span>;
}

/**
 * Evidence JSON (masked samples, counts, baselines) as a person reads it: objects as labelled rows, lists of
 * values as chips, lists of records as tables, pairs (`[["45.1.2.3", 12]]`) as two-column tables. Every value
 * is text; the raw JSON is one click away for whoever needs it.
 */
export function Evidence({ value, depth = 0 }: { value: J; depth?: number }): ComponentChildren {
  if (isPrim(value)) return prim('', value);
  if (Array.isArray(value)) return <List k="" items={value} depth={depth} />;
  const entries = Object.entries(value as Record<string, J>).filter(([, v]) => !(Array.isArray(v) && v.length === 0));
  if (!entries.length) return <span class="muted">none</span>;
  return (
    <dl class={`ev ev-d${depth}`}>
      {entries.map(([k, v]) => (
        <div key={k} class={isPrim(v) ? 'ev-row' : 'ev-row ev-block'}>
          <dt>{words(shown(k))}</dt>
          <dd>{isPrim(v) ? prim(k, v) : Array.isArray(v) ? <List k={k} items={v} depth={depth + 1} /> : depth > 4 ? <code><T v={JSON.stringify(v)} /></code> : <Evidence value={v} depth={depth + 1} />}</dd>
        </div>
      ))}
    </dl>
  );
}

function List({ k, items, depth }: { k: string; items: J[]; depth: number }) {
  if (items.every(isPrim)) return <span class="chips">{items.map((x, i) => <span class="chip mono" key={i}>{typeof x === 'number' ? num(x) : shown(x)}</span>)}</span>;
  if (items.every((x) => Array.isArray(x) && x.length === 2 && isPrim(x[0]) && isPrim(x[1]))) {
    return (
      <table class="table compact ev-table" aria-label={words(k)}>
        <tbody>{(items as J[][]).map((x, i) => <tr key={i}><td>{prim('', x[0])}</td><td class="num">{prim(k, x[1])}</td></tr>)}</tbody>
      </table>
    );
  }
  const recs = items.filter((x): x is Record<string, J> => !!x && typeof x === 'object' && !Array.isArray(x));
  const keys = [...new Set(recs.flatMap((r) => Object.keys(r)))];
  if (recs.length === items.length && keys.length <= 8 && recs.every((r) => Object.values(r).every((v) => isPrim(v) || (Array.isArray(v) && v.every(isPrim))))) {
    return (
      <div class="table-wrap">
        <table class="table compact ev-table" aria-label={words(k)}>
          <thead><tr>{keys.map((c) => <th key={c} scope="col">{words(shown(c))}</th>)}</tr></thead>
          <tbody>{recs.map((r, i) => <tr key={i}>{keys.map((c) => <td key={c}>{Array.isArray(r[c]) ? <List k={c} items={r[c] as J[]} depth={depth + 1} /> : prim(c, r[c])}</td>)}</tr>)}</tbody>
        </table>
      </div>
    );
  }
  // Records too rich for a table (earlier generations of a defect, nested samples): one click away each.
  return (
    <ol class="ev-list">
      {items.map((x, i) => (
        <li key={i}>
          <details>
            <summary>{words(shown(k)) || 'Entry'} {i + 1}{x && typeof x === 'object' && 'at' in x ? ` · ${prim('at', (x as Record<string, J>).at) as string}` : ''}</summary>
            <Evidence value={x} depth={depth + 1} />
          </details>
        </li>
      ))}
    </ol>
  );
}
