import { Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, STACK_NAME } from '../../infra/app.ts';
import type { CasewatchStack } from '../../infra/casewatch-stack.ts';
import { CasewatchFunction } from '../../infra/constructs/casewatch-function.ts';
import {
  readValidationReport,
  suppressions,
  tempOutdir,
  unsuppressedFindings,
  type ValidationReport,
} from './support/validation-report.ts';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups) cleanup();
});

/** The app exactly as `npx cdk synth` builds it (cdk.json context, nag packs), in its own assembly dir. */
function freshApp() {
  const out = tempOutdir();
  cleanups.push(out.cleanup);
  return { ...buildApp({ outdir: out.outdir }), outdir: out.outdir };
}

describe('the casewatch app', () => {
  let stack: CasewatchStack;
  let assembly: CloudAssembly;
  let report: ValidationReport;

  beforeAll(() => {
    const built = freshApp();
    stack = built.stack;
    assembly = built.app.synth();
    report = readValidationReport(built.outdir);
  });

  it('synthesizes one env-agnostic stack', () => {
    expect(assembly.stacks.map((s) => s.stackName)).toEqual([STACK_NAME]);
    expect(Token.isUnresolved(stack.account)).toBe(true);
    expect(Token.isUnresolved(stack.region)).toBe(true);
    expect(assembly.getStackByName(STACK_NAME).environment.name).toBe('aws://unknown-account/unknown-region');
  });

  it('ran both nag packs and leaves no unsuppressed finding of any severity from any validation plugin', () => {
    expect(report.pluginReports.map((p) => p.pluginName)).toEqual(
      expect.arrayContaining(['AwsSolutions', 'Serverless']),
    );
    expect(unsuppressedFindings(report)).toEqual([]);
  });

  it('acknowledges findings only with a real reason, on the construct concerned, never app- or stack-wide', () => {
    const acknowledged = suppressions(report);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const s of acknowledged) {
      expect(s.reason.trim().length, s.acknowledgedId).toBeGreaterThan(40);
      expect(s.acknowledgedAt.startsWith(`${STACK_NAME}/`), `${s.acknowledgedId} @ ${s.acknowledgedAt}`).toBe(
        true,
      );
    }
  });

  it('builds every Lambda function through CasewatchFunction', () => {
    const functions = stack.node.findAll().filter((c) => c instanceof LambdaFunction);
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) expect(fn, fn.node.path).toBeInstanceOf(CasewatchFunction);

    const template = Template.fromJSON(assembly.getStackByName(STACK_NAME).template);
    for (const [id, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: expect.anything() },
      });
    }
  });
});

describe('the nag gate is live', () => {
  it('fails the synth on a non-compliant resource and names each broken rule', () => {
    const { app, stack, outdir } = freshApp();
    new Queue(stack, 'Unguarded', { encryption: QueueEncryption.UNENCRYPTED });

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
    expect(unsuppressedFindings(readValidationReport(outdir)).sort()).toEqual([
      'AwsSolutions error AwsSolutions-SQS2 at CasewatchStack/Unguarded/Resource',
      'AwsSolutions error AwsSolutions-SQS3 at CasewatchStack/Unguarded/Resource',
      'AwsSolutions error AwsSolutions-SQS4 at CasewatchStack/Unguarded/Resource',
      'Serverless error Serverless-SQSRedrivePolicy at CasewatchStack/Unguarded/Resource',
    ]);
  });

  it('also fails on templates CloudFormation would reject (CDK schema validation, findings as errors)', () => {
    const { app, stack, outdir } = freshApp();
    (stack.healthFunction.node.defaultChild as CfnFunction).addPropertyOverride('MemorySize', 'plenty');

    expect(() => app.synth()).toThrow(/MemorySize/);
    expect(unsuppressedFindings(readValidationReport(outdir))).toEqual([
      'CloudFormation Validate error F3012 at CasewatchStack/Health/Resource',
    ]);
  });

  it('reports warnings too, which the synth alone lets through', () => {
    const { app, stack, outdir } = freshApp();
    new LogGroup(stack, 'KeptForever', { retention: RetentionDays.INFINITE });

    expect(() => app.synth()).not.toThrow();
    expect(unsuppressedFindings(readValidationReport(outdir))).toEqual([
      'Serverless warning Serverless-CloudWatchLogGroupRetentionPeriod at CasewatchStack/KeptForever/Resource',
    ]);
  });
});
