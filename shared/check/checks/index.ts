import type { Check } from '../types.ts';
import { sensitiveDataInUrl } from './sensitiveDataInUrl.ts';
import { unauthenticatedAccess } from './unauthenticatedAccess.ts';
import { unauthenticatedFileDownload } from './unauthenticatedFileDownload.ts';
import { deprecatedVersion } from './deprecatedVersion.ts';
import { shadowZombieEndpoint } from './shadowZombieEndpoint.ts';
import { missingRateLimit } from './missingRateLimit.ts';
import { errorBurst } from './errorBurst.ts';
import { latencyRegression } from './latencyRegression.ts';
import { verboseError } from './verboseError.ts';
import { bruteForceableLogin } from './bruteForceableLogin.ts';
import { specPosture } from './specPosture.ts';

/** Every built-in check, in evaluation order. Adding a check = its file, its golden folder, one line here. */
export const BUILTIN_CHECKS: readonly Check[] = [
  sensitiveDataInUrl,
  unauthenticatedAccess,
  unauthenticatedFileDownload,
  deprecatedVersion,
  shadowZombieEndpoint,
  missingRateLimit,
  errorBurst,
  latencyRegression,
  verboseError,
  bruteForceableLogin,
  specPosture,
];

export {
  sensitiveDataInUrl, unauthenticatedAccess, unauthenticatedFileDownload, deprecatedVersion, shadowZombieEndpoint,
  missingRateLimit, errorBurst, latencyRegression, verboseError, bruteForceableLogin, specPosture,
};
