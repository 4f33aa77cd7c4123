import { describe, expect, it } from 'vitest';
import { cloudWatchLogEvents } from '../../local/cloudWatchLogEvents.ts';
import { simulateTraffic } from '../../local/simulator.ts';
import { decodeSubscriptionPayload } from '../../shared/ingest/decodeSubscriptionPayload.ts';
import { encodeSubscriptionPayload } from '../../shared/ingest/encodeSubscriptionPayload.ts';

describe('simulated CloudWatch Logs events', () => {
  it('carry 56-digit unique ids and the request time as timestamp, as subscriptions deliver them', () => {
    const { lines } = simulateTraffic({ seed: 3, hours: 1, rate: 20 });
    const evs = cloudWatchLogEvents(lines.slice(0, 300), 1000);
    expect(new Set(evs.map((e) => e.id)).size).toBe(300);
    for (const e of evs) {
      expect(e.id).toMatch(/^\d{56}$/);
      expect(e.timestamp).toBe(Number(JSON.parse(e.message).requestTimeEpoch));
    }
    const p = decodeSubscriptionPayload(encodeSubscriptionPayload(evs).toString('base64'));
    expect(p.kind === 'data' && p.logEvents.every((e, i) => e.timestamp === evs[i].timestamp && e.id === evs[i].id)).toBe(true);
  });

  it('leaves the timestamp out (NaN) for a line without a request time', () => {
    expect(cloudWatchLogEvents(['{"requestId":"x"}'], 0)[0].timestamp).toBeNaN();
  });
});
