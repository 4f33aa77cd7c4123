import type { Item, KeyValueStore } from '../shared/engine/ports.ts';

/** In-memory KeyValueStore with DynamoDB's semantics, for fast file replays. */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly parts = new Map<string, Map<string, Item>>();
  writes = 0;
  /** DynamoDB write capacity units these writes would cost: one per started KB of item size. */
  wcu = 0;

  private part(pk: string) {
    let p = this.parts.get(pk);
    if (!p) this.parts.set(pk, (p = new Map()));
    return p;
  }

  async get(pk: string, sk: string) {
    const it = this.parts.get(pk)?.get(sk);
    return it ? structuredClone(it) : null;
  }

  async query(pk: string, range: { from?: string; to?: string } = {}) {
    const p = this.parts.get(pk);
    if (!p) return [];
    const from = range.from ?? '', to = range.to ?? '\uffff';
    return [...p.entries()].filter(([sk]) => sk >= from && sk <= to).sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => structuredClone(v));
  }

  async put(pk: string, sk: string, attrs: Item) {
    this.writes++;
    const item = { ...structuredClone(attrs), pk, sk };
    this.wcu += Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(item)) / 1024));
    this.part(pk).set(sk, item);
  }

  async putIfAbsent(pk: string, sk: string, attrs: Item) {
    if (this.parts.get(pk)?.has(sk)) return false;
    await this.put(pk, sk, attrs);
    return true;
  }

  async putIfVersion(pk: string, sk: string, attrs: Item, attr: string, expected: number | null) {
    const cur = this.parts.get(pk)?.get(sk)?.[attr];
    if (expected === null ? cur !== undefined : cur !== expected) return false;
    await this.put(pk, sk, attrs);
    return true;
  }

  async raise(pk: string, sk: string, attr: string, value: number, extra: Item = {}) {
    const cur = this.parts.get(pk)?.get(sk);
    if (cur && typeof cur[attr] === 'number' && (cur[attr] as number) >= value) return;
    await this.put(pk, sk, { ...(cur ?? {}), ...extra, [attr]: value });
  }

  async delete(pk: string, sk: string) {
    if (this.parts.get(pk)?.delete(sk)) this.writes++;
  }

  /** Every item, for tests that scan what was stored. */
  dump(): Item[] {
    return [...this.parts.values()].flatMap((p) => [...p.values()]);
  }
}
