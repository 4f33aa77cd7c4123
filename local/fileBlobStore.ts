import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { BlobStore } from '../shared/engine/ports.ts';

/** BlobStore on a local folder, laid out exactly like the S3 bucket (`DIR/<key>`). */
export class FileBlobStore implements BlobStore {
  puts = 0;
  constructor(readonly root: string) {}

  async put(key: string, body: Uint8Array): Promise<void> {
    const p = join(this.root, key);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, body);
    this.puts++;
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return await readFile(join(this.root, key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((k) => rm(join(this.root, k), { force: true })));
  }

  async list(prefix: string): Promise<string[]> {
    const base = join(this.root, prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '');
    const out: string[] = [];
    const walk = async (d: string) => {
      let ents;
      try { ents = await readdir(d, { withFileTypes: true }); } catch { return; }
      for (const e of ents) {
        const p = join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else {
          const key = relative(this.root, p).split(sep).join('/');
          if (key.startsWith(prefix)) out.push(key);
        }
      }
    };
    await walk(base);
    return out.sort();
  }
}
