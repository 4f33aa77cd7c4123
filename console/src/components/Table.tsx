import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';

export interface Column<R> {
  key: string;
  label: string;
  render: (r: R) => ComponentChildren;
  /** Value to sort by; columns without it are not sortable. */
  sort?: (r: R) => string | number;
  align?: 'right';
  width?: string;
}

/**
 * A sortable table: header buttons sort (aria-sort says how), rows open with click or Enter when `onOpen` is
 * given. Only the rows shown are rendered, up to `pageSize`, with a "show more" button.
 */
export function Table<R>(p: { rows: R[]; columns: Column<R>[]; onOpen?: (r: R) => void; rowKey: (r: R) => string; initialSort?: { key: string; dir: 'asc' | 'desc' }; label: string; pageSize?: number; rowClass?: (r: R) => string }) {
  const [sort, setSort] = useState(p.initialSort);
  const [limit, setLimit] = useState(p.pageSize ?? 100);
  const rows = useMemo(() => {
    const col = p.columns.find((c) => c.key === sort?.key);
    if (!col?.sort) return p.rows;
    const f = col.sort;
    const dir = sort!.dir === 'asc' ? 1 : -1;
    return [...p.rows].sort((a, b) => {
      const x = f(a);
      const y = f(b);
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
  }, [p.rows, sort, p.columns]);
  const toggle = (key: string) => setSort((s) => (s?.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'desc' }));
  return (
    <div class="table-wrap">
      <table class="table" aria-label={p.label}>
        <thead>
          <tr>
            {p.columns.map((c) => (
              <th key={c.key} scope="col" class={c.align === 'right' ? 'num' : ''} style={c.width ? { width: c.width } : undefined} aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                {c.sort ? (
                  <button type="button" class="th-sort" onClick={() => toggle(c.key)}>
                    {c.label}
                    <span class="sort-mark" aria-hidden="true">{sort?.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}</span>
                  </button>
                ) : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, limit).map((r) => (
            <tr
              key={p.rowKey(r)}
              class={`${p.onOpen ? 'clickable' : ''} ${p.rowClass?.(r) ?? ''}`}
              tabIndex={p.onOpen ? 0 : undefined}
              onClick={p.onOpen ? () => p.onOpen!(r) : undefined}
              onKeyDown={p.onOpen ? (e) => { if (e.key === 'Enter') p.onOpen!(r); } : undefined}
            >
              {p.columns.map((c) => <td key={c.key} class={c.align === 'right' ? 'num' : ''}>{c.render(r)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > limit && (
        <div class="table-more">
          <button type="button" class="btn" onClick={() => setLimit((l) => l + (p.pageSize ?? 100))}>Show more ({rows.length - limit} left)</button>
        </div>
      )}
    </div>
  );
}
