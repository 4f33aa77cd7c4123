import { severityAtLeast } from '../check/lifecycle.ts';
import type { Severity } from '../emit/rows.ts';
import { SILENCED_STATUSES, type TicketLink } from '../triage/model.ts';
import { setTicket } from '../triage/service.ts';
import type { TriageStore } from '../triage/store.ts';
import type { DefectTicketer } from '../api/findingsApi.ts';
import type { TicketClient } from './connector.ts';
import { draftFor, factsFromAlert, factsFromRow, reopenedText, resolvedText } from './draft.ts';
import { TicketError } from './errors.ts';
import { notificationSchema } from './notifications.ts';
import type { DefectFacts } from './types.ts';

/** A claim (`state: creating`) older than this belongs to a delivery that died mid-way; another may take over. */
const STALE_CLAIM_MS = 5 * 60_000;

export type Outcome =
  | 'created' | 'exists' | 'commented_reopened' | 'below_threshold' | 'silenced' | 'in_flight'
  | 'resolved_closed' | 'resolved_commented' | 'no_ticket' | 'already_closed' | 'ignored';

export interface TicketServiceOptions {
  client: TicketClient;
  triage: TriageStore;
  /** New defect alerts at or above this open a ticket by themselves. */
  minSeverity: Severity;
  onResolve: 'comment' | 'close';
  /** Recorded as `by` in the triage history for automatic changes. */
  principal?: string;
  now?: () => Date;
}

/**
 * Hands defects to the owning team's ticket system: on a new defect alert at or above `minSeverity`, on
 * demand (API), and when a defect resolves (comment, and close unless configured to only comment).
 * Idempotent: the ticket link in the defect's triage record is the de-duplication. Before creating, a
 * delivery claims the record with a conditional write (`state: creating`); a second delivery of the same
 * alert, or a concurrent API call, finds the claim and creates nothing.
 */
export class TicketService implements DefectTicketer {
  private readonly by: string;
  private readonly now: () => Date;

  constructor(private readonly o: TicketServiceOptions) {
    this.by = o.principal ?? 'apiscope-tickets';
    this.now = o.now ?? (() => new Date());
  }

  /** One alert-topic message (the SNS Message JSON). Unknown kinds and malformed messages are ignored. */
  async handleNotification(message: unknown): Promise<Outcome> {
    const n = notificationSchema.safeParse(message);
    if (!n.success) return 'ignored';
    if (n.data.kind === 'defect') {
      const facts = factsFromAlert(n.data);
      if (!severityAtLeast(facts.severity, this.o.minSeverity)) return 'below_threshold';
      return (await this.ensureTicket(facts, this.by, true)).outcome;
    }
    return this.resolved(n.data.defectId, n.data.lastSeen);
  }

  /** DefectTicketer for `POST /defects/{id}/ticket`: the existing ticket, or a new one whatever the severity. */
  async ticketForDefect(defect: Record<string, unknown>, by: string): Promise<{ ticket: TicketLink; created: boolean }> {
    const r = await this.ensureTicket(factsFromRow(defect), by, false);
    if (r.outcome === 'in_flight') throw new TicketError(`${this.o.client.system}: a ticket for defect ${defect.defect_id} is being created right now; read the defect again in a moment`, 409, true);
    return { ticket: r.ticket!, created: r.outcome === 'created' };
  }

  private async ensureTicket(d: DefectFacts, by: string, automatic: boolean): Promise<{ outcome: Outcome; ticket?: TicketLink }> {
    const { triage, client } = this.o;
    const current = await triage.get('defect', d.id);
    if (current?.ticket && current.ticket.state !== 'creating') {
      // A defect that came back after it resolved: tell the existing ticket rather than open another.
      if (automatic && d.generation > (current.ticket.generation ?? 1)) {
        await client.comment(current.ticket, reopenedText(d));
        const t = { ...current.ticket, generation: d.generation };
        await setTicket(triage, 'defect', d.id, t, by, { now: this.now() });
        return { outcome: 'commented_reopened', ticket: t };
      }
      return { outcome: 'exists', ticket: current.ticket };
    }
    if (automatic && current && SILENCED_STATUSES.includes(current.status)) return { outcome: 'silenced' };
    const at = this.now();
    const claim: TicketLink = { system: client.system, key: '', url: '', state: 'creating', at: at.toISOString(), generation: d.generation };
    const claimed = await setTicket(triage, 'defect', d.id, claim, by, {
      now: at, onlyIf: (t) => t === null || (t.state === 'creating' && at.getTime() - Date.parse(t.at) > STALE_CLAIM_MS),
    });
    if (!claimed) {
      const again = await triage.get('defect', d.id);
      return again?.ticket && again.ticket.state !== 'creating' ? { outcome: 'exists', ticket: again.ticket } : { outcome: 'in_flight' };
    }
    let ref;
    try {
      ref = await client.create(draftFor(d));
    } catch (e) {
      // Give the claim back so the retry (SNS/Lambda, or the person) can create it.
      await setTicket(triage, 'defect', d.id, null, by, { now: this.now(), onlyIf: (t) => t?.state === 'creating' && t.at === claim.at });
      throw e;
    }
    const ticket: TicketLink = { system: ref.system, key: ref.key, url: ref.url, state: 'open', at: this.now().toISOString(), generation: d.generation };
    await setTicket(triage, 'defect', d.id, ticket, by, { now: this.now() });
    return { outcome: 'created', ticket };
  }

  private async resolved(id: string, lastSeen: string): Promise<Outcome> {
    const { triage, client } = this.o;
    const t = (await triage.get('defect', id))?.ticket;
    if (!t || t.state === 'creating') return 'no_ticket';
    if (t.state === 'closed') return 'already_closed';
    await client.comment(t, resolvedText({ id, lastSeen }));
    if (this.o.onResolve === 'comment') return 'resolved_commented';
    await client.close(t, resolvedText({ id, lastSeen }));
    await setTicket(triage, 'defect', id, { ...t, state: 'closed', at: this.now().toISOString() }, this.by, { now: this.now() });
    return 'resolved_closed';
  }
}
