import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Effect, Policy, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SERVICE_NAME } from '../../shared/ports/metrics.ts';
import type { LazyModules } from './lazy-modules.ts';

/** The repository root: entries resolve against it and esbuild finds tsconfig/lock file there, whatever the cwd. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Defines `require` inside the ESM bundle so bundled CommonJS dependencies that call `require()` still work
 * (esbuild's ESM output otherwise throws "Dynamic require of … is not supported"). Aliased to avoid name clashes.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __casewatchCreateRequire } from 'node:module'; const require = __casewatchCreateRequire(import.meta.url);";

/** What a caller may choose; everything else (runtime, architecture, tracing, logs, bundling) is fixed. */
export interface CasewatchFunctionProps {
  /** Handler module, relative to the repository root (e.g. `functions/cases-query/handler.ts`); it exports `handler`. */
  readonly entry: string;
  readonly description?: string;
  /** @default 256 (MB) */
  readonly memorySize?: number;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  readonly environment?: Record<string, string>;
  /**
   * Dead-letter queue for asynchronous invocations (S3 notifications, EventBridge, SES → Lambda).
   * Omit it only for functions invoked synchronously (API Gateway) or through an event-source mapping
   * (SQS, DynamoDB Streams), whose failures are handled by the source's own DLQ / on-failure destination.
   */
  readonly deadLetterQueue?: IQueue;
  /**
   * Files copied beside the bundle (read at run time with `new URL('./<name>', import.meta.url)`),
   * each from a path relative to the repository root.
   */
  readonly assets?: readonly { readonly from: string; readonly name: string }[];
  /** Package parts left out of the bundle and shipped beside it, loaded on first use (see lazy-modules.ts). */
  readonly lazyModules?: LazyModules;
}

/** A wildcard resource a policy cannot avoid, as cdk-nag names it in an IAM5 finding, and why it is needed. */
export interface WildcardResource {
  /** E.g. `*`, or `<BucketLogicalId.Arn>/inbound/*` (see `nagObjectsWildcard`). */
  readonly resource: string;
  readonly reason: string;
}

/**
 * Every casewatch Lambda: nodejs22.x on arm64, X-Ray active, its own one-month log group, a least-privilege
 * role, and a minified ESM bundle built by the local esbuild (never Docker). One place, no copy-pasted blocks.
 *
 * The AWS SDK v3 is bundled (no `@aws-sdk/*` externals): versions are pinned by package-lock.json — the same
 * code the tests and the local runtime exercise — rather than whatever the Lambda runtime ships that week,
 * and with `mainFields: ['module', 'main']` esbuild tree-shakes the SDK's ES modules into one file, which
 * loads faster at cold start than resolving the runtime's CommonJS copy.
 */
export class CasewatchFunction extends NodejsFunction {
  /** The function's own log group (one-month retention), exposed for metric filters and dashboards. */
  public readonly functionLogGroup: LogGroup;
  private readonly ownRole: Role;

