import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, AssetStaging, type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { addPolicyChecks, cdkJsonContext } from '../../infra/app.ts';
import { CasewatchFunction, ESM_REQUIRE_BANNER } from '../../infra/constructs/casewatch-function.ts';
import { CONTROL_TOWER_PLUGIN } from '../../infra/control-tower-checks.ts';
import {
  readValidationReport,
  suppressions,
  tempOutdirsOfFile,
  unsuppressedFindings,
  type ValidationReport,
} from './support/validation-report.ts';

const HEALTH_ENTRY = 'test/infra/fixtures/minimal-handler.ts';

const newOutdir = tempOutdirsOfFile();

/**
 * A stack holding one CasewatchFunction, with cdk.json's context and the nag packs, as the real app has them,
 * and the Control Tower rules when `controlTower` (well under a second on a stack this small).
 * CDK's CloudFormation schema check is left to app.test.ts: it costs ~5 s to start in each test worker.
 */
function synthProbe(configure: (stack: Stack) => void = () => {}, { controlTower = false } = {}) {
  const outdir = newOutdir();
  const app = new App({
    outdir,
    context: cdkJsonContext(),
    builtinCloudFormationValidation: false,
  });
  const stack = new Stack(app, 'ProbeStack');
  const fn = new CasewatchFunction(stack, 'Probe', { entry: HEALTH_ENTRY });
  configure(stack);
  addPolicyChecks(app, { controlTower });
  return { app, stack, fn, outdir };
}

