import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Token, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type CfnRoute, HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { type CfnFunction, CfnPermission, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { addPolicyChecks, buildApp, cdkJsonContext, STACK_NAME } from '../../infra/app.ts';
import {
  ALLOWED_ORIGINS_CONTEXT,
  type CasewatchStack,
  LEADS_EMAIL_CONTEXT,
  parseOriginTokenGeneration,
  parsePortalDomain,
  parseWebAclArn,
} from '../../infra/casewatch-stack.ts';
import { CasewatchFunction, PROJECT_ROOT } from '../../infra/constructs/casewatch-function.ts';
import { MAIL_CHARSETS } from '../../infra/constructs/lazy-modules.ts';
import { CONTROL_TOWER_PLUGIN } from '../../infra/control-tower-checks.ts';
import { ROUTES } from '../../shared/http/routes.ts';
import { PLACEHOLDER_MAIL_FINDING } from './support/casewatch-template.ts';
import {
  readValidationReport,
  suppressions,
  tempOutdirsOfFile,
  unsuppressedFindings,
  type ValidationReport,
} from './support/validation-report.ts';

const ROUTE_KEYS_WITHOUT_AUTHORIZER = new Set(ROUTES.filter((r) => r.auth !== 'jwt').map((r) => r.routeKey));
const routeKeyOf = (route: HttpRoute) => (route.node.defaultChild as CfnRoute).routeKey;

const newOutdir = tempOutdirsOfFile();

/**
 * The app exactly as `npx cdk synth` builds it (cdk.json context, every policy check), in its own assembly
 * dir. Tests about the nag and schema gates skip bundling the Lambda code, which they never look at, and
 * the Control Tower rules (a few seconds per synth of the whole stack), which have a gate test of their own.
 */
function freshApp({ bundle = true, controlTower = true }: { bundle?: boolean; controlTower?: boolean } = {}) {
  const outdir = newOutdir();
  const context = bundle ? {} : { 'aws:cdk:bundling-stacks': [] };
  return { ...buildApp({ outdir, context, controlTower }), outdir };
}

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
/** A count as the docs write it: a word up to nine, digits from 10. */
const numberOf = (text: string) => (NUMBER_WORDS.includes(text) ? NUMBER_WORDS.indexOf(text) : Number(text));

/** Bundling every function for real, then CDK's schema check, takes a while on a busy machine. */
const FULL_SYNTH_TIMEOUT_MS = 180_000;

describe('the casewatch app', () => {
  let stack: CasewatchStack;
  let assembly: CloudAssembly;
  let report: ValidationReport;

  beforeAll(() => {
    const built = freshApp();
    stack = built.stack;
    assembly = built.app.synth();
    report = readValidationReport(built.outdir);
  }, FULL_SYNTH_TIMEOUT_MS);

  it('synthesizes one env-agnostic stack', () => {
    expect(assembly.stacks.map((s) => s.stackName)).toEqual([STACK_NAME]);
    expect(Token.isUnresolved(stack.account)).toBe(true);
    expect(Token.isUnresolved(stack.region)).toBe(true);
    expect(assembly.getStackByName(STACK_NAME).environment.name).toBe('aws://unknown-account/unknown-region');
  });

  it('ran both nag packs and the Control Tower rules, and leaves no unsuppressed finding of any severity from any validation plugin', () => {
    expect(report.pluginReports.map((p) => p.pluginName)).toEqual(
      expect.arrayContaining(['AwsSolutions', 'Serverless', CONTROL_TOWER_PLUGIN]),
    );
    // cfn-guard really evaluated the stack: it found (and the constructs acknowledged) its rules' findings.
    const controlTower = report.pluginReports.find((p) => p.pluginName === CONTROL_TOWER_PLUGIN);
    expect(controlTower?.violations).toEqual([]);
    expect(controlTower?.suppressedViolations?.length).toBeGreaterThan(0);
    // Only the deliberate warning that cdk.json sets no sender address and mail domain (mail.test.ts).
    expect(unsuppressedFindings(report)).toEqual([PLACEHOLDER_MAIL_FINDING]);
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

  it('acknowledges exactly the reviewed findings, each where it arises', () => {
    const { timers, reactions, mail, mailFeedback, arrivals, integrations } = stack;
    const functions = [
      ...Object.values(stack.api.functions),
      reactions.streamFunction,
      timers.timerFunction,
      mail.inboundFunction,
      mailFeedback.feedbackFunction,
      arrivals.arrivalFunction,
      integrations.senderFunction,
    ];
    const perFunction = functions.flatMap((fn) => [
      `AwsSolutions-IAM5[Resource::*] @ ${fn.node.path}Role/XRayWrite`,
      `AwsSolutions-L1 @ ${fn.node.path}`,
      `Serverless-LambdaLatestVersion @ ${fn.node.path}`,
    ]);
    // The inbound mail, mail feedback and attachment arrival functions (invoked asynchronously) have
    // their own dead-letter queues, so nag does not flag them for one.
    const withoutDeadLetterQueue = functions
      .filter(
        (fn) =>
          fn !== mail.inboundFunction &&
          fn !== mailFeedback.feedbackFunction &&
          fn !== arrivals.arrivalFunction,
      )
      .map((fn) => `Serverless-LambdaDLQ @ ${fn.node.path}`);
    const mixedRoutes = stack.api.node.children
      .filter((c) => c instanceof HttpRoute && ROUTE_KEYS_WITHOUT_AUTHORIZER.has(routeKeyOf(c)))
      .map((c) => `AwsSolutions-APIG4 @ ${c.node.path}`);
    expect(mixedRoutes).toHaveLength(ROUTE_KEYS_WITHOUT_AUTHORIZER.size);
    const bucketId = stack.getLogicalId(stack.attachments.bucket.node.defaultChild as CfnBucket);
    const inboundBucketId = stack.getLogicalId(mail.inboundBucket.node.defaultChild as CfnBucket);
    const mailObjects = `${mail.inboundFunction.node.path}Role/MailObjects`;

    // AWS Control Tower's proactive controls (cfn-guard), each acknowledged where it arises.
    const controlTower = [
      ...functions.flatMap((fn) => [
        `lambda_inside_vpc_check @ ${fn.node.path}`,
        `cloudwatch_log_group_retention_period_check @ ${fn.node.path}LogGroup`,
        `cloudwatch_log_group_encrypted_check @ ${fn.node.path}LogGroup`,
      ]),
      `cloudwatch_log_group_retention_period_check @ ${STACK_NAME}/Api/AccessLogs`,
      `cloudwatch_log_group_encrypted_check @ ${STACK_NAME}/Api/AccessLogs`,
      ...mixedRoutes.map((route) =>
        route.replace('AwsSolutions-APIG4', 'api_gw_v2_authorization_type_configured_check'),
      ),
      ...[
        ...stack.api.node.findAll().filter((c) => c instanceof CfnPermission),
        mail.inboundFunction.node.findChild('AllowSes'),
      ].map((permission) => `lambda_function_public_access_prohibited_check @ ${permission.node.path}`),
      ...[
        'Timers/DeadLetterQueue',
        'Reactions/StreamFailureQueue',
        'Mail/InboundDeadLetterQueue',
        'MailFeedback/DeadLetterQueue',
        'AttachmentArrivals/DeadLetterQueue',
        'Integrations/DeadLetterQueue',
      ].map((queue) => `sqs_dlq_check @ ${STACK_NAME}/${queue}`),
      ...[stack.attachments.bucket, stack.attachments.accessLogsBucket, mail.inboundBucket].flatMap(
        (bucket) => [
          `s3_bucket_default_encryption_kms_check @ ${bucket.node.path}`,
          `s3_bucket_object_lock_enabled_check @ ${bucket.node.path}`,
        ],
      ),
      // The attachments bucket notifies EventBridge, so only the other two acknowledge CT.S3.PR.4.
      ...[stack.attachments.accessLogsBucket, mail.inboundBucket].map(
        (bucket) => `s3_event_notifications_enabled_check @ ${bucket.node.path}`,
      ),
      `s3_bucket_logging_enabled_check @ ${stack.attachments.accessLogsBucket.node.path}`,
    ];
    // The portal: its buckets and distribution, and CDK's own deploy-time BucketDeployment provider.
    const portal = stack.portal.node.path;
    const provider = stack.portal.deploymentProvider.node.path;
    const siteId = stack.getLogicalId(stack.portal.bucket.node.defaultChild as CfnBucket);
    const portalFindings = [
      `AwsSolutions-CFR1 @ ${portal}/Distribution`,
      `AwsSolutions-CFR4 @ ${portal}/Distribution`,
      `AwsSolutions-S1 @ ${portal}/Logs`,
      ...[
        'cloudfront_custom_ssl_certificate_check',
        'cloudfront_origin_failover_enabled_check',
        'cloudfront_security_policy_check',
        'cloudfront_sni_enabled_check',
      ].map((rule) => `${rule} @ ${portal}/Distribution`),
      ...[
        's3_bucket_default_encryption_kms_check',
        's3_bucket_logging_enabled_check',
        's3_bucket_object_lock_enabled_check',
        's3_event_notifications_enabled_check',
      ].map((rule) => `${rule} @ ${portal}/Logs`),
      ...[
        's3_bucket_default_encryption_kms_check',
        's3_bucket_object_lock_enabled_check',
        's3_bucket_versioning_enabled_check',
        's3_event_notifications_enabled_check',
      ].map((rule) => `${rule} @ ${portal}/Site`),
      `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole] @ ${provider}/ServiceRole`,
      ...[
        'Action::s3:Abort*',
        'Action::s3:DeleteObject*',
        'Action::s3:GetBucket*',
        'Action::s3:GetObject*',
        'Action::s3:List*',
        'Resource::*',
        `Resource::<${siteId}.Arn>/*`,
        'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
      ].map((evidence) => `AwsSolutions-IAM5[${evidence}] @ ${provider}/ServiceRole/DefaultPolicy/Resource`),
      ...[
        'AwsSolutions-L1',
        'Serverless-LambdaDLQ',
        'Serverless-LambdaLatestVersion',
        'Serverless-LambdaTracing',
        'cloudwatch_log_group_encrypted_check',
        'lambda_inside_vpc_check',
      ].map((rule) => `${rule} @ ${provider}`),
    ];
    // One invoke permission per route.
    expect(controlTower.filter((s) => s.startsWith('lambda_function_public'))).toHaveLength(
      ROUTES.length + 1,
    );
    expect(
      suppressions(report)
        .map((s) => `${s.ruleName} @ ${s.acknowledgedAt}`)
        .sort(),
    ).toEqual(
      [
        ...perFunction,
        ...withoutDeadLetterQueue,
        ...portalFindings,
        ...mixedRoutes,
        `AwsSolutions-COG8 @ ${STACK_NAME}/Identity/UserPool`,
        `AwsSolutions-SMG4 @ ${STACK_NAME}/Identity/SigningSecret`,
        `AwsSolutions-SMG4 @ ${STACK_NAME}/Identity/ApiOriginToken`,
        `AwsSolutions-SMG4 @ ${STACK_NAME}/Identity/ApiOriginToken2`,
        `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/cases/*] @ ${STACK_NAME}/Api/CaseRequestsRole/AttachmentObjects`,
        `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/cases/*] @ ${arrivals.arrivalFunction.node.path}Role/UploadedObjects`,
        `Serverless-SQSRedrivePolicy @ ${STACK_NAME}/AttachmentArrivals/DeadLetterQueue`,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${timers.scheduleGroup.scheduleGroupName}/*] @ ${STACK_NAME}/Reactions/CaseStreamRole/TimerSchedules`,
        `AwsSolutions-IAM5[Resource::*] @ ${STACK_NAME}/Reactions/CaseStreamRole/ListStreams`,
        `Serverless-SQSRedrivePolicy @ ${STACK_NAME}/Timers/DeadLetterQueue`,
        `AwsSolutions-SQS3 @ ${STACK_NAME}/Reactions/StreamFailureQueue`,
        `Serverless-SQSRedrivePolicy @ ${STACK_NAME}/Reactions/StreamFailureQueue`,
        `Serverless-LambdaEventSourceMappingDestination @ ${STACK_NAME}/Timers/Timer/TimerQueueSource`,
        `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/cases/*] @ ${mailObjects}`,
        `AwsSolutions-IAM5[Resource::<${inboundBucketId}.Arn>/inbound/*] @ ${mailObjects}`,
        `AwsSolutions-IAM5[Resource::<${inboundBucketId}.Arn>/quarantine/*] @ ${mailObjects}`,
        `Serverless-SQSRedrivePolicy @ ${STACK_NAME}/Mail/InboundDeadLetterQueue`,
        `Serverless-SQSRedrivePolicy @ ${STACK_NAME}/MailFeedback/DeadLetterQueue`,
        `Serverless-SQSRedrivePolicy @ ${STACK_NAME}/Integrations/DeadLetterQueue`,
        `Serverless-LambdaEventSourceMappingDestination @ ${integrations.senderMapping.node.path}`,
        ...controlTower,
      ].sort(),
    );
  });

  it('builds every Lambda function through CasewatchFunction', () => {
    // But one: CDK's BucketDeployment provider, which copies the portal's build while CloudFormation
    // deploys, is CDK's own code and runtime (acknowledged finding by finding in the portal construct).
    const provider = stack.portal.deploymentProvider;
    const functions = stack.node.findAll().filter((c) => c instanceof LambdaFunction && c !== provider);
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) expect(fn, fn.node.path).toBeInstanceOf(CasewatchFunction);

    const template = Template.fromJSON(assembly.getStackByName(STACK_NAME).template);
    const providerId = stack.getLogicalId((provider as LambdaFunction).node.defaultChild as CfnFunction);
    const own = Object.entries(template.findResources('AWS::Lambda::Function')).filter(
      ([id]) => id !== providerId,
    );
    expect(own.length).toBe(Object.keys(template.findResources('AWS::Lambda::Function')).length - 1);
    for (const [id, fn] of own) {
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: expect.anything() },
      });
    }
  });

  it("has as many alarms as the README's costs paragraph counts, one error-rate alarm per function", () => {
    const template = Template.fromJSON(assembly.getStackByName(STACK_NAME).template);
    const alarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    const perFunction = alarms.filter((id) => id.includes('ErrorRateAlarm'));
    const functions = stack.node.findAll().filter((c) => c instanceof CasewatchFunction);
    expect(perFunction).toHaveLength(functions.length);
    // README, "What costs money": "… about $0.10 per alarm per month: 25 alarms, 12 of them one per function".
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const counted = /per alarm per month: (\w+) alarms, (\w+) of them one per function/.exec(readme);
    expect(counted?.slice(1).map(numberOf)).toEqual([alarms.length, perFunction.length]);
  });

  it('ships mail-inbound with its charset tables beside the bundle, and the tables out of it', () => {
    const fn = stack.mail.inboundFunction.node.defaultChild as CfnFunction;
    const { S3Key } = Template.fromJSON(assembly.getStackByName(STACK_NAME).template).toJSON().Resources[
      stack.getLogicalId(fn)
    ].Properties.Code as { S3Key: string };
    const asset = join(assembly.directory, `asset.${S3Key.replace(/\.zip$/, '')}`);
    for (const { to } of MAIL_CHARSETS.files) expect(existsSync(join(asset, to)), to).toBe(true);
    expect(existsSync(join(asset, 'tables', 'shiftjis.json'))).toBe(true);
    const bundle = readFileSync(join(asset, 'index.mjs'), 'utf8');
    // encoding-japanese's own code is not in the bundle (this is one of its few strings): only the stand-in.
    expect(bundle).not.toContain('html-entity-hex');
    expect(bundle).toContain('charsets/encoding-japanese.cjs');
  });
});

describe('the nag gate is live', () => {
  it('fails the synth on a non-compliant resource and names each broken rule', () => {
    const { app, stack, outdir } = freshApp({ bundle: false, controlTower: false });
    new Queue(stack, 'Unguarded', { encryption: QueueEncryption.UNENCRYPTED });

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
    expect(unsuppressedFindings(readValidationReport(outdir)).sort()).toEqual(
      [
        'AwsSolutions error AwsSolutions-SQS2 at CasewatchStack/Unguarded/Resource',
        'AwsSolutions error AwsSolutions-SQS3 at CasewatchStack/Unguarded/Resource',
        'AwsSolutions error AwsSolutions-SQS4 at CasewatchStack/Unguarded/Resource',
        'Serverless error Serverless-SQSRedrivePolicy at CasewatchStack/Unguarded/Resource',
        PLACEHOLDER_MAIL_FINDING,
      ].sort(),
    );
  });

  it('also fails on templates CloudFormation would reject (CDK schema validation, findings as errors)', () => {
    const { app, stack, outdir } = freshApp({ bundle: false, controlTower: false });
    (stack.api.functions['cases-intake'].node.defaultChild as CfnFunction).addPropertyOverride(
      'MemorySize',
      'plenty',
    );

    expect(() => app.synth()).toThrow(/MemorySize/);
    expect(unsuppressedFindings(readValidationReport(outdir))).toEqual([
      'CloudFormation Validate error F3012 at CasewatchStack/Api/CasesIntake/Resource',
      PLACEHOLDER_MAIL_FINDING,
    ]);
  });

  it('reports warnings too, which the synth alone lets through', () => {
    const { app, stack, outdir } = freshApp({ bundle: false, controlTower: false });
    new LogGroup(stack, 'KeptForever', { retention: RetentionDays.INFINITE });

    expect(() => app.synth()).not.toThrow();
    expect(unsuppressedFindings(readValidationReport(outdir))).toEqual([
      'Serverless warning Serverless-CloudWatchLogGroupRetentionPeriod at CasewatchStack/KeptForever/Resource',
      PLACEHOLDER_MAIL_FINDING,
    ]);
  });
});

describe('the Control Tower gate is live', () => {
  it('fails the synth on an unacknowledged cfn-guard finding, and lets an acknowledged one through', () => {
    // A throwaway app with the same checks (cfn-guard on two log groups takes well under a second).
    // Log groups with a retention pass both nag packs, so only the Control Tower rules object here.
    const outdir = newOutdir();
    const app = new App({ outdir, context: cdkJsonContext(), builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Throwaway');
    new LogGroup(stack, 'Unacknowledged', { retention: RetentionDays.ONE_MONTH });
    const acknowledged = new LogGroup(stack, 'Acknowledged', { retention: RetentionDays.ONE_MONTH });
    for (const rule of [
      'cloudwatch_log_group_retention_period_check',
      'cloudwatch_log_group_encrypted_check',
    ]) {
      Validations.of(acknowledged).acknowledge({
        id: `${CONTROL_TOWER_PLUGIN}::${rule}`,
        reason: 'A throwaway log group that only shows an acknowledgment is honoured.',
      });
    }
    addPolicyChecks(app);

    expect(() => app.synth()).toThrow(/cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check/);
    const report = readValidationReport(outdir);
    expect(unsuppressedFindings(report).sort()).toEqual([
      `${CONTROL_TOWER_PLUGIN} error cloudwatch_log_group_encrypted_check at Throwaway/Unacknowledged/Resource`,
      `${CONTROL_TOWER_PLUGIN} error cloudwatch_log_group_retention_period_check at Throwaway/Unacknowledged/Resource`,
    ]);
    expect(
      suppressions(report)
        .map((s) => `${s.ruleName} @ ${s.acknowledgedAt}`)
        .sort(),
    ).toEqual([
      'cloudwatch_log_group_encrypted_check @ Throwaway/Acknowledged',
      'cloudwatch_log_group_retention_period_check @ Throwaway/Acknowledged',
    ]);
  });
});

describe('context values are checked at synth, each refusal naming the setting and the value', () => {
  /** The stack as `cdk synth -c key=value` builds it, without bundling: the checks run before any construct. */
  const withContext = (key: string, value: string) => () =>
    buildApp({
      outdir: newOutdir(),
      context: { [key]: value, 'aws:cdk:bundling-stacks': [] },
      controlTower: false,
    });

  it.each([
    [
      'lead1@x.org;lead2@x.org',
      /casewatch:leadsEmail must list bare email addresses .*"lead1@x\.org;lead2@x\.org"/,
    ],
    ['Leads <leads@x.org>', /casewatch:leadsEmail must list bare email addresses .*"Leads <leads@x\.org>"/],
    ['leads', /casewatch:leadsEmail must list bare email addresses .*"leads"/],
  ])(`refuses ${LEADS_EMAIL_CONTEXT}=%j`, (value, message) => {
    expect(withContext(LEADS_EMAIL_CONTEXT, value)).toThrow(message);
  });

  it.each([
    // No scheme: no browser sends such an Origin, so CORS would fail without a word.
    [
      'portal.example.com',
      /casewatch:allowedOrigins must list browser origins .*got "portal\.example\.com"$/,
    ],
    [
      'https://portal.example.com/',
      /got "https:\/\/portal\.example\.com\/" \(did you mean "https:\/\/portal\.example\.com"\?\)/,
    ],
    ['https://Portal.example.com', /did you mean "https:\/\/portal\.example\.com"\?/],
    ['https://portal.example.com:443', /did you mean "https:\/\/portal\.example\.com"\?/],
    ['https://portal.example.com/app', /did you mean "https:\/\/portal\.example\.com"\?/],
    [
      'ftp://portal.example.com',
      /casewatch:allowedOrigins must list browser origins .*got "ftp:\/\/portal\.example\.com"$/,
    ],
    [
      '*, https://portal.example.com',
      /casewatch:allowedOrigins is either \* \(every origin\) or a list of origins, not both/,
    ],
  ])(`refuses ${ALLOWED_ORIGINS_CONTEXT}=%j`, (value, message) => {
    expect(withContext(ALLOWED_ORIGINS_CONTEXT, value)).toThrow(message);
  });

  it('names the value of a portal domain, certificate or firewall it refuses', () => {
    expect(() => parsePortalDomain('support', 'arn:aws:acm:us-east-1:123456789012:certificate/x')).toThrow(
      /casewatch:portalDomain must be a domain name .*, got "support"$/,
    );
    expect(() => parsePortalDomain('support.example.com', undefined)).toThrow(
      /casewatch:portalCertificateArn must be the ARN .* for support\.example\.com, got nothing$/,
    );
    expect(() => parseWebAclArn('arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/y')).toThrow(
      /casewatch:portalWebAclArn must be the ARN .*, got "arn:aws:wafv2:eu-west-1:123456789012:regional\/webacl\/x\/y"$/,
    );
  });

  it('takes an origin token generation as a whole number from 1, and names anything else', () => {
    expect(parseOriginTokenGeneration(undefined)).toBe(1);
    expect(parseOriginTokenGeneration('3')).toBe(3);
    expect(parseOriginTokenGeneration(2)).toBe(2);
    for (const bad of ['0', '-1', '1.5', 'two', 0, 2.5, ''])
      expect(() => parseOriginTokenGeneration(bad), String(bad)).toThrow(
        /^casewatch:originTokenGeneration must be a whole number from 1 .*, got /,
      );
  });

  it('takes comma-separated bare addresses and origins, spaces around them aside', () => {
    expect(withContext(LEADS_EMAIL_CONTEXT, ' lead1@x.org, lead2@x.org ')).not.toThrow();
    expect(
      withContext(ALLOWED_ORIGINS_CONTEXT, 'https://portal.example.com, http://localhost:5173'),
    ).not.toThrow();
    expect(withContext(ALLOWED_ORIGINS_CONTEXT, '*')).not.toThrow();
  }, 60_000);
});

describe('the CLI entry', () => {
  it('prints a refused setting as one line naming it, and exits 1, without a stack trace', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'infra/app.ts')], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ 'casewatch:leadsEmail': 'a@x.org;b@x.org' }),
        CDK_OUTDIR: join(tmpdir(), `casewatch-refused-${process.pid}`),
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'casewatch cannot be synthesized: casewatch:leadsEmail must list bare email addresses (name@domain), separated by commas, got "a@x.org;b@x.org"',
    );
  });
});
