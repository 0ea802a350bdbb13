import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildApp, STACK_NAME } from '../../../infra/app.ts';
import type { CasewatchStack } from '../../../infra/casewatch-stack.ts';
import { readValidationReport, tempOutdir, type ValidationReport } from './validation-report.ts';

/** The real app's template and nag report, synthesized once per test file. */
export interface SynthesizedCasewatch {
  readonly stack: CasewatchStack;
  readonly template: Template;
  readonly report: ValidationReport;
  /** Logical id of a construct's CloudFormation resource (its default child, or itself). */
  readonly logicalId: (construct: IConstruct) => string;
  readonly cleanup: () => void;
}

/**
 * Synthesizes the app exactly as `buildApp` wires it (cdk.json context, nag packs) but without bundling
 * the Lambda code or running CDK's CloudFormation schema check: both are slow, and app.test.ts and
 * casewatch-function.test.ts already cover them. Template assertions only need the wiring.
 */
export function synthCasewatch(): SynthesizedCasewatch {
  const out = tempOutdir();
  const { app, stack } = buildApp({
    outdir: out.outdir,
    context: { 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
  const assembly = app.synth();
  return {
    stack,
    template: Template.fromJSON(assembly.getStackByName(STACK_NAME).template),
    report: readValidationReport(out.outdir),
    logicalId: (construct) => stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement),
    cleanup: out.cleanup,
  };
}
