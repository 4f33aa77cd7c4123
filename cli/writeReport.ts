import { accessSync, constants, existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildReport } from '../local/buildReport.ts';
import { CliError } from './cliError.ts';

const cannotWrite = (out: string, why: string) => new CliError(`--out ${out}: cannot write there (${why}); give a file path in a folder you can write to`);

/** `apiscope report`: checks --out first (before DuckDB runs), builds the report from the lake, writes it. */
export async function writeReport(dataDir: string, out: string, day?: string): Promise<{ day: string; riskyActors: number; openDefects: number }> {
  const folder = dirname(resolve(out));
  if (existsSync(out) && statSync(out).isDirectory()) throw cannotWrite(out, 'it is a folder');
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw cannotWrite(out, `no folder ${folder}`);
  try {
    accessSync(folder, constants.W_OK);
  } catch (e) {
    throw cannotWrite(out, (e as NodeJS.ErrnoException).code ?? 'permission denied');
  }
  const r = await buildReport(dataDir, day);
  try {
    writeFileSync(out, r.html);
  } catch (e) {
    throw cannotWrite(out, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  return { day: r.data.day, riskyActors: r.data.riskyActors.length, openDefects: r.data.openDefects.length };
}
