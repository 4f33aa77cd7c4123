export { createDiscoveryAnalysis, endpointInfo, endpointRow, paramTypes, templateChanges, type DiscoveryOptions } from './createDiscoveryAnalysis.ts';
export { compareWithSpec, type EndpointRef, type SpecComparison } from './compareWithSpec.ts';
export { exportOpenApi } from './exportOpenApi.ts';
export { parseOpenApiSpec, type ImportedSpec, type SpecOperation } from './parseOpenApiSpec.ts';
export { parseOverrides, discoveryOverridesSchema, type DiscoveryOverrides, type ParsedOverrides } from './overrides.ts';
export { DiscoveryOverridesError, SpecImportError } from './errors.ts';
export { valueShape, isStrongShape, type ValueShape } from './valueShape.ts';
export { inferTemplates, templateKeyOf, INFERENCE_TUNING, type DecisionNode } from './inferTemplates.ts';
export type { DiscoveryState, EndpointStats, TemplateChange, FileAsset } from './types.ts';
