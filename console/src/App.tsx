import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { SessionContext, useSession, type Session } from './context.ts';
import { ActorPage } from './pages/ActorPage.tsx';
import { DefectPage } from './pages/DefectPage.tsx';
import { DefectsPage } from './pages/DefectsPage.tsx';
import { EndpointPage } from './pages/EndpointPage.tsx';
import { InventoryPage } from './pages/InventoryPage.tsx';
import { OverviewPage } from './pages/OverviewPage.tsx';
import { RiskPage } from './pages/RiskPage.tsx';
import { useRoute, type Route } from './router.ts';
import { Empty } from './components/ui.tsx';

const NAV = [
  { id: '', label: 'Overview', icon: 'M3 13h8V3H3v10zm0 8h8v-6H3v6zm10 0h8V11h-8v10zm0-18v6h8V3h-8z' },
  { id: 'inventory', label: 'Inventory', icon: 'M4 6h16M4 12h16M4 18h10' },
  { id: 'defects', label: 'Defects', icon: 'M12 3l9 16H3L12 3zm0 6v4m0 3v.5' },
  { id: 'risk', label: 'Risk', icon: 'M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6l8-3z' },
];

function page(r: Route): { nav: string; title: string; node: ComponentChildren } {
  const [top, ...rest] = r.parts;
  switch (top ?? '') {
    case '':
      return { nav: '', title: 'Overview', node: <OverviewPage /> };
    case 'inventory':
      return rest.length >= 3
        ? { nav: 'inventory', title: 'Endpoint', node: <EndpointPage domain={rest[0]} method={rest[1]} template={rest.slice(2).join('/')} /> }
        : { nav: 'inventory', title: 'Inventory', node: <InventoryPage params={r.params} /> };
    case 'defects':
      return rest[0] ? { nav: 'defects', title: 'Defect', node: <DefectPage id={rest[0]} /> } : { nav: 'defects', title: 'Defects', node: <DefectsPage params={r.params} /> };
    case 'risk':
      return rest[0] === 'actor' && rest.length >= 3
        ? { nav: 'risk', title: 'Caller', node: <ActorPage actorType={rest[1]} actor={rest.slice(2).join('/')} /> }
        : { nav: 'risk', title: 'Risk', node: <RiskPage params={r.params} /> };
    default:
      return { nav: '', title: 'Not found', node: <Empty title="No such page">Use the navigation on the left.</Empty> };
  }
}

function Shell() {
  const s = useSession();
  const route = useRoute();
  const p = page(route);
  useEffect(() => {
    document.title = `${p.title} · apiscope`;
    document.getElementById('main')?.focus({ preventScroll: true });
    scrollTo(0, 0);
  }, [route.parts.join('/')]);
  return (
    <div class="shell">
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <aside class="side" aria-label="Navigation">
        <div class="brand">
          <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true"><rect width="32" height="32" rx="7" fill="#123563" /><circle cx="14" cy="14" r="7" fill="none" stroke="#5eead4" stroke-width="3" /><path d="M19 19l6 6" stroke="#5eead4" stroke-width="3" stroke-linecap="round" /></svg>
          <div><b>apiscope</b><span>API security</span></div>
        </div>
        <nav>
          <ul>
            {NAV.map((n) => (
              <li key={n.id}>
                <a href={`#/${n.id}`} class={p.nav === n.id ? 'active' : ''} aria-current={p.nav === n.id ? 'page' : undefined}>
                  <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path d={n.icon} fill={n.id === '' ? 'currentColor' : 'none'} stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" /></svg>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="side-foot">
          <span class={`mode mode-${s.config.mode}`}>{s.config.mode === 'local' ? 'Local lake' : 'AWS'}</span>
          <span class="who" title="Recorded as who changed triage">{s.user}</span>
          {s.signOut && <button type="button" class="link" onClick={s.signOut}>Sign out</button>}
        </div>
      </aside>
      <main id="main" tabIndex={-1} class="main">{p.node}</main>
    </div>
  );
}

export function App({ session }: { session: Session }) {
  return (
    <SessionContext.Provider value={session}>
      <Shell />
    </SessionContext.Provider>
  );
}
