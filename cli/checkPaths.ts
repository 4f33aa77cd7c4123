import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { CliError } from './cliError.ts';

/**
 * Checks a file flag before anything is written, so a wrong path fails at once with the flag's name instead of
 * halfway through a run. `allowEmpty` is for documents where an empty file means "none" (never for --input).
 */
export function checkInputFile(flag: string, file: string, opts: { allowEmpty?: boolean } = {}): void {
  if (!existsSync(file)) throw new CliError(`${flag} ${file}: no such file; check the path`);
  const st = statSync(file);
  if (st.isDirectory()) throw new CliError(`${flag} ${file}: is a directory; give a file`);
  if (!st.isFile()) throw new CliError(`${flag} ${file}: is not a regular file; give a file`);
  try {
    accessSync(file, constants.R_OK);
  } catch {
    throw new CliError(`${flag} ${file}: cannot be read (permission denied); check its permissions`);
  }
  if (st.size === 0 && !opts.allowEmpty) throw new CliError(`${flag} ${file}: the file is empty; give a file with access-log lines`);
}

/** Reads a document named by a flag (spec, rules, IP lists, overrides, field mapping) after checking it. */
export function readFlagFile(flag: string, file: string): string {
  checkInputFile(flag, file);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`${flag} ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check its permissions`);
  }
}

/** --data must be a folder holding a findings lake (a replay's or demo's output). */
export function checkLakeDir(flag: string, dir: string, tables: readonly string[]): void {
  if (!existsSync(dir)) throw new CliError(`${flag} ${dir}: no such folder; give the --out folder of apiscope replay (or .apiscope/demo/lake)`);
  if (!statSync(dir).isDirectory()) throw new CliError(`${flag} ${dir}: is a file, not a folder; give the --out folder of apiscope replay`);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (e) {
    throw new CliError(`${flag} ${dir}: cannot be read (${(e as NodeJS.ErrnoException).code}); check its permissions`);
  }
  if (!entries.some((e) => tables.includes(e))) throw new CliError(`${flag} ${dir}: holds no findings lake (none of ${tables.join(', ')}); give the --out folder of apiscope replay`);
}
