import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRIAGE_ID, type TriageKind, type TriageRecord } from '../shared/triage/model.ts';
import type { TriageStore } from '../shared/triage/store.ts';

/** A lock older than this is left over from a process that died holding it. */
const STALE_LOCK_MS = 10_000;

/**
 * TriageStore for local runs: `<lake>/triage/<kind>/<id>.json`, one file per record. A save takes a per-record
 * lock file (exclusive create), checks the version, writes a temporary file and renames it over the record,
 * so a reader never sees half a file and two processes (the console and a CLI) cannot both win one version.
 */
export class FileTriageStore implements TriageStore {
  constructor(private readonly lakeDir: string) {}

  private dir(kind: TriageKind): string {
    return join(this.lakeDir, 'triage', kind);
  }

  private file(kind: TriageKind, id: string): string {
    // Ids reach here from URLs: the id pattern keeps them inside the folder (no '/', no leading '.').
    if (!TRIAGE_ID.test(id)) throw new Error(`FileTriageStore: ${JSON.stringify(id)} is not a triage id`);
    return join(this.dir(kind), `${id}.json`);
  }

  async get(kind: TriageKind, id: string): Promise<TriageRecord | null> {
    const f = this.file(kind, id);
    return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as TriageRecord) : null;
  }

  async getMany(kind: TriageKind, ids: readonly string[]): Promise<Map<string, TriageRecord>> {
    const out = new Map<string, TriageRecord>();
    for (const id of ids) {
      const r = await this.get(kind, id);
      if (r) out.set(id, r);
    }
    return out;
  }

  async list(kind: TriageKind): Promise<TriageRecord[]> {
    const d = this.dir(kind);
    if (!existsSync(d)) return [];
    return readdirSync(d).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(d, f), 'utf8')) as TriageRecord);
  }

  async save(record: TriageRecord, expectedVersion: number): Promise<boolean> {
    const f = this.file(record.kind, record.id);
    mkdirSync(this.dir(record.kind), { recursive: true });
    const lock = `${f}.lock`;
    if (!takeLock(lock)) return false;
    try {
      const stored = existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as TriageRecord).version : 0;
      if (stored !== expectedVersion) return false;
      const tmp = `${f}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(record, null, 2));
      renameSync(tmp, f);
      return true;
    } finally {
      rmSync(lock, { force: true });
    }
  }
}

function takeLock(lock: string): boolean {
  try {
    closeSync(openSync(lock, 'wx'));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { force: true });
    } catch { /* removed meanwhile */ }
    // The caller re-reads and retries, as after a lost version check.
    return false;
  }
}
