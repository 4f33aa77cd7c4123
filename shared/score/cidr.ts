/**
 * CIDR matching for IPv4 and IPv6 without allocation per lookup beyond parsing. A `CidrSet` is built once
 * from operator lists and answers `match(ip)` with the label of the longest matching prefix.
 */
export interface CidrEntry { label: string; cidr: string }

interface V4Range { base: number; mask: number; bits: number; label: string; cidr: string }
interface V6Range { base: bigint; mask: bigint; bits: number; label: string; cidr: string }

export function parseIpv4(ip: string): number | null {
  let n = 0, part = 0, digits = 0, dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) { if (!digits || part > 255) return null; n = n * 256 + part; part = 0; digits = 0; dots++; continue; }
    if (c < 48 || c > 57) return null;
    part = part * 10 + (c - 48); digits++;
    if (digits > 3) return null;
  }
  if (dots !== 3 || !digits || part > 255) return null;
  return (n * 256 + part) >>> 0;
}

export function parseIpv6(ip: string): bigint | null {
  if (!ip.includes(':')) return null;
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  const halves = ip.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string): number[] | null => {
    if (!s) return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (g.includes('.')) { const v4 = parseIpv4(g); if (v4 === null) return null; out.push(v4 >>> 16, v4 & 0xffff); continue; }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const a = parse(halves[0]);
  const b = halves.length === 2 ? parse(halves[1]) : [];
  if (!a || !b) return null;
  const fill = 8 - a.length - b.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return null;
  const groups = [...a, ...new Array(halves.length === 2 ? fill : 0).fill(0), ...b];
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/**
 * @example
 * const s = new CidrSet([{ label: 'office', cidr: '203.0.113.0/24' }]);
 * s.match('203.0.113.7') // 'office'
 */
export class CidrSet {
  private v4: V4Range[] = [];
  private v6: V6Range[] = [];
  private cache = new Map<string, string | null>();

  constructor(entries: CidrEntry[] = []) { for (const e of entries) this.add(e.label, e.cidr); }

  get size(): number { return this.v4.length + this.v6.length; }

  add(label: string, cidr: string): void {
    const [addr, bitsStr] = cidr.trim().split('/');
    const v4 = parseIpv4(addr);
    if (v4 !== null) {
      const bits = bitsStr === undefined ? 32 : Number(bitsStr);
      if (!(bits >= 0 && bits <= 32)) throw new Error(`bad CIDR ${cidr}`);
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      this.v4.push({ base: (v4 & mask) >>> 0, mask, bits, label, cidr });
    } else {
      const v6 = parseIpv6(addr);
      if (v6 === null) throw new Error(`bad CIDR ${cidr}`);
      const bits = bitsStr === undefined ? 128 : Number(bitsStr);
      if (!(bits >= 0 && bits <= 128)) throw new Error(`bad CIDR ${cidr}`);
      const mask = bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
      this.v6.push({ base: v6 & mask, mask, bits, label, cidr });
    }
    this.v4.sort((x, y) => y.bits - x.bits);
    this.v6.sort((x, y) => y.bits - x.bits);
    this.cache.clear();
  }

  /** Label and CIDR of the longest matching prefix, or null. */
  lookup(ip: string): { label: string; cidr: string } | null {
    const v4 = parseIpv4(ip);
    if (v4 !== null) { for (const r of this.v4) if (((v4 & r.mask) >>> 0) === r.base) return r; return null; }
    const v6 = parseIpv6(ip);
    if (v6 !== null) { for (const r of this.v6) if ((v6 & r.mask) === r.base) return r; }
    return null;
  }

  match(ip: string): string | null {
    const c = this.cache.get(ip);
    if (c !== undefined) return c;
    const r = this.lookup(ip)?.label ?? null;
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(ip, r);
    return r;
  }
}

/** The caller's network block used to group rotating addresses: /24 for IPv4, /48 for IPv6. */
export function subnetOf(ip: string): string {
  if (ip.includes(':')) {
    const v = parseIpv6(ip);
    if (v === null) return ip;
    const p = v >> 80n;
    return `${((p >> 32n) & 0xffffn).toString(16)}:${((p >> 16n) & 0xffffn).toString(16)}:${(p & 0xffffn).toString(16)}::/48`;
  }
  const i = ip.lastIndexOf('.');
  return i > 0 ? `${ip.slice(0, i)}.0/24` : ip;
}
