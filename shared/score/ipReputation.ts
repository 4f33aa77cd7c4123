import { CidrSet } from './cidr.ts';
import type { IpLists } from './types.ts';

/**
 * Offline defaults, general public knowledge only: address blocks announced by large hosting and cloud
 * providers (traffic from there is servers, not people), and private / shared address space. They are
 * coarse on purpose; reputation only ever adds weight to behaviour, it never flags a caller by itself.
 * Operators add precise lists (their partners' egress, Tor exit lists, commercial proxy feeds) through
 * `ScoringOptions.ipLists`.
 */
export const DEFAULT_IP_LISTS: Required<IpLists> = {
  allow: [],
  deny: [],
  tor: [],
  proxy: [],
  // Published search-engine crawler ranges (Googlebot, Bingbot): a crawler user agent from here is the real crawler.
  crawler: ['66.249.64.0/19', '157.55.39.0/24', '207.46.13.0/24', '40.77.167.0/24', '13.66.139.0/24', '13.66.144.0/24', '52.167.144.0/24', '2001:4860:4801::/48'],
  datacenter: [
    // Amazon Web Services (large aggregates)
    '3.0.0.0/9', '13.32.0.0/12', '15.177.0.0/16', '18.128.0.0/9', '34.192.0.0/10', '35.152.0.0/13', '44.192.0.0/10',
    '52.0.0.0/10', '54.64.0.0/11', '54.144.0.0/12', '54.160.0.0/11', '54.192.0.0/12', '54.208.0.0/13', '54.216.0.0/14', '54.224.0.0/11',
    // Microsoft Azure
    '13.64.0.0/11', '20.0.0.0/8', '40.64.0.0/10', '52.224.0.0/11', '104.40.0.0/13', '137.116.0.0/15',
    // Google Cloud
    '34.64.0.0/10', '35.184.0.0/13', '35.192.0.0/12', '35.208.0.0/12', '104.154.0.0/15', '130.211.0.0/16',
    // DigitalOcean
    '104.131.0.0/16', '104.236.0.0/16', '128.199.0.0/16', '134.209.0.0/16', '138.68.0.0/16', '138.197.0.0/16', '139.59.0.0/16',
    '142.93.0.0/16', '157.230.0.0/16', '159.65.0.0/16', '159.89.0.0/16', '161.35.0.0/16', '164.90.0.0/16', '165.22.0.0/16',
    '165.227.0.0/16', '167.71.0.0/16', '167.99.0.0/16', '174.138.0.0/17', '178.62.0.0/16', '188.166.0.0/16', '206.189.0.0/16',
    // Hetzner
    '5.9.0.0/16', '78.46.0.0/15', '88.198.0.0/16', '88.99.0.0/16', '95.216.0.0/16', '116.202.0.0/15', '135.181.0.0/16',
    '136.243.0.0/16', '138.201.0.0/16', '144.76.0.0/16', '148.251.0.0/16', '157.90.0.0/16', '159.69.0.0/16', '162.55.0.0/16',
    '176.9.0.0/16', '188.40.0.0/16', '195.201.0.0/16', '213.239.192.0/18',
    // OVHcloud
    '51.38.0.0/16', '51.68.0.0/16', '51.75.0.0/16', '51.77.0.0/16', '51.79.0.0/16', '51.81.0.0/16', '51.83.0.0/16', '51.89.0.0/16',
    '51.91.0.0/16', '51.161.0.0/16', '51.178.0.0/16', '51.195.0.0/16', '54.36.0.0/16', '54.37.0.0/16', '54.38.0.0/16',
    '137.74.0.0/16', '141.94.0.0/16', '141.95.0.0/16', '145.239.0.0/16', '147.135.0.0/16', '149.202.0.0/16', '151.80.0.0/16',
    '158.69.0.0/16', '164.132.0.0/16', '178.32.0.0/15', '188.165.0.0/16', '192.99.0.0/16', '198.27.64.0/18',
    // Linode / Akamai, Vultr, Scaleway, Contabo, Oracle
    '45.33.0.0/17', '45.56.64.0/18', '45.79.0.0/16', '139.162.0.0/16', '172.104.0.0/15', '45.32.0.0/16', '45.63.0.0/17',
    '45.76.0.0/16', '45.77.0.0/16', '66.42.32.0/19', '108.61.0.0/16', '149.28.0.0/16', '207.148.0.0/17', '51.15.0.0/16',
    '51.158.0.0/15', '62.210.0.0/16', '163.172.0.0/16', '161.97.0.0/16', '173.212.192.0/18', '207.180.192.0/18',
    '129.146.0.0/16', '130.61.0.0/16', '132.145.0.0/16', '140.238.0.0/16', '152.67.0.0/16', '152.70.0.0/16',
    // Tencent Cloud, Alibaba Cloud
    '43.128.0.0/14', '43.152.0.0/14', '49.51.0.0/16', '101.32.0.0/14', '119.28.0.0/15', '129.226.0.0/16', '150.109.0.0/16',
    '162.62.0.0/16', '170.106.0.0/16', '8.208.0.0/12', '47.74.0.0/15', '47.76.0.0/14', '47.88.0.0/14', '47.235.0.0/16',
    '47.236.0.0/14', '47.240.0.0/14', '47.244.0.0/15', '47.246.0.0/16', '47.250.0.0/15', '47.252.0.0/15', '47.254.0.0/16',
    '101.132.0.0/15', '106.14.0.0/15', '120.24.0.0/14', '139.224.0.0/16', '182.92.0.0/16',
    // Colocation / budget VPS commonly used for proxies
    '107.172.0.0/14', '192.3.0.0/16', '198.23.128.0/17', '23.94.0.0/15', '104.168.0.0/14',
  ],
};