describe('CasewatchFunction defaults', () => {
  let template: Template;
  let report: ValidationReport;
  let assetDir: string;
  let ids: { fn: string; logGroup: string; role: string; xray: string };

  beforeAll(() => {
    const { app, stack, fn, outdir } = synthProbe(() => {}, { controlTower: true });
    const assembly = app.synth();
    template = Template.fromJSON(assembly.getStackByName(stack.stackName).template);
    report = readValidationReport(outdir);
    const logicalId = (scope: Construct) => stack.getLogicalId(scope.node.defaultChild as CfnElement);
    ids = {
      fn: logicalId(fn),
      logGroup: logicalId(fn.functionLogGroup),
      role: logicalId(stack.node.findChild('ProbeRole')),
      xray: logicalId(stack.node.findChild('ProbeRole').node.findChild('XRayWrite')),
    };
    const code = template.findResources('AWS::Lambda::Function')[ids.fn]?.Properties.Code as {
      S3Key: string;
    };
    assetDir = join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
  });

  it('runs nodejs22.x on arm64 with X-Ray active, 256 MB and a 10 s timeout', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      MemorySize: 256,
      Timeout: 10,
      Handler: 'index.handler',
    });
  });

  it('enables source maps and names the Powertools service', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectEquals({
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: 'casewatch',
        }),
      },
    });
  });

  it('logs to its own log group, kept one month and deleted with the stack', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: ids.logGroup } },
    });
  });

  it('has its own role: no managed policy, writes only its log group, X-Ray in a policy of its own', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      },
      ManagedPolicyArns: Match.absent(),
      Policies: [
        {
          PolicyName: 'WriteOwnLogGroup',
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: { 'Fn::GetAtt': [ids.logGroup, 'Arn'] },
              },
            ],
          },
        },
      ],
    });
    template.resourceCountIs('AWS::IAM::Policy', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
            Resource: '*',
          },
        ],
      },
      Roles: [{ Ref: ids.role }],
    });
    // The function waits for its permissions, so even the first invocation can write traces.
    template.hasResource('AWS::Lambda::Function', {
      Properties: { Role: { 'Fn::GetAtt': [ids.role, 'Arn'] } },
      DependsOn: Match.arrayWith([ids.role, ids.xray]),
    });
  });

  it('bundles one minified ESM file with a source map (no sources inlined) and the require banner', () => {
    expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const bundle = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(bundle.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(bundle).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    expect(bundle).toMatch(/export\s*\{/);
    // Minified: the banner, the code and the source-map comment, nothing pretty-printed.
    expect(bundle.trim().split('\n').length).toBeLessThanOrEqual(4);
    const map = JSON.parse(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8')) as {
      sourcesContent?: unknown;
    };
    expect(map.sourcesContent).toBeUndefined();
  });

  it('produces a bundle that plain Node loads as an ES module and whose handler answers', () => {
    const url = pathToFileURL(join(assetDir, 'index.mjs')).href;
    const script = `const m = await import(${JSON.stringify(url)}); process.stdout.write(JSON.stringify(await m.handler()));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toMatchObject({ statusCode: 200, body: JSON.stringify({ status: 'ok' }) });
  });

  it('passes AwsSolutions, Serverless and Control Tower with only its own reasoned, narrowly placed acknowledgments', () => {
    expect(report.pluginReports.map((p) => p.pluginName).sort()).toEqual(
      ['AwsSolutions', 'Serverless', CONTROL_TOWER_PLUGIN].sort(),
    );
    expect(unsuppressedFindings(report)).toEqual([]);
    const acknowledged = suppressions(report).map((s) => `${s.ruleName} @ ${s.acknowledgedAt}`);
    expect(acknowledged.sort()).toEqual([
      'AwsSolutions-IAM5[Resource::*] @ ProbeStack/ProbeRole/XRayWrite',
      'AwsSolutions-L1 @ ProbeStack/Probe',
      'Serverless-LambdaDLQ @ ProbeStack/Probe',
      'Serverless-LambdaLatestVersion @ ProbeStack/Probe',
      'cloudwatch_log_group_encrypted_check @ ProbeStack/ProbeLogGroup',
      'cloudwatch_log_group_retention_period_check @ ProbeStack/ProbeLogGroup',
      'lambda_inside_vpc_check @ ProbeStack/Probe',
    ]);
    for (const s of suppressions(report)) expect(s.reason.length).toBeGreaterThan(40);
  });
});

describe('CasewatchFunction options', () => {
  it('lets callers tune memory, timeout and environment, and add a DLQ that needs no acknowledgment', () => {
    const { app, stack, outdir } = synthProbe((s) => {
      const dlq = new Queue(s, 'InboundDlq', { enforceSSL: true, retentionPeriod: Duration.days(14) });
      Validations.of(dlq).acknowledge({
        id: 'Serverless::Serverless-SQSRedrivePolicy',
        reason: 'A dead-letter queue is the end of the line; it has no redrive target of its own.',
      });
      new CasewatchFunction(s, 'Inbound', {
        entry: HEALTH_ENTRY,
        memorySize: 1024,
        timeout: Duration.seconds(30),
        environment: { TABLE_NAME: 'cases', POWERTOOLS_SERVICE_NAME: 'casewatch-inbound' },
        deadLetterQueue: dlq,
      });
    });
    const template = Template.fromJSON(app.synth().getStackByName(stack.stackName).template);
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Timeout: 30,
      DeadLetterConfig: { TargetArn: Match.anyValue() },
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: 'casewatch-inbound',
          TABLE_NAME: 'cases',
        },
      },
    });
    const report = readValidationReport(outdir);
    expect(unsuppressedFindings(report)).toEqual([]);
    const dlqAcks = suppressions(report).filter((s) => s.ruleName === 'Serverless-LambdaDLQ');
    expect(dlqAcks.map((s) => s.acknowledgedAt)).toEqual(['ProbeStack/Probe']);
  });

  it('keeps later grants in the default policy, where nag still flags a wildcard (the X-Ray acknowledgment does not cover it)', () => {
    const { app, fn, outdir } = synthProbe();
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
    expect(unsuppressedFindings(readValidationReport(outdir))).toEqual([
      'AwsSolutions error AwsSolutions-IAM5[Resource::*] at ProbeStack/ProbeRole/DefaultPolicy/Resource',
    ]);
  });

  it('bundles with the local esbuild, never Docker', () => {
    // Force a fresh bundle (staging caches by source hash) and make any Docker call fail.
    AssetStaging.clearAssetHashCache();
    const previous = process.env.CDK_DOCKER;
    process.env.CDK_DOCKER = '/nonexistent/docker';
    try {
      const { app, outdir } = synthProbe();
      app.synth();
      const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
      expect(assets).toHaveLength(1);
      expect(existsSync(join(outdir, assets[0] ?? '', 'index.mjs'))).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.CDK_DOCKER;
      else process.env.CDK_DOCKER = previous;
    }
  });
});
