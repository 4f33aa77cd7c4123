import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { jsonOf, type CallContext, type Connector } from '../connector.ts';
import type { TicketDraft, TicketRef } from '../types.ts';

/**
 * A generic webhook for any other system: JSON events POSTed to `baseUrl`, signed so the receiver can trust
 * them. `X-Apiscope-Signature: sha256=<hex HMAC-SHA256 of the raw body with the shared secret>`;
 * `X-Apiscope-Timestamp` (Unix seconds) equals the body's `sentAt`, which the signature covers, so a receiver
 * that refuses old timestamps (5 minutes) stops replays; `X-Apiscope-Delivery` is unique per delivery for
 * de-duplication. A create may answer `{key, url}`; otherwise the delivery id is the key.
 */
export const webhookCredentials = z.object({ signingSecret: z.string().min(16, 'must be the webhook signing secret, at least 16 characters') }).strict();

export const SIGNATURE_HEADER = 'X-Apiscope-Signature';
export const TIMESTAMP_HEADER = 'X-Apiscope-Timestamp';
export const DELIVERY_HEADER = 'X-Apiscope-Delivery';

export const signBody = (secret: string, rawBody: string) => `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;

function post(url: string, secret: string, ctx: CallContext, event: string, data: Record<string, unknown>) {
  const sentAt = Math.floor(ctx.now.getTime() / 1000);
  const body = JSON.stringify({ event, deliveryId: ctx.deliveryId, sentAt, ...data });
  return {
    method: 'POST' as const, url, body,
    headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signBody(secret, body), [TIMESTAMP_HEADER]: String(sentAt), [DELIVERY_HEADER]: ctx.deliveryId, 'User-Agent': 'apiscope-tickets' },
  };
}

const ticket = (r: TicketRef) => ({ key: r.key, url: r.url });

export const WEBHOOK: Connector<z.infer<typeof webhookCredentials>> = {
  system: 'webhook',
  credentials: webhookCredentials,
  create: (s, c, ctx, d: TicketDraft) => post(s.baseUrl, c.signingSecret, ctx, 'ticket.create', { title: d.title, paragraphs: d.paragraphs, facts: Object.fromEntries(d.facts), severity: d.severity, labels: d.labels, defect: d.defect }),
  parseCreate: (res, _s, ctx) => {
    const b = jsonOf(res);
    return { key: typeof b.key === 'string' && b.key ? b.key : ctx.deliveryId, url: typeof b.url === 'string' ? b.url : '' };
  },
  comment: (s, c, ctx, ref, text) => post(s.baseUrl, c.signingSecret, ctx, 'ticket.comment', { ticket: ticket(ref), text }),
  close: [(s, c, ctx, ref, text) => post(s.baseUrl, c.signingSecret, ctx, 'ticket.close', { ticket: ticket(ref), text })],
  errorOf: (res) => res.body.slice(0, 200),
};
