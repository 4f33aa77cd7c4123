import { createHash } from 'node:crypto';
import { badRequest } from './errors.ts';

/**
 * Page tokens: opaque to callers, bound to the query that issued them. A token carries the offset of the next
 * page and a hash of the route and every filter (not `limit`, which may change between pages), so a token
 * replayed with other filters is refused instead of silently paging another result.
 */
export function queryBinding(route: string, query: Record<string, unknown>): string {
  const filters = Object.entries(query).filter(([k, v]) => k !== 'nextToken' && k !== 'limit' && v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify([route, filters])).digest('base64url').slice(0, 16);
}

export const encodeCursor = (offset: number, binding: string) => Buffer.from(JSON.stringify({ o: offset, q: binding })).toString('base64url');

/** The offset a token stands for; 0 without a token. Throws 400 for a token that is forged or of another query. */
export function decodeCursor(token: string | undefined, binding: string): number {
  if (!token) return 0;
  let o: unknown, q: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,200}$/.test(token)) throw new Error();
    ({ o, q } = JSON.parse(Buffer.from(token, 'base64url').toString()));
  } catch {
    throw badRequest('nextToken: is not a token this API issued');
  }
  if (!Number.isInteger(o) || (o as number) < 0 || (o as number) >= 1e7 || typeof q !== 'string') throw badRequest('nextToken: is not a token this API issued');
  if (q !== binding) throw badRequest('nextToken: was issued for other filters; send the same filters as the first page, or start again without nextToken');
  return o as number;
}
