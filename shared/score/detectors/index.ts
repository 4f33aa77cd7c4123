import type { Detector } from '../detector.ts';
import { credentialStuffingBurst } from './credentialStuffingBurst.ts';
import { credentialStuffingSlow } from './credentialStuffingSlow.ts';
import { bruteForce } from './bruteForce.ts';
import { accountTakeover } from './accountTakeover.ts';
import { enumeration } from './enumeration.ts';
import { distributedScraping } from './distributedScraping.ts';
import { sequenceAnomaly } from './sequenceAnomaly.ts';
import { scriptedUserAgent } from './scriptedUserAgent.ts';
import { volumeSpike } from './volumeSpike.ts';
import { forcedBrowsing } from './forcedBrowsing.ts';
import { unauthBulkDownload } from './unauthBulkDownload.ts';
import { ipReputationDetector } from './ipReputation.ts';
import { behaviourAnomaly } from './behaviourAnomaly.ts';

/**
 * Every detector, in evaluation order (account_takeover reads the stuffing findings before it). Adding one =
 * a file here + its golden folder.
 */
export const DETECTORS: ReadonlyArray<Detector<any>> = [
  credentialStuffingBurst, credentialStuffingSlow, bruteForce, accountTakeover, enumeration, distributedScraping, sequenceAnomaly, scriptedUserAgent, volumeSpike, forcedBrowsing,
  unauthBulkDownload, ipReputationDetector, behaviourAnomaly,
];

export {
  credentialStuffingBurst, credentialStuffingSlow, bruteForce, accountTakeover, enumeration, distributedScraping, sequenceAnomaly, scriptedUserAgent, volumeSpike, forcedBrowsing,
  unauthBulkDownload, ipReputationDetector, behaviourAnomaly,
};
