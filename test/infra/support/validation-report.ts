import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { afterAll } from 'vitest';

/** One rule's findings as CDK's policy-validation framework writes them (cdk-nag 3 reports through it). */
export interface ReportedViolation {
  readonly ruleName: string;
  readonly description: string;
  readonly severity: string;
  readonly violatingConstructs: readonly { readonly constructPath: string }[];
}

/** A finding silenced by `Validations.of(scope).acknowledge()`, with who said why, where. */
export interface SuppressedViolation extends ReportedViolation {
  readonly acknowledgedId: string;
  readonly acknowledgedAt: string;
  readonly reason: string;
}

interface PluginReport {
  readonly pluginName: string;
  readonly conclusion: string;
  readonly violations: readonly ReportedViolation[];
  readonly suppressedViolations?: readonly SuppressedViolation[];
}

/** The parts of `validation-report.json` the infra tests assert on. */
export interface ValidationReport {
  readonly pluginReports: readonly PluginReport[];
}

/** Reads the report CDK writes into the cloud assembly on every synth, pass or fail. */
export function readValidationReport(outdir: string): ValidationReport {
  return JSON.parse(readFileSync(join(outdir, VALIDATION_REPORT_FILE), 'utf8')) as ValidationReport;
}

/** Every unsuppressed finding of any plugin and severity, one readable line each (`[]` means clean). */
export function unsuppressedFindings(report: ValidationReport): string[] {
  return report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((v) =>
      v.violatingConstructs.map(
        (c) => `${plugin.pluginName} ${v.severity} ${v.ruleName} at ${c.constructPath}`,
      ),
    ),
  );
}

/** Every acknowledged finding across plugins. */
export function suppressions(report: ValidationReport): SuppressedViolation[] {
  return report.pluginReports.flatMap((plugin) => plugin.suppressedViolations ?? []);
}

/** A fresh cloud-assembly directory per app, so parallel test files never share `cdk.out`. */
export function tempOutdir(): { outdir: string; cleanup: () => void } {
  const outdir = mkdtempSync(join(tmpdir(), 'casewatch-cdk-'));
  return { outdir, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

/**
 * Makes a fresh `tempOutdir` per call, all removed once the test file is done. Call it at the top level of
 * the file: it registers that `afterAll` hook.
 */
export function tempOutdirsOfFile(): () => string {
  const cleanups: (() => void)[] = [];
  afterAll(() => {
    for (const cleanup of cleanups) cleanup();
  });
  return () => {
    const out = tempOutdir();
    cleanups.push(out.cleanup);
    return out.outdir;
  };
}
