import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { buildTestApp } from './synth.ts';

export interface Report {
  pluginReports: Array<{ pluginName: string; conclusion: string; violations: Array<{ ruleName: string; severity: string }> }>;
}

/** Synthesizes with cdk-nag AwsSolutionsChecks and returns the unacknowledged findings (empty when clean). */
export function nagFindings(
  config: Record<string, unknown>,
  cfnValidate = false,
): { findings: string[]; acknowledgements: Array<[string, string]> } {
  const { app, outdir } = buildTestApp({ apiscope: config }, { nag: true, cfnValidate });
  let failed: unknown;
  try {
    app.synth();
  } catch (e) {
    failed = e;
  }
  const reportPath = join(outdir, 'validation-report.json');
  const report: Report = existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) : { pluginReports: [] };
  const findings = report.pluginReports.flatMap((p) => p.violations.map((v) => `${p.pluginName} ${v.severity} ${v.ruleName}`));
  if (failed && findings.length === 0) throw failed;
  const acknowledgements: Array<[string, string]> = [];
  for (const c of app.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        for (const [id, reason] of Object.entries(m.data as Record<string, string>)) acknowledgements.push([`${c.node.path} ${id}`, reason]);
      }
    }
  }
  return { findings, acknowledgements };
}

