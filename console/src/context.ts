import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api.ts';
import type { ConsoleConfig } from './config.ts';

export interface Session {
  api: Api;
  config: ConsoleConfig;
  /** Who is signed in (deployed), or "local" */
  user: string;
  signOut?: () => void;
}

export const SessionContext = createContext<Session | null>(null);
export const useSession = () => useContext(SessionContext)!;
