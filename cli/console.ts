import { CliError, UsageError } from './cliError.ts';
import { checkLakeDir } from './checkPaths.ts';
import { visible } from '../shared/report/visibleText.ts';
import type { DefectTicketer } from '../shared/api/findingsApi.ts';

export interface ConsoleCommandOptions {
  data: string;
  port?: string;
  host?: string;
  as?: string;
  /** A ticket connector for "Create ticket" (programmatic: the command has no flag for one yet). */
  tickets?: DefectTicketer;
}

/** What `apiscope console` started: the URL it prints, and `close` (tests; the command itself runs until Ctrl-C). */
export interface RunningConsole {
  url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * `apiscope console --data DIR [--port N] [--host 127.0.0.1] [--as NAME]`: builds the web app (esbuild, well
 * under a second), then serves it with the findings API over DIR on this machine only unless --host says
 * otherwise. The flags are checked before anything starts, each with a one-line message.
 */
export async function startConsole(o: ConsoleCommandOptions): Promise<RunningConsole> {
  const port = o.port === undefined ? 8080 : Number(o.port);
  if (!/^\d{1,5}$/.test(o.port ?? '8080') || port > 65535) throw new UsageError(`--port "${visible(o.port ?? '')}" is not a port; give a number from 0 to 65535 (0 picks a free one)`);
  const host = o.host ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host)) throw new UsageError(`--host "${visible(host)}" is not a host name or address; e.g. 127.0.0.1`);
  if (o.as !== undefined && !/^[\x21-\x7e][\x20-\x7e]{0,127}$/.test(o.as)) throw new UsageError(`--as "${visible(o.as)}" must be a name of 1-128 printable characters, e.g. alice@bank.example`);
  const { TABLES } = await import('../shared/emit/tableSchemas.ts');
  checkLakeDir('--data', o.data, TABLES.map((t) => t.prefix));

  const [{ buildConsole }, { createConsoleServer, listenConsole, ConsoleListenError }, { createLocalApi, localPrincipal }] = await Promise.all([
    import('../console/build.ts'), import('../local/consoleServer.ts'), import('../local/localApi.ts'),
  ]);
  const assets = await buildConsole();
  const server = createConsoleServer({ api: createLocalApi(o.data, { as: o.as, tickets: o.tickets }), assets, principal: localPrincipal(o.as), ticketsConfigured: !!o.tickets });
  try {
    const { url } = await listenConsole(server, port, host);
    return { url, close: () => new Promise((r) => server.close(() => r())) };
  } catch (e) {
    if (e instanceof ConsoleListenError) throw new CliError(`--port ${e.message}`);
    throw e;
  }
}

/** The command: start, print where, say when it is reachable from elsewhere, run until interrupted. */
export async function consoleCommand(o: ConsoleCommandOptions): Promise<number> {
  const c = await startConsole(o);
  const host = o.host ?? '127.0.0.1';
  console.log(`apiscope console: ${c.url}  (data ${o.data}; Ctrl-C stops it)`);
  if (!LOOPBACK.has(host)) console.log(`apiscope console: listening on ${host}, not only this machine: anyone who can reach it can read and triage these findings`);
  await new Promise<void>((resolve) => {
    const stop = () => { void c.close().then(resolve); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
