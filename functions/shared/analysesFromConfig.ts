import type { RuntimeConfig } from '../../shared/config/runtimeConfig.ts';
import { buildAnalyses } from './buildAnalyses.ts';

let cached: Promise<ReturnType<typeof buildAnalyses>> | null = null;

/**
 * Reads the operator's documents (OpenAPI spec, custom rules, reputation lists) once per container, from
 * S3 or a bundled path, and builds the analyses. Changing a rule file takes effect on the next cold start,
 * with no code deployment.
 */
export function analysesFromConfig(config: RuntimeConfig | undefined, readText: ((uri: string) => Promise<string>) | undefined) {
  return (cached ??= (async () => {
    const read = async (uri?: string) => (uri && readText ? readText(uri) : undefined);
    const [specText, rulesText, reputationText, overridesText] = await Promise.all([read(config?.specUri), read(config?.rulesUri), read(config?.reputationUri), read(config?.overridesUri)]);
    return buildAnalyses({ specText, rulesText, rulesSource: config?.rulesUri, reputationText, overridesText, minAlertSeverity: config?.minAlertSeverity });
  })().catch((e) => { cached = null; throw e; }));
}
