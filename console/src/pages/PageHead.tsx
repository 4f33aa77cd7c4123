import type { ComponentChildren } from 'preact';

export function PageHead(p: { title: ComponentChildren; sub?: ComponentChildren; back?: { href: string; label: string }; actions?: ComponentChildren }) {
  return (
    <header class="page-head">
      <div>
        {p.back && <a class="back" href={p.back.href}>← {p.back.label}</a>}
        <h1>{p.title}</h1>
        {p.sub && <p class="page-sub">{p.sub}</p>}
      </div>
      {p.actions && <div class="page-actions">{p.actions}</div>}
    </header>
  );
}
