import { render } from 'preact';
import { createApi, localSend } from './api.ts';
import { App } from './App.tsx';
import { loadConfig } from './config.ts';
import type { Session } from './context.ts';
import './styles.css';

/**
 * Starts the console: config.json says the mode. Locally the API is same-origin with no sign-in; deployed,
 * auth.ts (loaded only then) signs in with Cognito and signs each API call with the identity pool's
 * credentials.
 */
async function boot() {
  const root = document.getElementById('app')!;
  try {
    const config = await loadConfig();
    let session: Session;
    if (config.mode === 'local') {
      session = { api: createApi('/api', localSend), config, user: config.user ?? 'local' };
    } else {
      const { signedInSession } = await import('./auth.ts');
      const s = await signedInSession(config);
      if (!s) return; // redirected to the hosted sign-in page
      session = s;
    }
    render(<App session={session} />, root);
  } catch (e) {
    root.replaceChildren();
    const box = document.createElement('div');
    box.className = 'boot-error';
    box.setAttribute('role', 'alert');
    const h = document.createElement('h1');
    h.textContent = 'The console could not start';
    const p = document.createElement('p');
    p.textContent = (e as Error).message;
    box.append(h, p);
    root.append(box);
  }
}

void boot();
