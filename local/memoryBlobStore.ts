import type { BlobStore } from '../shared/engine/ports.ts';

/** In-memory BlobStore that counts PUTs and bytes, for the benchmark and unit tests. */
export class MemoryBlobStore implements BlobStore {
  readonly objects = new Map<string, Uint8Array>();
  puts = 0;
  bytesPut = 0;
  putsByPrefix: Record<string, number> = {};

  async put(key: string, body: Uint8Array): Promise<void> {
    this.puts++;
    this.bytesPut += body.byteLength;
    const top = key.split('/')[0] + (key.startsWith('state/') ? '/' + key.split('/')[2] : '');
    this.putsByPrefix[top] = (this.putsByPrefix[top] ?? 0) + 1;
    this.objects.set(key, body);
  }
  async get(key: string) {
    return this.objects.get(key) ?? null;
  }
  async list(prefix: string) {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
  async delete(keys: string[]) {
    for (const k of keys) this.objects.delete(k);
  }
}