  public constructor(scope: Construct, id: string, props: CasewatchFunctionProps) {
    // Created beside the function: NodejsFunction needs them in its props, before `this` exists.
    // Logs are diagnostics kept one month; the case timeline in DynamoDB is the audit record, so the
    // log group goes with the stack.
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledgeLogGroupControls(
      logGroup,
      'Function logs are diagnostics kept one month; the audit record is the case timeline in DynamoDB (retained, point-in-time recovery). Logs may carry personal data (addresses and case details that end up in error messages), so keeping them a year would keep that data twelve times longer than any use for it; the storage cost is minor either way.',
    );
    // An explicit role instead of AWSLambdaBasicExecutionRole (which may write to any log group):
    // it may only write to this function's log group. Grants from other constructs land in its default policy.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `casewatch ${id}: writes its own log group and X-Ray segments; other grants added per use`,
      inlinePolicies: {
        WriteOwnLogGroup: new PolicyDocument({
          statements: [
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupArn],
            }),
          ],
        }),
      },
    });

    const copies = [
      ...(props.assets ?? []).map(({ from, name }) => ({ from, to: name })),
      ...(props.lazyModules?.files ?? []),
    ];
    super(scope, id, {
      entry: resolve(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      role,
      logGroup,
      deadLetterQueue: props.deadLetterQueue,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        // One Powertools service for every function, so logs, traces and metrics group as one service.
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        // Stack traces need the mappings only; embedding the sources would just grow the .map.
        sourcesContent: false,
        banner: ESM_REQUIRE_BANNER,
        bundleAwsSDK: true,
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
        ...(props.lazyModules
          ? {
              externalModules: [...props.lazyModules.externals],
              esbuildArgs: Object.fromEntries(
                Object.entries(props.lazyModules.aliases).map(([name, path]) => [
                  `--alias:${name}`,
                  resolve(PROJECT_ROOT, path),
                ]),
              ),
            }
          : {}),
        ...(copies.length > 0
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) =>
                  copies.flatMap(({ from, to }) => [
                    `mkdir -p "$(dirname "${outputDir}/${to}")"`,
                    `cp -R "${inputDir}/${from}" "${outputDir}/${to}"`,
                  ]),
              },
            }
          : {}),
      },
    });
    this.functionLogGroup = logGroup;
    this.ownRole = role;

    // Tracing is set on the L1 rather than via the `tracing` prop: the prop would put `xray:Put*` on
    // Resource `*` into the role's default policy (see `addWildcardPolicy`).
    (this.node.defaultChild as CfnFunction).tracingConfig = { mode: Tracing.ACTIVE };
    this.addWildcardPolicy(
      'XRayWrite',
      [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      ],
      [
        {
          resource: '*',
          reason:
            'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (Resource must be *).',
        },
      ],
    );

    Validations.of(this).acknowledge({
      id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
      reason:
        'casewatch has no private network resources: every dependency (DynamoDB, SQS, EventBridge, Scheduler, SES, Secrets Manager, S3, Cognito JWKS) is an AWS public endpoint reached over TLS with IAM, and webhook receivers are public HTTPS addresses on the internet (the sender refuses private ones). A VPC would add NAT gateways or a set of interface endpoints (a fixed monthly cost) and network interfaces to cold starts, and no protection that IAM and TLS do not already give.',
    });
    for (const ruleId of ['AwsSolutions::AwsSolutions-L1', 'Serverless::Serverless-LambdaLatestVersion']) {
      Validations.of(this).acknowledge({
        id: ruleId,
        reason:
          'casewatch deliberately pins nodejs22.x (a supported LTS runtime; bundles target node22); moving to a newer runtime is a planned change, not a lint fix.',
      });
    }
    if (props.deadLetterQueue === undefined) {
      Validations.of(this).acknowledge({
        id: 'Serverless::Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously (API Gateway) or via an event-source mapping (SQS / DynamoDB Streams) whose failures go to the source queue DLQ or on-failure destination; a function DLQ only applies to async invokes, which must pass deadLetterQueue.',
      });
    }
  }

  /**
   * Grants whose resources cannot avoid a wildcard go into a policy of their own on the function's role
   * (`<role>/<id>`), and cdk-nag's IAM5 finding is acknowledged on that policy for each listed wildcard only.
   * Acknowledging it on the role's default policy, where other grants land, would also hide any later wildcard.
   */
  public addWildcardPolicy(
    id: string,
    statements: PolicyStatement[],
    wildcards: readonly WildcardResource[],
  ): Policy {
    const policy = new Policy(this.ownRole, id, { roles: [this.ownRole], statements });
    for (const { resource, reason } of wildcards) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`,
        reason,
      });
    }
    return policy;
  }
}

/**
 * Acknowledges Control Tower's two log-group controls on a casewatch log group: a year's retention (kept
 * shorter for `retentionReason`), and a customer-managed KMS key (CloudWatch Logs already encrypts every
 * log group at rest with a service-owned key).
 */
export function acknowledgeLogGroupControls(logGroup: LogGroup, retentionReason: string): void {
  Validations.of(logGroup).acknowledge(
    { id: 'cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check', reason: retentionReason },
    {
      id: 'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check',
      reason:
        'CloudWatch Logs encrypts every log group at rest with a key it manages. A customer-managed key would add a key policy granting the logs service, a monthly key charge and a way to lose the logs (key deletion), for control casewatch does not need: like the case table, which holds the same personal data under the AWS-managed key.',
    },
  );
}

/** How cdk-nag names the objects under a prefix of a bucket in an IAM5 finding: `<BucketLogicalId.Arn>/<prefix>*`. */
export function nagObjectsWildcard(bucket: IBucket, prefix = ''): string {
  return `<${Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnBucket)}.Arn>/${prefix}*`;
}
