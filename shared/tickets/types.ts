import type { Severity } from '../emit/rows.ts';
import type { TicketSystem } from '../triage/model.ts';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  /** Header names lower-case. */
  headers: Record<string, string>;
  body: string;
}

/** One HTTP exchange; throws only when no response came (connection refused, reset, timeout). */
export type HttpSend = (req: HttpRequest) => Promise<HttpResponse>;

/** What a ticket says about a defect, whatever system it goes to. */
export interface DefectFacts {
  id: string;
  type: string;
  title: string;
  severity: Severity;
  status: string;
  domain: string;
  method: string;
  template: string;
  owasp: string;
  firstSeen: string;
  lastSeen: string;
  occurrences: number;
  fix: string;
  /** Lifecycle generation: 1 when first opened, +1 at each reopening. */
  generation: number;
}

export interface TicketDraft {
  title: string;
  /** Plain paragraphs; each connector renders them its way (ADF, HTML, Markdown, JSON). */
  paragraphs: string[];
  /** Label, value pairs shown as a list. */
  facts: Array<[string, string]>;
  severity: Severity;
  labels: string[];
  defect: DefectFacts;
}

export interface TicketRef {
  system: TicketSystem;
  key: string;
  url: string;
}
