import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError } from './cliError.ts';

export interface StagedDir {
  /** Where to write: a hidden sibling of the destination. */
  dir: string;
  /** Moves the finished folder into place (one rename). */
  commit(): void;
  /** Removes what was written; the destination is left as it was. */
  abort(): void;
}

/**
 * A result folder that appears complete or not at all: everything is written into a hidden sibling
 * (`.<name>.partial-<pid>`, same file system, so the final rename is atomic) which replaces the destination
 * only when the run succeeded. A failed or interrupted run removes it. The destination must not exist or be
 * an empty folder, so a run never mixes with an earlier one.
 */
export function stageOutDir(flag: string, out: string): StagedDir {
  const dest = resolve(out);
  if (existsSync(dest)) {
    if (!statSync(dest).isDirectory()) throw new CliError(`${flag} ${out}: is a file; give a new or empty folder`);
    if (readdirSync(dest).length) throw new CliError(`${flag} ${out}: is not empty; give a new or empty folder (a run never writes over an earlier one)`);
  }
  for (let up = dirname(dest); up !== dirname(up); up = dirname(up)) {
    if (existsSync(up) && !statSync(up).isDirectory()) throw new CliError(`${flag} ${out}: ${up} is a file, not a folder; give a folder you can write to`);
  }
  const tmp = join(dirname(dest), `.${basename(dest)}.partial-${process.pid}`);
  try {
    mkdirSync(dirname(dest), { recursive: true });
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
  } catch (e) {
    throw new CliError(`${flag} ${out}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a folder you can write to`);
  }
  const onSignal = (sig: NodeJS.Signals) => {
    rmSync(tmp, { recursive: true, force: true });
    process.stderr.write(`\napiscope: interrupted (${sig}); nothing written to ${out}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const done = () => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); };
  return {
    dir: tmp,
    commit() {
      done();
      if (existsSync(dest)) rmdirSync(dest);
      renameSync(tmp, dest);
    },
    abort() {
      done();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
