import type { Check, Finding } from '../types.ts';
import type { SpecOperation } from '../spec/types.ts';
import { addSample, capRecord, pruneDue, is2xx } from '../util.ts';
import { matchInSpecs } from '../spec/parseSpec.ts';
import { isLoginEndpoint } from '../classifyEndpoint.ts';

/** Path parameter names that carry personal data or secrets. */
const SENSITIVE_PARAM = /phone|mobile|msisdn|email|e_?mail|ssn|national_?id|id_?card|idcard|identity|passport|resident|card_?(no|num|number)|pan\b|iban|account_?(no|num|number)|password|passwd|secret|token/i;

export interface SpecPostureState {
  /** Anonymous 2xx on operations the spec says are secured, per endpoint key. */
  bypass: Record<string, { n: number; ips: string[]; lastTs: number }>;
  /** Whether the spec-only findings were counted once already. */
  staticReported: boolean;
}

const thresholds = {
  /** Above this many unsecured operations they are reported as one finding for the spec. */
  maxPerOperationFindings: 20,
  /** Anonymous 2xx answers on a secured operation before it is reported. */
  minBypass: 1,
  maxEndpoints: 20_000,
};

const FIX_NO_SECURITY = 'Add a security requirement to the operation (or a global one) and the matching authorizer in API Gateway; mark intentionally public operations with `security: []` and a description saying why.';

/**
 * With an imported spec: operations without a security requirement (worse when their path carries personal
 * data or secrets), servers on plain http://, and traffic the spec says must be authenticated arriving
 * anonymously and answered 2xx.
 */
export const specPosture: Check<SpecPostureState, typeof thresholds> = {
  definition: {
    id: 'spec_auth_not_enforced',
    title: 'Spec requires authentication but anonymous requests succeed',
    owasp: 'API2:2023',
    severity: 'critical',
    fix: 'The spec requires authentication here but API Gateway does not enforce it: attach the authorizer / API key requirement to this method and redeploy the stage.',
    evidence: 'operation, anonymous 2xx requests, sample IPs; for spec-only findings the operations and server URLs concerned',
    thresholds,
    needsSpec: true,
  },
  initialState: () => ({ bypass: {}, staticReported: false }),
  evaluate(win, state, t) {
    if (win.specs.length === 0) return [];
    const out: Finding[] = [];
    const ts = win.windowEnd - 1;
    // Static posture: re-asserted every window (count 0 after the first) so the defects stay open while the spec says so.
    const c = state.staticReported ? 0 : 1;
    state.staticReported = true;
    for (const spec of win.specs) {
      if (!spec.securityKnown) continue;
      const specDomain = spec.hosts[0] ?? '*';
      for (const url of spec.plainHttpServers) {
        out.push({
          type: 'spec_plain_http', domain: specDomain, method: '*', template: '*', count: c, ts, severity: 'high', owasp: 'API8:2023',
          title: 'Spec lists a plain-HTTP server', fix: 'Serve the API over HTTPS only (API Gateway endpoints are HTTPS; remove http:// servers from the spec and any HTTP listener in front of the API).',
          evidence: { spec: spec.title, server: url },
        });
      }
      const sensitive = (o: SpecOperation) => o.pathParams.filter((p) => SENSITIVE_PARAM.test(p));
      // Declared public (`security: []`) is a decision, reported only when the path carries personal data or secrets.
      const unsecured = spec.operations.filter((o) => !o.secured && (!o.publicByDesign || sensitive(o).length > 0));
      const perOp = unsecured.length <= t.maxPerOperationFindings ? unsecured : unsecured.filter((o) => sensitive(o).length > 0);
      for (const o of perOp) {
        const sp = sensitive(o);
        out.push({
          type: 'spec_no_security', domain: specDomain, method: o.method, template: o.path, count: c, ts, owasp: 'API2:2023',
          severity: sp.length ? 'high' : 'medium', title: sp.length ? 'Operation with sensitive path parameters has no security requirement' : 'Operation has no security requirement',
          fix: FIX_NO_SECURITY, evidence: { spec: spec.title, operationId: o.operationId ?? null, declaredPublic: o.publicByDesign, sensitivePathParams: sp },
        });
      }
      if (perOp.length < unsecured.length) {
        out.push({
          type: 'spec_no_security', domain: specDomain, method: '*', template: '*', count: c, ts, owasp: 'API2:2023', severity: 'medium',
          title: 'Many operations have no security requirement', fix: FIX_NO_SECURITY,
          evidence: { spec: spec.title, operationsWithoutSecurity: unsecured.length, of: spec.operations.length, sample: unsecured.slice(0, 10).map((o) => `${o.method} ${o.path}`) },
        });
      }
    }
    // Traffic: secured operations answered 2xx to anonymous callers.
    for (const [key, evs] of win.byEndpoint) {
      const { domainName: domain, method } = evs[0].ev;
      const template = evs[0].template!;
      const specs = win.specsFor(domain);
      if (specs.length === 0) continue;
      const op = matchInSpecs(specs, method, template);
      // Token / login endpoints are called before a principal exists (client credentials travel in the body).
      if (!op?.secured || !specs.some((x) => x.securityKnown) || isLoginEndpoint(method, template)) continue;
      let n = 0, last = 0;
      for (const r of evs) {
        // A bearer/OAuth operation needs a principal; an API key alone does not satisfy it.
        const anonymous = op.requiresPrincipal ? r.ev.principalId === null : !r.authenticated;
        if (!anonymous || !is2xx(r.ev.status)) continue;
        n++; last = r.ev.ts;
        const b = (state.bypass[key] ??= { n: 0, ips: [], lastTs: 0 });
        b.n++; b.lastTs = last; addSample(b.ips, r.ev.ip, 5);
      }
      if (n === 0 || state.bypass[key].n < t.minBypass) continue;
      out.push({
        type: this.definition.id, domain, method, template, count: n, ts: last,
        evidence: { operation: `${op.method} ${op.path}`, requires: op.requiresPrincipal ? 'principal (bearer/OAuth)' : 'principal or API key', anonymous2xxInWindow: n, anonymous2xxTotal: state.bypass[key].n, sampleIps: state.bypass[key].ips },
      });
    }
    if (pruneDue(win)) capRecord(state.bypass, t.maxEndpoints, (b) => b.lastTs);
    return out;
  },
};
