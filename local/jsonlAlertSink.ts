import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AlertPublisher } from '../shared/engine/ports.ts';

/** The local stand-in for the SNS topic: one JSON line per alert, optionally echoed to the console. */
export class JsonlAlertSink implements AlertPublisher {
  readonly sent: Array<{ subject: string; message: string; attributes: Record<string, string> }> = [];
  constructor(private readonly file?: string, private readonly echo = false) {
    if (file) mkdirSync(dirname(file), { recursive: true });
  }

  async publish(subject: string, message: string, attributes: Record<string, string>): Promise<void> {
    this.sent.push({ subject, message, attributes });
    if (this.file) appendFileSync(this.file, JSON.stringify({ subject, attributes, message: JSON.parse(message) }) + '\n');
    if (this.echo) console.log(`  ALERT ${subject}`);
  }
}
