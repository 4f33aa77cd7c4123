import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, UsageError } from './cliError.ts';
import { visible } from '../shared/report/visibleText.ts';

const USAGE = `apiscope - API security from API Gateway access logs

Usage:
  apiscope demo [--out DIR]                     run the whole pipeline on local emulators with simulated traffic
  apiscope replay --input FILE --out DIR [--shards N] [--spec FILE] [--rules FILE] [--ip-lists FILE] [--overrides FILE] [--field-mapping FILE]
                                                replay a log file through the pipeline; writes the findings lake
  apiscope query --data DIR [--format table|csv|json] "SQL"
                                                SQL over a findings lake (Athena table names and columns)
  apiscope discover --input FILE --out DIR [--spec FILE] [--overrides FILE] [--field-mapping FILE]
                                                API inventory only: DIR/paths.ndjson and DIR/openapi/<domain>.json
  apiscope report --data DIR --out FILE.html [--day YYYY-MM-DD]
                                                the daily HTML report (the same one the scheduled function writes)
  apiscope console --data DIR [--port N] [--host 127.0.0.1] [--as NAME]
                                                the web console over a findings lake: inventory, defects and
                                                their triage, risky callers (http://127.0.0.1:8080/ by default)
  apiscope format [rest|http]                   print the recommended access-log format for a stage

Input files: NDJSON access-log records, CloudWatch Logs exports ("<ISO time> <message>" lines) or raw
subscription payloads; gzip or not. --field-mapping FILE: JSON naming the keys your log format uses,
e.g. {"ip":"sourceIp","resourcePath":"routeKey"} (validated like the deployment config's fieldMapping).`;

type Options = NonNullable<ParseArgsConfig['options']>;
const str = { type: 'string' } as const;

const COMMANDS: Record<string, { options: Options; positionals?: number }> = {
  demo: { options: { out: str } },
  replay: { options: { input: str, out: str, shards: str, spec: str, rules: str, 'ip-lists': str, overrides: str, 'field-mapping': str, 'hash-key': str, quiet: { type: 'boolean' } } },
  query: { options: { data: str, format: str }, positionals: 1 },
  discover: { options: { input: str, out: str, spec: str, overrides: str, 'field-mapping': str } },
  report: { options: { data: str, out: str, day: str } },
  console: { options: { data: str, port: str, host: str, as: str } },
  format: { options: {}, positionals: 1 },
};

type Values = Record<string, string | boolean | undefined>;

/** parseArgs with its errors as one line that names the option (its own messages run to three lines). */
function parse(cmd: string, argv: string[]): { values: Values; positionals: string[] } {
  const spec = COMMANDS[cmd];
  const options: Options = { ...spec.options, help: { type: 'boolean', short: 'h' } };
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    const max = spec.positionals ?? 0;
    if (r.positionals.length > max) throw new UsageError(`unexpected argument "${visible(r.positionals[max])}"${max ? '' : ' (options start with --)'}; see apiscope ${cmd} --help`);
    return { values: r.values as Values, positionals: r.positionals };
  } catch (e) {
    const code = (e as { code?: string }).code;
    const m = /'(-[^' ]+)/.exec((e as Error).message);
    const opt = visible(m?.[1] ?? '');
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${opt}; the options are ${Object.keys(spec.options).map((o) => `--${o}`).join(' ') || '(none)'}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`option ${opt} needs a value`);
    if (code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError(visible((e as Error).message.split('\n')[0]));
    throw e;
  }
}