/** Private, shared and documentation space: internal callers (health checks, VPC links). */
export const INTERNAL_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', 'fc00::/7', '::1/128'];

export type IpReputationLabel = 'allow' | 'deny' | 'tor' | 'proxy' | 'crawler' | 'datacenter' | 'internal';

export interface IpReputation {
  /** Most specific label for the address, or null for an unremarkable (residential / unknown) one. */
  labelOf(ip: string): IpReputationLabel | null;
  isAllowed(ip: string): boolean;
}

/**
 * Builds the lookup from operator lists (merged with defaults unless `replaceDefaults`).
 * Precedence when several lists hold the address: allow > deny > tor > proxy > crawler > datacenter > internal.
 * @example
 * const rep = createIpReputation({ allow: ['198.51.100.10'], tor: ['203.0.113.0/24'] });
 * rep.labelOf('203.0.113.9') // 'tor'
 */
export function createIpReputation(lists: IpLists = {}, replaceDefaults = false): IpReputation {
  const base: IpLists = replaceDefaults ? {} : DEFAULT_IP_LISTS;
  const order: IpReputationLabel[] = ['allow', 'deny', 'tor', 'proxy', 'crawler', 'datacenter'];
  const sets = new Map<IpReputationLabel, CidrSet>();
  for (const label of order) {
    const s = new CidrSet();
    for (const c of [...(base[label as keyof IpLists] ?? []), ...(lists[label as keyof IpLists] ?? [])]) s.add(label, c);
    sets.set(label, s);
  }
  const internal = new CidrSet(INTERNAL_RANGES.map((cidr) => ({ label: 'internal', cidr })));
  const cache = new Map<string, IpReputationLabel | null>();
  const labelOf = (ip: string): IpReputationLabel | null => {
    const c = cache.get(ip);
    if (c !== undefined) return c;
    let r: IpReputationLabel | null = null;
    for (const label of order) { const s = sets.get(label)!; if (s.size && s.match(ip)) { r = label; break; } }
    if (!r && internal.match(ip)) r = 'internal';
    if (cache.size > 100_000) cache.clear();
    cache.set(ip, r);
    return r;
  };
  return { labelOf, isAllowed: (ip) => labelOf(ip) === 'allow' };
}
