import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { expect } from 'vitest';
import { buildApp, STACK_NAME } from '../../../infra/app.ts';
import { type CasewatchStack, PLACEHOLDER_MAIL_WARNING } from '../../../infra/casewatch-stack.ts';
import { getAtt, type Json, type TemplateQueries, templateQueries } from './template-queries.ts';
import { readValidationReport, tempOutdir, type ValidationReport } from './validation-report.ts';

/**
 * The one finding (as `unsuppressedFindings` prints it) of a synth whose sender address or mail domain is
 * still a placeholder: the stack's warning, which names the context keys to set.
 */
export const PLACEHOLDER_MAIL_FINDING = `Construct Annotations warning Annotation::${PLACEHOLDER_MAIL_WARNING} at ${STACK_NAME}`;

/** The real app's template and nag report, synthesized once per test file. */
export interface SynthesizedCasewatch extends TemplateQueries {
  /** Logical ids of the functions casewatch runs: all but CDK's deploy-time BucketDeployment provider. */
  readonly ownFunctionIds: () => string[];
  readonly stack: CasewatchStack;
  readonly template: Template;
  readonly report: ValidationReport;
  /** Logical id of a construct's CloudFormation resource (its default child, or itself). */
  readonly logicalId: (construct: IConstruct) => string;
  /** Logical id of a function's execution role. */
  readonly roleId: (fn: IFunction) => string;
  readonly cleanup: () => void;
}

/**
 * Synthesizes the app exactly as `buildApp` wires it (cdk.json context plus `context`, nag packs) but
 * without bundling the Lambda code, running CDK's CloudFormation schema check or the Control Tower rules:
 * all three are slow (the last a few seconds per synth), and app.test.ts and casewatch-function.test.ts
 * already cover them. Template assertions only need the wiring.
 */
export function synthCasewatch(context: Record<string, unknown> = {}): SynthesizedCasewatch {
  const out = tempOutdir();
  try {
    const { app, stack } = buildApp({
      outdir: out.outdir,
      context: { 'aws:cdk:bundling-stacks': [], ...context },
      builtinCloudFormationValidation: false,
      controlTower: false,
    });
    const template = Template.fromJSON(app.synth().getStackByName(STACK_NAME).template);
    const logicalId = (construct: IConstruct) =>
      stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
    const provider = stack.portal.deploymentProvider as LambdaFunction;
    return {
      ...templateQueries(template, provider.role ? [logicalId(provider.role)] : []),
      stack,
      template,
      report: readValidationReport(out.outdir),
      logicalId,
      ownFunctionIds: () =>
        Object.keys(template.findResources('AWS::Lambda::Function')).filter(
          (id) => id !== logicalId(provider),
        ),
      roleId: (fn) => {
        if (fn.role === undefined) throw new Error(`${fn.node.path} has no role`);
        return logicalId(fn.role);
      },
      cleanup: out.cleanup,
    };
  } catch (error) {
    out.cleanup();
    throw error;
  }
}

/** `synthCasewatch` with other context (a sender, a mail domain…), its assembly directory removed at once. */
export function synthCasewatchWith(context: Record<string, unknown>): SynthesizedCasewatch {
  const synthesized = synthCasewatch(context);
  synthesized.cleanup();
  return synthesized;
}

/**
 * A function invoked asynchronously parks what fails in its own SQS-encrypted dead-letter queue, and exactly
 * one alarm, among those its construct owns (`ownerAlarms`), goes off on any message in it. Answers that
 * alarm's properties.
 */
export function expectAlarmedDeadLetterQueue(
  app: SynthesizedCasewatch,
  fnId: string,
  dlqId: string,
  ownerAlarms: readonly Alarm[],
): Json {
  expect(app.resource(fnId).Properties.DeadLetterConfig).toEqual({ TargetArn: getAtt(dlqId) });
  expect(app.resource(dlqId).Properties).toMatchObject({ SqsManagedSseEnabled: true });
  const alarms = app.queueDepthAlarms(dlqId);
  expect(alarms).toHaveLength(1);
  expect(alarms[0]?.props).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  expect(ownerAlarms.map((a) => app.logicalId(a))).toEqual(alarms.map((a) => a.id));
  return alarms[0]?.props ?? {};
}