function need(values: Values, flag: string, what: string): string {
  const v = values[flag];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${flag} ${what} is required`);
  return v;
}

const opt = (values: Values, flag: string) => (typeof values[flag] === 'string' ? (values[flag] as string) : undefined);

async function run(cmd: string, argv: string[]): Promise<number> {
  const { values, positionals } = parse(cmd, argv);
  if (values.help) { console.log(USAGE); return 0; }
  switch (cmd) {
    case 'demo': {
      const { runDemo } = await import('../local/demo.ts');
      await runDemo(opt(values, 'out'));
      return 0;
    }
    case 'replay': {
      const input = need(values, 'input', 'FILE (the access logs to replay)');
      const out = need(values, 'out', 'DIR (a new folder for the findings lake)');
      const shards = Number(opt(values, 'shards') ?? '1');
      if (!Number.isInteger(shards) || shards < 1 || shards > 64) throw new UsageError('--shards must be an integer from 1 to 64');
      const { runReplay } = await import('./replay.ts');
      await runReplay({ input, out, shards, spec: opt(values, 'spec'), rules: opt(values, 'rules'), ipLists: opt(values, 'ip-lists'), overrides: opt(values, 'overrides'), fieldMapping: opt(values, 'field-mapping'), hashKey: opt(values, 'hash-key'), quiet: values.quiet === true });
      return 0;
    }
    case 'query': {
      const data = need(values, 'data', 'DIR (a findings lake: the --out folder of apiscope replay)');
      if (positionals.length !== 1) throw new UsageError('query needs one SQL string, e.g. apiscope query --data DIR "SELECT count(*) FROM endpoints"');
      const { ROW_FORMATS, formatRows } = await import('./formatRows.ts');
      const format = opt(values, 'format') ?? 'table';
      if (!(ROW_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format "${visible(format)}" is not one of ${ROW_FORMATS.join(', ')}`);
      const { checkLakeDir } = await import('./checkPaths.ts');
      const { TABLES } = await import('../shared/emit/tableSchemas.ts');
      checkLakeDir('--data', data, TABLES.map((t) => t.prefix));
      const { queryLake } = await import('../local/lakeQuery.ts');
      const r = await queryLake(data, positionals[0]);
      console.log(formatRows(r.columns, r.rows, format as (typeof ROW_FORMATS)[number]));
      return 0;
    }
    case 'discover': {
      const input = need(values, 'input', 'FILE (the access logs)');
      const out = need(values, 'out', 'DIR (where paths.ndjson and openapi/ go)');
      const { discoverCommand } = await import('./discover.ts');
      return discoverCommand({ input, out, spec: opt(values, 'spec'), overrides: opt(values, 'overrides'), fieldMapping: opt(values, 'field-mapping') });
    }
    case 'report': {
      const data = need(values, 'data', 'DIR (a findings lake: the --out folder of apiscope replay)');
      const out = need(values, 'out', 'FILE.html (where the report goes)');
      const day = opt(values, 'day');
      if (day !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))) throw new UsageError(`--day "${visible(day)}" is not a date; write YYYY-MM-DD`);
      const { checkLakeDir } = await import('./checkPaths.ts');
      const { TABLES } = await import('../shared/emit/tableSchemas.ts');
      checkLakeDir('--data', data, TABLES.map((t) => t.prefix));
      const { writeReport } = await import('./writeReport.ts');
      const r = await writeReport(data, out, day);
      console.log(`Report for ${r.day}: ${r.riskyActors} risky callers, ${r.openDefects} open defects -> ${out}`);
      return 0;
    }
    case 'console': {
      const data = need(values, 'data', 'DIR (a findings lake: the --out folder of apiscope replay)');
      const { consoleCommand } = await import('./console.ts');
      return consoleCommand({ data, port: opt(values, 'port'), host: opt(values, 'host'), as: opt(values, 'as') });
    }
    case 'format': {
      const kind = positionals[0] ?? 'rest';
      if (kind !== 'rest' && kind !== 'http') throw new UsageError(`unknown format "${visible(kind)}"; use rest (REST APIs) or http (HTTP APIs)`);
      const { accessLogFormatString } = await import('../shared/normalize/accessLogFormat.ts');
      console.log(accessLogFormatString(kind));
      return 0;
    }
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '-h' || cmd === '--help' || cmd === 'help') { console.log(USAGE); return 0; }
  if (!Object.hasOwn(COMMANDS, cmd)) throw new UsageError(`unknown command "${visible(cmd)}"; the commands are ${Object.keys(COMMANDS).join(', ')} (apiscope --help)`);
  try {
    return await run(cmd, rest);
  } catch (e) {
    throw Object.assign(e as Error, { command: cmd });
  }
}

/**
 * One line on stderr, never a stack trace: a CliError says what to fix; anything else is unexpected and
 * says where to get the detail (APISCOPE_DEBUG=1 prints the stack).
 */
function report(e: unknown): number {
  const err = e as Error & { command?: string };
  const who = err.command ? `apiscope ${err.command}` : 'apiscope';
  if (e instanceof CliError) {
    console.error(`${who}: ${e.message}`);
    return e.exitCode;
  }
  const msg = visible(String(err?.message ?? e).split('\n').map((l) => l.trim()).filter(Boolean).join('; '));
  console.error(`${who}: ${msg}${process.env.APISCOPE_DEBUG ? `\n${err?.stack}` : ' (APISCOPE_DEBUG=1 shows where)'}`);
  return 1;
}

// `apiscope query ... | head` closes stdout early: that ends the output, it is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  // exitCode, not exit(): exit() drops whatever is still buffered for a piped stdout.
  (code) => { process.exitCode = code; },
  (e) => { process.exitCode = report(e); },
);
