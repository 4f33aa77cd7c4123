import YAML from 'yaml';
import { createDiscoveryAnalysis, parseOpenApiSpec, parseOverrides } from '../../shared/discover/index.ts';
import { createDefectsAnalysis } from '../../shared/check/index.ts';
import { createScoringAnalysis, parseIpLists } from '../../shared/score/index.ts';
import { parseRules } from '../../shared/rules/index.ts';
import type { Severity } from '../../shared/emit/rows.ts';
import { createPipeline } from '../../shared/engine/pipeline.ts';

/** Operator-supplied documents, already read (from S3 in AWS, from files locally). */
export interface AnalysisInputs {
  specText?: string;
  rulesText?: string;
  rulesSource?: string;
  reputationText?: string;
  /** Discovery overrides (pin a literal, force a parameter, merge, split), YAML or JSON. */
  overridesText?: string;
  minAlertSeverity?: Severity;
}

/**
 * The three analyses, and the pipeline that runs them in one consumer, configured the same way in Lambda
 * and locally. Each document is validated here, so
 * a bad rule file, spec or IP list fails the cold start with a message that names what is wrong.
 */
export function buildAnalyses(inputs: AnalysisInputs) {
  // Discovery needs the spec's routes; the defect checks need the whole document (security schemes, servers).
  const spec = inputs.specText ? parseOpenApiSpec(inputs.specText) : undefined;
  const specDocument = inputs.specText ? YAML.parse(inputs.specText) : undefined;
  const rules = inputs.rulesText ? parseRules(inputs.rulesText, inputs.rulesSource ?? 'rules') : undefined;
  const lists = inputs.reputationText ? parseIpLists(inputs.reputationText) : {};
  const overrides = inputs.overridesText ? parseOverrides(YAML.parse(inputs.overridesText)) : undefined;
  const discovery = createDiscoveryAnalysis({ spec, overrides });
  const defects = createDefectsAnalysis({ rules, spec: specDocument, minAlertSeverity: inputs.minAlertSeverity });
  const scoring = createScoringAnalysis({ ...lists });
  return { discovery, defects, scoring, pipeline: createPipeline(discovery, [defects, scoring]) };
}
