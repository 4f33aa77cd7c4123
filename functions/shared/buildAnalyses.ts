import { createDiscoveryAnalysis, parseOpenApiSpec } from '../../shared/discover/index.ts';
import { createDefectsAnalysis } from '../../shared/check/index.ts';
import { createScoringAnalysis } from '../../shared/score/index.ts';
import { parseRules } from '../../shared/rules/index.ts';
import type { Severity } from '../../shared/emit/rows.ts';

/** Operator-supplied documents, already read (from S3 in AWS, from files locally). */
export interface AnalysisInputs {
  specText?: string;
  rulesText?: string;
  rulesSource?: string;
  reputationText?: string;
  minAlertSeverity?: Severity;
}

/** The three analyses, configured the same way in Lambda and locally. */
export function buildAnalyses(inputs: AnalysisInputs) {
  const spec = inputs.specText ? parseOpenApiSpec(inputs.specText) : undefined;
  const rules = inputs.rulesText ? parseRules(inputs.rulesText, inputs.rulesSource ?? 'rules') : undefined;
  const discovery = createDiscoveryAnalysis({ spec });
  return {
    discovery,
    defects: createDefectsAnalysis({ rules, spec, minAlertSeverity: inputs.minAlertSeverity }),
    scoring: createScoringAnalysis({}),
  };
}
