import { useState } from 'preact/hooks';
import { Evidence } from '../components/Evidence.tsx';
import { History, TriagePanel } from '../components/TriagePanel.tsx';
import { Card, Dl, Method, Pill, Severity, Show, T, useLoad } from '../components/ui.tsx';
import { ApiCallError, seg } from '../api.ts';
import { useSession } from '../context.ts';
import { parseJson, type Defect, type Ticket, type Triage } from '../data.ts';
import { num, OWASP_NAMES, shown, when, words } from '../format.ts';
import { endpointHref } from './InventoryPage.tsx';
import { PageHead } from './PageHead.tsx';

/** A ticket link is followed only when it is http(s): the URL comes from another system. */
const safeUrl = (u: string) => (/^https?:\/\//i.test(u) ? u : undefined);

export function DefectPage({ id }: { id: string }) {
  const { api } = useSession();
  const r = useLoad(() => api.get<Defect>(`/defects/${seg(id)}`), [api, id]);
  const [triage, setTriage] = useState<Triage>();
  return (
    <Show r={r} label="Loading the defect">
      {(d) => {
        const t = triage && triage.version >= (d.triage?.version ?? 0) ? triage : d.triage;
        return (
          <>
            <PageHead
              back={{ href: '#/defects', label: 'Defects' }}
              title={<T v={d.title} />}
              sub={<><Severity s={d.severity} /> <span title={OWASP_NAMES[d.owasp]}>{shown(d.owasp)} {OWASP_NAMES[d.owasp] ?? ''}</span> · <span class="mono">{shown(d.defect_type)}</span></>}
              actions={<><Pill kind="life" s={d.status} /><Pill kind="triage" s={t.status} /></>}
            />
            <div class="grid-2-1">
              <div class="stack">
                <Card title="What was found">
                  <Dl rows={[
                    ['Endpoint', <a href={endpointHref(d)}><Method m={d.method} /> <span class="mono"><T v={d.template} /></span></a>],
                    ['Domain', <T v={d.domain_name} />],
                    ['First seen', when(d.first_seen)],
                    ['Last seen', when(d.last_seen)],
                    ['Occurrences', num(d.occurrences)],
                    ['Defect id', <span class="mono">{shown(d.defect_id)}</span>],
                  ]} />
                </Card>
                <Card title="Evidence" sub="Masked samples, counts and baselines the check used; no raw personal data is stored" actions={<RawToggle json={d.evidence} />}>
                  <Evidence value={parseJson(d.evidence)} />
                </Card>
                <Card title="How to fix it"><p class="fix"><T v={d.fix} /></p></Card>
              </div>
              <div class="stack">
                <Card title="Triage" sub="What your team decided; separate from the traffic status">
                  <TriagePanel path={`/defects/${seg(d.defect_id)}`} triage={t} onSaved={setTriage} />
                </Card>
                <Card title="Ticket"><TicketBox defect={d} triage={t} onTicket={setTriage} /></Card>
                <Card title="History"><History history={t.history} /></Card>
              </div>
            </div>
          </>
        );
      }}
    </Show>
  );
}

function RawToggle({ json }: { json: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class="btn btn-ghost" aria-expanded={open} onClick={() => setOpen(!open)}>{open ? 'Hide JSON' : 'Raw JSON'}</button>
      {open && <pre class="raw"><T v={JSON.stringify(parseJson(json), null, 2)} /></pre>}
    </>
  );
}

function TicketBox({ defect, triage, onTicket }: { defect: Defect; triage: Triage; onTicket: (t: Triage) => void }) {
  const { api, config } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const ticket: Ticket | null = triage.ticket;
  async function create() {
    setBusy(true); setError(undefined);
    try {
      const r = await api.send<{ ticket: Ticket; triage: Triage }>('POST', `/defects/${seg(defect.defect_id)}/ticket`);
      onTicket(r.triage);
    } catch (e) {
      setError(e instanceof ApiCallError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  if (ticket) {
    const url = safeUrl(ticket.url);
    return (
      <p class="ticket">
        <span class="chip">{words(shown(ticket.system))}</span>{' '}
        {url ? <a href={url} target="_blank" rel="noopener noreferrer"><T v={ticket.key} /></a> : <T v={ticket.key} />} · {shown(ticket.state)}
        {ticket.at && <span class="muted"> · {when(ticket.at)}</span>}
      </p>
    );
  }
  return (
    <div>
      <p class="muted small">{config.ticketsConfigured ? 'Hand this defect to the team that owns the endpoint.' : 'No ticket system is configured for this console (tickets option of the deployment).'}</p>
      <button type="button" class="btn" onClick={create} disabled={busy || !config.ticketsConfigured}>{busy ? 'Creating…' : 'Create ticket'}</button>
      {error && <p class="form-error" role="alert"><T v={error} /></p>}
    </div>
  );
}
