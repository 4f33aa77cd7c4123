/** The imported API description cannot be read (not JSON/YAML, not OpenAPI 3.x or Swagger 2, no paths). */
export class SpecImportError extends Error {
  override name = 'SpecImportError';
}

/** The discovery overrides file does not validate; the message names the offending field. */
export class DiscoveryOverridesError extends Error {
  override name = 'DiscoveryOverridesError';
}
