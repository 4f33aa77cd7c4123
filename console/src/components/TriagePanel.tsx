import { useEffect, useState } from 'preact/hooks';
import { TRANSITIONS, MAX_NOTE, MAX_OWNER, type TriageStatus } from '../../../shared/triage/transitions.ts';
import { ApiCallError } from '../api.ts';
import { useSession } from '../context.ts';
import type { Triage } from '../data.ts';
import { when } from '../format.ts';
import { Field, Pill, statusLabel, T } from './ui.tsx';

export interface TriageAnswer extends Triage { history: NonNullable<Triage['history']> }

/**
 * Status, owner and note of a defect or an incident. The status list offers the moves the API allows from
 * the current one; the API still decides, and its message is shown as it gave it (a 400 names the field, a
 * 409 the allowed moves, a 412 says someone else changed it first: `If-Match` carries the version read).
 */
export function TriagePanel({ path, triage, onSaved }: { path: string; triage: Triage; onSaved: (t: TriageAnswer) => void }) {
  const { api, user } = useSession();
  const [status, setStatus] = useState(triage.status);
  const [owner, setOwner] = useState(triage.owner ?? '');
  const [note, setNote] = useState(triage.note ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  useEffect(() => { setStatus(triage.status); setOwner(triage.owner ?? ''); setNote(triage.note ?? ''); }, [triage.version]);

  const change: Record<string, string | null> = {};
  if (status !== triage.status) change.status = status;
  if (owner !== (triage.owner ?? '')) change.owner = owner === '' ? null : owner;
  if (note !== (triage.note ?? '')) change.note = note === '' ? null : note;
  const dirty = Object.keys(change).length > 0;
  const moves = [triage.status, ...(TRANSITIONS[triage.status as TriageStatus] ?? [])];

  async function save(e: Event) {
    e.preventDefault();
    if (!dirty || busy) return;
    setBusy(true); setError(undefined); setSaved(false);
    try {
      const t = await api.send<TriageAnswer>('PATCH', path, change, { 'if-match': `"${triage.version}"` });
      onSaved(t);
      setSaved(true);
    } catch (err) {
      setError(err instanceof ApiCallError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="triage" onSubmit={save} aria-label="Triage" noValidate>
      <Field label="Status">
        <select name="status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
          {moves.map((s) => <option key={s} value={s}>{statusLabel(s)}{s === triage.status ? ' (current)' : ''}</option>)}
        </select>
      </Field>
      <Field label="Owner" hint="A person, e-mail or team; empty clears it">
        <input name="owner" type="text" value={owner} maxLength={MAX_OWNER} autoComplete="off" placeholder="e.g. team-payments" onInput={(e) => setOwner((e.target as HTMLInputElement).value)} aria-invalid={!!error && /^owner:/.test(error)} />
      </Field>
      <Field label="Note" hint={`${note.length} / ${MAX_NOTE}`}>
        <textarea name="note" rows={3} value={note} maxLength={MAX_NOTE} placeholder="Why: what was checked, what was decided" onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} aria-invalid={!!error && /^note:/.test(error)} />
      </Field>
      {error && <p class="form-error" role="alert"><T v={error} /></p>}
      {saved && !dirty && !error && <p class="form-ok" role="status">Saved as {user}.</p>}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={!dirty || busy}>{busy ? 'Saving…' : 'Save triage'}</button>
        {dirty && <button type="button" class="btn btn-ghost" onClick={() => { setStatus(triage.status); setOwner(triage.owner ?? ''); setNote(triage.note ?? ''); setError(undefined); }}>Discard</button>}
      </div>
    </form>
  );
}

/** Who changed what when, newest first. */
export function History({ history }: { history: Triage['history'] }) {
  const h = [...(history ?? [])].reverse();
  if (!h.length) return <p class="muted small">No changes yet: nobody has triaged this.</p>;
  const val = (field: string, v: string | null) => (v === null ? <span class="muted">none</span> : field === 'status' ? <Pill kind="triage" s={v} /> : <q><T v={v} lines={field === 'note'} /></q>);
  return (
    <ol class="timeline history" aria-label="Triage history">
      {h.map((e, i) => (
        <li key={i}>
          <time dateTime={e.at}>{when(e.at)}</time>
          <span><b class="mono"><T v={e.by} /></b> {e.from === null ? 'set' : e.to === null ? 'cleared' : 'changed'} <b>{e.field}</b>{e.from !== null && <> from {val(e.field, e.from)}</>}{e.to !== null && <> to {val(e.field, e.to)}</>}</span>
        </li>
      ))}
    </ol>
  );
}
