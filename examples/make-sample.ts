// Writes examples/access.ndjson.gz: three hours of the seeded simulator's bank-API traffic (the same generator
// `npm start` runs, with its attacks), so the README's replay example works from a fresh checkout.
//   node --import tsx examples/make-sample.ts
// The output is byte-for-byte the same on every run (seeded traffic, gzip without a timestamp).
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { simulateTraffic } from '../local/simulator.ts';

const { lines, attacks } = simulateTraffic({ seed: 7, hours: 3, rate: 20 });
const out = new URL('./access.ndjson.gz', import.meta.url);
writeFileSync(out, gzipSync(lines.join('\n') + '\n', { level: 9 }));
console.log(`${lines.length} lines, attacks: ${attacks.map((a) => a.scenario).join(', ')} -> ${out.pathname}`);
