import { useState } from 'preact/hooks';
import { ChartView } from '../components/Chart.tsx';
import { Evidence } from '../components/Evidence.tsx';
import { History, TriagePanel } from '../components/TriagePanel.tsx';
import { Card, Chips, Dl, Empty, Kpi, Pill, Severity, Show, T, useLoad } from '../components/ui.tsx';
import { Table, type Column } from '../components/Table.tsx';
import { seg } from '../api.ts';
import { useSession } from '../context.ts';
import { actorKey, byActor, dataWindow, parseJson, type Actor, type RiskEvent, type Triage } from '../data.ts';
import { hhmm, num, shown, when, words } from '../format.ts';
import { PageHead } from './PageHead.tsx';
import { actorHref, actorTypeLabel, Score } from './RiskPage.tsx';

/** `principal|u-10003` or `ip:203.0.113.9` (how related_actors name them) as a link target. */
function splitActor(s: string): { actor_type: string; actor: string } | undefined {
  const m = /^(ip|principal|api_key|ua_fingerprint)[|:]/.exec(s);
  const i = m ? m[1].length : -1;
  return i > 0 ? { actor_type: s.slice(0, i), actor: s.slice(i + 1) } : undefined;
}

export function ActorPage({ actorType, actor }: { actorType: string; actor: string }) {
  const { api } = useSession();
  const r = useLoad(async () => {
    const win = await dataWindow(api);
    const [profile, all] = await Promise.all([
      api.get<Actor>(`/actors/${seg(actorType)}/${seg(actor)}`),
      api.all<RiskEvent>('/risk-events', { from: win.from, to: win.to }),
    ]);
    return { profile, all };
  }, [api, actorType, actor]);
  const [picked, setPicked] = useState<string>();
  const [incidentTriage, setIncidentTriage] = useState<Record<string, Triage>>({});

  return (
    <Show r={r} label="Loading the caller">
      {({ profile, all }) => {
        const mine = all.filter((e) => e.actor_type === actorType && e.actor === actor).sort((a, b) => a.window_start.localeCompare(b.window_start));
        const top = [...mine].sort((a, b) => b.score - a.score)[0];
        const sel = mine.find((e) => e.window_start === picked) ?? top;
        const incidents = [...new Set(mine.map((e) => e.incident_id).filter((x): x is string => !!x))];
        const related = [...new Set(mine.flatMap((e) => e.related_actors ?? []))];
        const campaign = byActor(all.filter((e) => e.incident_id && incidents.includes(e.incident_id) && actorKey(e) !== `${actorType}:${actor}`));
        const columns: Column<RiskEvent>[] = [
          { key: 'start', label: 'Window (UTC)', render: (e) => <span class="nowrap">{e.window_start.slice(5, 10)} {hhmm(e.window_start)}–{hhmm(e.window_end)}</span>, sort: (e) => e.window_start },
          { key: 'score', label: 'Score', render: (e) => <Score s={e.score} />, sort: (e) => e.score },
          { key: 'sev', label: 'Severity', render: (e) => <Severity s={e.severity} /> },
          { key: 'scenario', label: 'Looks like', render: (e) => words(shown(e.scenario)) },
          { key: 'det', label: 'Detectors', render: (e) => <Chips items={(e.detectors ?? []).map((d) => words(shown(d)))} /> },
        ];
        const ev = sel ? parseJson(sel.evidence) : undefined;
        const detectors = ev && typeof ev === 'object' && !Array.isArray(ev) ? Object.entries(ev as Record<string, unknown>) : [];
        return (
          <>
            <PageHead
              back={{ href: '#/risk', label: 'Risky callers' }}
              title={<span class="mono break"><T v={actor} /></span>}
              sub={<>{actorTypeLabel(actorType)}{top ? <> · looks like <b>{words(shown(top.scenario))}</b></> : null}{profile.first_seen ? <> · seen {when(profile.first_seen)} – {when(profile.last_seen)}</> : null}</>}
              actions={top ? <Score s={top.score} /> : undefined}
            />
            <div class="kpis">
              <Kpi label="Highest score" value={top ? top.score : '–'} tone={top && top.score >= 70 ? 'bad' : 'none'} sub={top ? `${top.severity}` : 'no risky window'} />
              <Kpi label="Risky windows" value={num(mine.length)} sub={mine.length ? `${when(mine[0].window_start).slice(11)} – ${hhmm(mine[mine.length - 1].window_end)}` : ''} />
              <Kpi label="Requests" value={num(profile.requests)} sub="in its profile" />
              <Kpi label="Incidents" value={num(incidents.length)} sub={`${num(campaign.length)} other callers in them`} />
            </div>
            <Card title="Timeline" sub="Score of each risky window (0-100)">
              {mine.length ? (
                <ChartView type="line" integer label="Risk score per window" x="Window start (UTC)" y="Score" height={200}
                  labels={mine.map((e) => hhmm(e.window_start))} series={[{ label: 'Score', data: mine.map((e) => e.score), color: '#dc2626' }]}
                  onPick={(i) => setPicked(mine[i].window_start)} />
              ) : <Empty title="No risky windows in these 7 days" />}
            </Card>
            <div class="grid-2-1">
              <div class="stack">
                <Card title="Evidence per detector" sub={sel ? <>Window {when(sel.window_start)} – {hhmm(sel.window_end)}, score {sel.score}; pick another below or on the timeline</> : undefined}>
                  {detectors.length ? detectors.map(([k, v]) => (
                    <section class="detector" key={k}>
                      <h3>{words(shown(k))}</h3>
                      <Evidence value={v} />
                    </section>
                  )) : <Empty title="No evidence recorded" />}
                </Card>
                <Card title="Risky windows">
                  <Table label="Risky windows" rows={mine} columns={columns} rowKey={(e) => e.window_start} initialSort={{ key: 'start', dir: 'asc' }} onOpen={(e) => setPicked(e.window_start)}
                    rowClass={(e) => (e === sel ? 'selected' : '')} />
                </Card>
              </div>
              <div class="stack">
                <Card title="Campaign" sub="The incident this caller's windows belong to, and who else is in it">
                  {incidents.length ? incidents.map((id) => {
                    const t = incidentTriage[id] ?? mine.find((e) => e.incident_id === id)?.triage ?? { status: 'open', owner: null, note: null, ticket: null, version: 0, updatedAt: null, updatedBy: null, history: [] };
                    return (
                      <div class="incident" key={id}>
                        <p><span class="mono">risk:{shown(id)}</span> <Pill kind="triage" s={t.status} /></p>
                        <TriagePanel path={`/incidents/${seg(id)}`} triage={t} onSaved={(n) => setIncidentTriage((m) => ({ ...m, [id]: n }))} />
                        {incidentTriage[id]?.history && <History history={incidentTriage[id].history} />}
                      </div>
                    );
                  }) : <Empty title="Not part of an incident" />}
                  {campaign.length > 0 && (
                    <>
                      <h3>Other callers in the incident</h3>
                      <ul class="rank">{campaign.slice(0, 12).map((a) => <li key={actorKey(a)}><a href={actorHref(a)}><Score s={a.score} /><span class="rank-main"><b class="mono"><T v={a.actor} /></b><small>{actorTypeLabel(a.actor_type)}</small></span></a></li>)}</ul>
                      {campaign.length > 12 && <p class="muted small">and {campaign.length - 12} more</p>}
                    </>
                  )}
                </Card>
                <Card title="Related callers" sub="Correlated with this one (same principal, key, network or client)">
                  {related.length ? <ul class="rank">{related.map((s) => { const a = splitActor(s); return <li key={s}>{a ? <a href={actorHref(a)}><span class="rank-main"><b class="mono"><T v={a.actor} /></b><small>{actorTypeLabel(a.actor_type)}</small></span></a> : <T v={s} />}</li>; })}</ul>
                    : <Empty title="No related callers recorded" />}
                </Card>
                <Card title="Profile" sub="What this caller normally does">
                  <Dl rows={[
                    ['Typical endpoints', <Chips items={profile.typical_templates} />],
                    ['Typical hours (UTC)', <Chips items={(profile.typical_hours ?? []).map((h) => `${String(h).padStart(2, '0')}:00`)} />],
                    ['IP addresses', <Chips items={profile.ips} />],
                    ['User agents', <ul class="plain">{(profile.user_agents ?? []).map((u, i) => <li key={i} class="mono small ua"><T v={u} /></li>)}</ul>],
                  ]} />
                </Card>
              </div>
            </div>
          </>
        );
      }}
    </Show>
  );
}
