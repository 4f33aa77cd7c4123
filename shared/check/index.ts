/** Defect checks: OWASP API Security Top 10 (2023) findings from access logs, custom rules, lifecycle and alerts. */
export { createDefectsAnalysis, buildView, type DefectsOptions, type DefectsState } from './createDefectsAnalysis.ts';
export { BUILTIN_CHECKS } from './checks/index.ts';
export { defectId, type DefectRecord } from './lifecycle.ts';
export { buildAlert, athenaQueryFor } from './buildAlert.ts';
export { parseSpec, matchOperation } from './spec/parseSpec.ts';
export type { Check, CheckDefinition, Finding, WindowView, ResolvedEvent, OwaspItem } from './types.ts';
export type { SpecModel, SpecOperation } from './spec/types.ts';
