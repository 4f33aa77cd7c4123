/** The parts of an OpenAPI (3.x) or Swagger (2.0) document the checks compare traffic with. */
export interface SpecOperation {
  method: string;
  /** Full path as served: base path + spec path, placeholders kept, e.g. `/v2/users/{id}`. */
  path: string;
  /** Placeholders replaced by `{}` for matching. */
  shape: string;
  deprecated: boolean;
  /** True when the operation (or the document) has a non-empty security requirement. */
  secured: boolean;
  /** Every alternative security requirement needs a non-API-key scheme (bearer, OAuth2, OIDC...): a principal. */
  requiresPrincipal: boolean;
  /** The operation declares `security: []`: public on purpose. */
  publicByDesign: boolean;
  pathParams: string[];
  operationId?: string;
}

export interface SpecModel {
  title: string;
  /** Hosts named by `servers` / `host`; empty = applies to every domain. */
  hosts: string[];
  /** False when the spec came without its security section (discovery's imported inventory): posture checks skip it. */
  securityKnown: boolean;
  /** Server URLs using plain http:// (not localhost). */
  plainHttpServers: string[];
  operations: SpecOperation[];
}
