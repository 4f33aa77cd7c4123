import type { Detector } from '../detector.ts';
import { credentialStuffing } from './credentialStuffing.ts';
import { enumeration } from './enumeration.ts';
import { distributedScraping } from './distributedScraping.ts';
import { sequenceAnomaly } from './sequenceAnomaly.ts';
import { scriptedUserAgent } from './scriptedUserAgent.ts';
import { volumeSpike } from './volumeSpike.ts';
import { forcedBrowsing } from './forcedBrowsing.ts';
import { unauthBulkDownload } from './unauthBulkDownload.ts';
import { ipReputationDetector } from './ipReputation.ts';
import { behaviourAnomaly } from './behaviourAnomaly.ts';

/** Every detector, in evaluation order. Adding one = a file here + its golden folder. */
export const DETECTORS: ReadonlyArray<Detector<any>> = [
  credentialStuffing, enumeration, distributedScraping, sequenceAnomaly, scriptedUserAgent, volumeSpike, forcedBrowsing,
  unauthBulkDownload, ipReputationDetector, behaviourAnomaly,
];

export {
  credentialStuffing, enumeration, distributedScraping, sequenceAnomaly, scriptedUserAgent, volumeSpike, forcedBrowsing,
  unauthBulkDownload, ipReputationDetector, behaviourAnomaly,
};
