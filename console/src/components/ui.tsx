import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiCallError } from '../api.ts';
import { SEVERITY_COLOR, shown, shownText } from '../format.ts';

/** A logged value as text: control characters shown as escapes (see format.ts), never markup. */
export const T = ({ v, lines }: { v: unknown; lines?: boolean }) => <>{lines ? shownText(v) : shown(v)}</>;

export function Card(p: { title?: string; sub?: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren; class?: string; id?: string }) {
  return (
    <section class={`card ${p.class ?? ''}`} id={p.id} aria-label={p.title}>
      {(p.title || p.actions) && (
        <header class="card-head">
          <div>
            {p.title && <h2>{p.title}</h2>}
            {p.sub && <p class="card-sub">{p.sub}</p>}
          </div>
          {p.actions && <div class="card-actions">{p.actions}</div>}
        </header>
      )}
      {p.children}
    </section>
  );
}

export function Kpi(p: { label: string; value: ComponentChildren; sub?: ComponentChildren; tone?: 'bad' | 'warn' | 'ok' | 'none'; href?: string }) {
  const body = (
    <>
      <span class="kpi-label">{p.label}</span>
      <span class="kpi-value">{p.value}</span>
      {p.sub && <span class="kpi-sub">{p.sub}</span>}
    </>
  );
  return p.href ? <a class={`kpi tone-${p.tone ?? 'none'}`} href={p.href}>{body}</a> : <div class={`kpi tone-${p.tone ?? 'none'}`}>{body}</div>;
}

export const Severity = ({ s }: { s: unknown }) => (
  <span class={`sev sev-${SEVERITY_COLOR[String(s)] ? String(s) : 'info'}`}>
    <T v={s} />
  </span>
);

const STATUS_LABEL: Record<string, string> = {
  open: 'Open', acknowledged: 'Acknowledged', in_progress: 'In progress', accepted_risk: 'Accepted risk', false_positive: 'False positive', fixed: 'Fixed',
  resolved: 'Resolved', reopened: 'Reopened',
  in_spec: 'In spec', shadow: 'Shadow', deprecated: 'Deprecated', orphan: 'Orphan', no_spec: 'No spec',
};
export const statusLabel = (s: unknown) => STATUS_LABEL[String(s)] ?? shown(s);

export const Pill = ({ kind, s }: { kind: 'triage' | 'spec' | 'life'; s: unknown }) => <span class={`pill pill-${kind} pill-${String(s)}`}>{statusLabel(s)}</span>;

export const Method = ({ m }: { m: unknown }) => <span class={`method method-${String(m).toLowerCase()}`}><T v={m} /></span>;

export const Chips = ({ items, empty = '–', tone }: { items: unknown; empty?: string; tone?: string }) => {
  const list = Array.isArray(items) ? items : [];
  if (!list.length) return <span class="muted">{empty}</span>;
  return <span class="chips">{list.map((x, i) => <span class={`chip ${tone ? `chip-${tone}` : ''}`} key={i}><T v={x} /></span>)}</span>;
};

export function Empty(p: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty" role="status">
      <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><circle cx="11" cy="11" r="7" fill="none" stroke="currentColor" stroke-width="1.6" /><path d="M16.5 16.5 21 21" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" /></svg>
      <strong>{p.title}</strong>
      {p.children && <p>{p.children}</p>}
    </div>
  );
}

export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  const status = error instanceof ApiCallError ? error.status : 0;
  return (
    <div class="error-box" role="alert">
      <strong>{status ? `The API answered ${status}` : 'Something went wrong'}</strong>
      <p><T v={(error as Error)?.message ?? String(error)} /></p>
      {retry && <button type="button" class="btn" onClick={retry}>Try again</button>}
    </div>
  );
}

export const Loading = ({ label = 'Loading' }: { label?: string }) => (
  <div class="loading" role="status" aria-live="polite"><span class="spinner" aria-hidden="true" />{label}…</div>
);

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` when `deps` change; the newest call wins (a slow older answer never overwrites a newer one).
 * New deps clear what was shown (another actor's page must not linger while this one loads); `reload` keeps it.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const seq = useRef(0);
  const run = useCallback((keep?: boolean) => {
    const n = ++seq.current;
    setState((s) => (keep === true ? { ...s, loading: true, error: undefined } : { loading: true }));
    load().then(
      (data) => { if (n === seq.current) setState({ data, loading: false }); },
      (error) => { if (n === seq.current) setState({ error, loading: false }); },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => run(), [run]);
  return { ...state, reload: () => run(true) };
}

/** Shows loading, error (with retry) or the content once the data is there. */
export function Show<T>({ r, children, label }: { r: Loaded<T>; children: (d: T) => ComponentChildren; label?: string }) {
  if (r.error) return <ErrorBox error={r.error} retry={r.reload} />;
  if (r.data === undefined) return <Loading label={label} />;
  return <>{children(r.data)}</>;
}

/** A horizontal share bar (e.g. authenticated vs anonymous), with its numbers as text for screen readers. */
export function ShareBar({ parts, label }: { parts: Array<{ label: string; value: number; color: string }>; label: string }) {
  const total = parts.reduce((s, p) => s + p.value, 0);
  return (
    <div class="sharebar" role="img" aria-label={`${label}: ${parts.map((p) => `${p.label} ${p.value}`).join(', ')}`}>
      {parts.map((p) => p.value > 0 && <span key={p.label} style={{ width: `${(100 * p.value) / Math.max(total, 1)}%`, background: p.color }} title={`${p.label}: ${p.value}`} />)}
    </div>
  );
}

export function Field(p: { label: string; children: ComponentChildren; hint?: string }) {
  return (
    <label class="field">
      <span class="field-label">{p.label}</span>
      {p.children}
      {p.hint && <span class="field-hint">{p.hint}</span>}
    </label>
  );
}

export function Dl({ rows }: { rows: Array<[string, ComponentChildren]> }) {
  return (
    <dl class="dl">
      {rows.map(([k, v]) => (
        <div key={k}><dt>{k}</dt><dd>{v}</dd></div>
      ))}
    </dl>
  );
}

/**
 * A labelled filter select: `options` as values (shown through `label`) or [value, label] pairs; the first
 * option, `any`, is the empty value (no filter).
 */
export function Select(p: { label: string; value: string; onChange: (v: string) => void; options: ReadonlyArray<string | readonly [string, string]>; any?: string | false; show?: (v: string) => string }) {
  return (
    <Field label={p.label}>
      <select value={p.value} onChange={(e) => p.onChange((e.target as HTMLSelectElement).value)}>
        {p.any !== false && <option value="">{p.any ?? 'Any'}</option>}
        {p.options.map((o) => {
          const [v, l] = typeof o === 'string' ? [o, (p.show ?? shown)(o)] : o;
          return <option key={v} value={v}>{l}</option>;
        })}
      </select>
    </Field>
  );
}

/** A filter search box. */
export const Search = (p: { label: string; value: string; placeholder: string; onInput: (v: string) => void }) => (
  <Field label={p.label}><input type="search" value={p.value} placeholder={p.placeholder} onInput={(e) => p.onInput((e.target as HTMLInputElement).value)} /></Field>
);
