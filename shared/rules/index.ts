/** Custom defect rules: key-value conditions and thresholds from a YAML/JSON file, validated, never executed as code. */
export { parseRules } from './parseRules.ts';
export { RuleValidationError, type RuleProblem } from './errors.ts';
export { compileRules, evaluateRules, type RulesState } from './evaluateRules.ts';
export { compileCondition, compileRegex } from './compileCondition.ts';
export { ALL_FIELDS } from './fields.ts';
export type { CustomRule, Condition, FieldCondition, Threshold } from './types.ts';
