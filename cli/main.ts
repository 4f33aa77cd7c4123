import { parseArgs } from 'node:util';

const USAGE = `apiscope - API security from API Gateway access logs

Usage:
  apiscope demo [--out DIR]                     run the whole pipeline on local emulators with simulated traffic
  apiscope replay --input FILE --out DIR [--shards N] [--spec FILE] [--rules FILE] [--ip-lists FILE] [--overrides FILE]
                                                replay a log file through the pipeline; writes the findings lake
  apiscope query --data DIR [--format table|csv|json] "SQL"
                                                SQL over a findings lake (Athena table names and columns)
  apiscope discover --input FILE --out DIR [--spec FILE]
                                                API inventory only: DIR/paths.ndjson and DIR/openapi/<domain>.json
  apiscope report --data DIR --out FILE.html [--day YYYY-MM-DD]
                                                the daily HTML report (the same one the scheduled function writes)
  apiscope format [rest|http]                   print the recommended access-log format for a stage

Input files: NDJSON access-log records, CloudWatch Logs exports ("<ISO time> <message>" lines) or raw
subscription payloads; gzip or not.`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'demo': {
      const { values } = parseArgs({ args: rest, options: { out: { type: 'string', default: '.apiscope/demo' } } });
      const { runDemo } = await import('../local/demo.ts');
      await runDemo(values.out);
      return 0;
    }
    case 'replay': {
      const { values } = parseArgs({ args: rest, options: { input: { type: 'string' }, out: { type: 'string' }, shards: { type: 'string', default: '1' }, spec: { type: 'string' }, rules: { type: 'string' }, 'ip-lists': { type: 'string' }, overrides: { type: 'string' }, 'hash-key': { type: 'string' }, quiet: { type: 'boolean', default: false } } });
      if (!values.input || !values.out) throw new UsageError('replay needs --input FILE and --out DIR');
      const shards = Number(values.shards);
      if (!Number.isInteger(shards) || shards < 1 || shards > 64) throw new UsageError('--shards must be an integer from 1 to 64');
      const { runReplay } = await import('./replay.ts');
      await runReplay({ input: values.input, out: values.out, shards, spec: values.spec, rules: values.rules, ipLists: values['ip-lists'], overrides: values.overrides, hashKey: values['hash-key'], quiet: values.quiet });
      return 0;
    }
    case 'query': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { data: { type: 'string' }, format: { type: 'string', default: 'table' } } });
      if (!values.data || positionals.length !== 1) throw new UsageError('query needs --data DIR and one SQL string');
      if (!['table', 'csv', 'json'].includes(values.format!)) throw new UsageError('--format must be table, csv or json');
      const { queryLake } = await import('../local/lakeQuery.ts');
      const { formatRows } = await import('./formatRows.ts');
      const r = await queryLake(values.data, positionals[0]);
      console.log(formatRows(r.columns, r.rows, values.format as 'table'));
      return 0;
    }
    case 'discover': {
      const { discoverCommand } = await import('./discover.ts');
      return discoverCommand(rest);
    }
    case 'report': {
      const { values } = parseArgs({ args: rest, options: { data: { type: 'string' }, out: { type: 'string' }, day: { type: 'string' } } });
      if (!values.data || !values.out) throw new UsageError('report needs --data DIR and --out FILE.html');
      if (values.day && !/^\d{4}-\d{2}-\d{2}$/.test(values.day)) throw new UsageError('--day must be YYYY-MM-DD');
      const { buildReport } = await import('../local/buildReport.ts');
      const { writeFileSync } = await import('node:fs');
      const r = await buildReport(values.data, values.day);
      writeFileSync(values.out, r.html);
      console.log(`Report for ${r.data.day}: ${r.data.riskyActors.length} risky callers, ${r.data.openDefects.length} open defects -> ${values.out}`);
      return 0;
    }
    case 'format': {
      const { accessLogFormatString } = await import('../shared/normalize/accessLogFormat.ts');
      console.log(accessLogFormatString(rest[0] === 'http' ? 'http' : 'rest'));
      return 0;
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  // exitCode, not exit(): exit() drops whatever is still buffered for a piped stdout.
  (code) => { process.exitCode = code; },
  (e) => {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(`apiscope: ${(e as Error).message}\n\n${USAGE}`);
    else console.error(`apiscope: ${(e as Error).stack ?? e}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
