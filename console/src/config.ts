/** What /config.json says: written by the local server, or by the CDK deployment next to the app. */
export type ConsoleConfig =
  | { mode: 'local'; ticketsConfigured: boolean; /** Who the server records as changing triage (--as, or local:<OS user>). */ user?: string }
  | {
      mode: 'deployed';
      ticketsConfigured: boolean;
      region: string;
      /** The Open API stage URL, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/v1 */
      apiUrl: string;
      userPoolId: string;
      userPoolClientId: string;
      identityPoolId: string;
      /** Hosted UI, e.g. https://apiscope-123.auth.eu-west-1.amazoncognito.com */
      authDomain: string;
    };

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch('/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: ${res.status}; the console was not deployed with its configuration`);
  const c = (await res.json()) as ConsoleConfig;
  if (c.mode !== 'local' && c.mode !== 'deployed') throw new Error('config.json: mode must be local or deployed');
  return c;
}
