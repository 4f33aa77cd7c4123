import type { EndpointResolver } from '../engine/types.ts';
import type { IpReputation } from './ipReputation.ts';
import type { ScoringState } from './state.ts';
import type { DetectorDefinition, Finding } from './types.ts';
import type { WindowView } from './window.ts';

/** What a detector may read: the window's aggregates and the state as of the previous window (read-only). */
export interface DetectorInput {
  window: WindowView;
  state: Readonly<ScoringState>;
  resolver: EndpointResolver;
  reputation: IpReputation;
  /** Findings of the detectors evaluated before this one in the same window (follow-on detectors read them). */
  findings: readonly Finding[];
}

/**
 * A detector: its definition (data) and one pure function from input to findings. `role: 'amplifier'`
 * detectors (reputation, unsupervised anomaly) add weight and evidence to an actor another detector fired
 * on; they never flag an actor on their own.
 */
export interface Detector<T extends Record<string, number> = Record<string, number>> {
  definition: DetectorDefinition<T> & {
    role: 'primary' | 'amplifier';
    /** Judges principals only, on this window's behaviour: an address serving only that account is flagged with it. */
    originPropagation?: boolean;
  };
  detect(input: DetectorInput, thresholds: T): Finding[];
}

export const r3 = (x: number) => Math.round(x * 1000) / 1000;
