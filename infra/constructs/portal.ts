import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Aws, CfnCondition, DockerImage, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ORIGIN_HEADER } from '../../shared/http/routes.ts';
import { PROJECT_ROOT } from './casewatch-function.ts';

/** Where the portal reaches the API on its own origin; the local runtime mounts it the same way. */
export const PORTAL_API_PREFIX = '/api';

export interface PortalProps {
  /** The API the portal calls, behind `/api/*` on the same distribution (no CORS for the portal). */
  readonly httpApi: HttpApi;
  /** Sent to the API in `X-Casewatch-Origin`: the API refuses requests that did not come this way. */
  readonly originToken: ISecret;
  /** Where the site bucket's server access logs go. */
  readonly accessLogsBucket: IBucket;
  /** What the portal learns from `/config.json`: the user pool, its web client and hosted sign-in. */
  readonly signIn: { readonly issuer: string; readonly clientId: string; readonly domainUrl: string };
  /**
   * The portal's own domain and its ACM certificate (in us-east-1, as CloudFront requires); without them
   * the portal is at the distribution's `*.cloudfront.net` address with CloudFront's default certificate.
   */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string } | undefined;
  /**
   * A WAF web ACL (CloudFront scope, made in us-east-1) to put in front instead of the one made here; for a
   * stack outside us-east-1, where a CloudFront-scope ACL cannot be made.
   */
  readonly webAclArn?: string | undefined;
}

/**
 * The firewall's limits, per client IP over WAF's 5-minute window. Anonymous case creation is the one
 * write a stranger can make (and each sends mail): 20 per 5 minutes is more than any buyer needs. Every
 * other request: 2,000 per 5 minutes (about 7 a second), far above a person's use of the portal or an
 * integration's polling.
 */
export const FIREWALL_LIMITS = { anonymousCreates: 20, perClient: 2_000, windowSeconds: 300 } as const;

/**
 * A page's path without a file extension is a page of the app: CloudFront asks S3 for index.html, and the
 * app routes itself. (Custom error responses would do it too, but for the API's 404s as well.)
 */
const SPA_REWRITE = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/** `/api/cases` reaches the API as `/cases`: the API's routes do not know the prefix. */
const STRIP_API_PREFIX = `function handler(event) {
  var request = event.request;
  request.uri = request.uri.substring(${PORTAL_API_PREFIX.length}) || '/';
  return request;
}`;

/** A byte match on the whole field, exactly (case-insensitively for the method). */
function exactly(
  value: string,
  fieldToMatch: CfnWebACL.FieldToMatchProperty,
): CfnWebACL.ByteMatchStatementProperty {
  return {
    searchString: value,
    fieldToMatch,
    positionalConstraint: 'EXACTLY',
    textTransformations: [{ priority: 0, type: 'NONE' }],
  };
}

/** A header is present when its value is longer than nothing. */
function headerPresent(name: string): CfnWebACL.SizeConstraintStatementProperty {
  return {
    fieldToMatch: { singleHeader: { Name: name } },
    comparisonOperator: 'GT',
    size: 0,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  };
}

const DEFAULT_CERTIFICATE_REASON =
  "Without a custom domain (casewatch:portalDomain and casewatch:portalCertificateArn) the portal is served on its *.cloudfront.net address with CloudFront's default certificate, whose protocol policy cannot be chosen; with them it uses the given ACM certificate by SNI and TLS 1.2 at least.";

/**
 * CDK's own BucketDeployment provider (a Python Lambda run only while deploying, one per stack) copies
 * the build from the CDK asset bucket to the site bucket. It is CDK's code, not casewatch's: what its
 * role and function look like is CDK's choice, acknowledged here finding by finding.
 */
function acknowledgeDeploymentProvider(stack: Stack, site: Bucket): Construct {
  const provider = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!provider) throw new Error('no BucketDeployment provider in the stack');
  const siteId = stack.getLogicalId(site.node.defaultChild as CfnBucket);
  const deployOnly = "runs only while CloudFormation deploys the portal, on CDK's BucketDeployment provider";
  const policy = provider.node.findChild('ServiceRole').node.findChild('DefaultPolicy').node
    .defaultChild as Construct;
  Validations.of(policy).acknowledge(
    ...[
      'Resource::*',
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
      `Resource::<${siteId}.Arn>/*`,
    ].map((evidence) => ({
      id: `AwsSolutions::AwsSolutions-IAM5[${evidence}]`,
      reason: `CDK's BucketDeployment grants: read the build from the CDK asset bucket, replace the portal's files, invalidate CloudFront (an invalidation has no resource ARN); it ${deployOnly}.`,
    })),
  );
  Validations.of(provider.node.findChild('ServiceRole')).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: `Logging permissions of CDK's BucketDeployment provider, which ${deployOnly}.`,
  });
  Validations.of(provider).acknowledge(
    {
      id: 'AwsSolutions::AwsSolutions-L1',
      reason: `CDK pins the provider's Python runtime; it ${deployOnly}.`,
    },
    {
      id: 'Serverless::Serverless-LambdaLatestVersion',
      reason: `CDK pins the provider's runtime; it ${deployOnly}.`,
    },
    {
      id: 'Serverless::Serverless-LambdaDLQ',
      reason: `CloudFormation invokes the provider synchronously and fails the deploy on an error; it ${deployOnly}.`,
    },
    {
      id: 'Serverless::Serverless-LambdaTracing',
      reason: `Nothing to trace in copying files: it ${deployOnly}.`,
    },
    {
      id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
      reason: `It reaches S3 and CloudFront's public endpoints; it ${deployOnly}.`,
    },
    {
      id: 'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check',
      reason: `Its log holds file names of the public portal build; it ${deployOnly}.`,
    },
  );
  return provider;
}

/**
 * The web portal: the built app in a private bucket, served by CloudFront with origin access control, HTTPS
 * only and a strict Content-Security-Policy, and the API under `/api/*` of the same distribution. The app is
 * built from `web/` at synth (Vite, about a second) and deployed with its `/config.json`, written here from
 * the user pool's values.
 */
export class Portal extends Construct {
  public readonly distribution: Distribution;
  public readonly bucket: Bucket;
  /** `https://<distribution domain>`: the portal's address, for mail links and sign-in callbacks. */
  public readonly url: string;
  /** Where CloudFront writes the distribution's standard logs (ACL delivery, as CloudFront requires). */
  public readonly logsBucket: Bucket;
  /** CDK's BucketDeployment provider (stack-level): a deploy-time Lambda that is CDK's, not casewatch's. */
  public readonly deploymentProvider: Construct;

  public constructor(scope: Construct, id: string, props: PortalProps) {
    super(scope, id);

    this.bucket = new Bucket(this, 'Site', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'portal/',
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // Nothing here is data: the build is deployed from the repository on every deploy.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge(
      {
        id: 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check',
        reason:
          "The bucket holds the portal's built files, the same for every visitor and published by CloudFront: SSE-S3 (AES-256) protects them at rest; a KMS key would add a key policy for CloudFront and a charge per request for no secrecy.",
      },
      {
        id: 'cdk-validator-cfnguard::s3_bucket_versioning_enabled_check',
        reason:
          'Every deploy writes the build from the repository, which is the history; old hashed assets stay (the deployment does not prune) so open pages keep loading.',
      },
      {
        id: 'cdk-validator-cfnguard::s3_event_notifications_enabled_check',
        reason:
          "Nothing reacts to the portal's files being written; the deployment invalidates CloudFront itself.",
      },
      {
        id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
        reason: "The portal's files are replaced by every deploy; write-once retention would stop deploys.",
      },
    );

    // CloudFront's standard logs need a bucket that takes its ACL-based delivery.
    const logs = new Bucket(this, 'Logs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // ACLs on (CloudFront delivers standard logs by ACL), the objects still owned by this account.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(365) },
        {
          id: 'remove-expired-versions',
          noncurrentVersionExpiration: Duration.days(1),
          expiredObjectDeleteMarker: true,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logsBucket = logs;
    Validations.of(logs).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-S1',
        reason:
          "This bucket receives the distribution's access logs; logging its own writes would log log deliveries without end.",
      },
      {
        id: 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check',
        reason:
          "This bucket receives the distribution's access logs; logging its own writes would log log deliveries without end.",
      },
      {
        id: 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check',
        reason:
          'CloudFront delivers standard logs only to buckets it can write without a KMS grant: SSE-S3 (AES-256).',
      },
      {
        id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
        reason:
          "Access logs expire after a year (they hold visitors' IPs, personal data); write-once retention would forbid erasing them.",
      },
      {
        id: 'cdk-validator-cfnguard::s3_event_notifications_enabled_check',
        reason: 'Nothing reacts to a log object being written: the logs are read when investigating.',
      },
    );

    const apiDomain = Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint));
    const signInHost = Fn.select(2, Fn.split('/', props.signIn.domainUrl));
    const csp = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      // Sign-in (discovery, token refresh) and uploads straight to the attachment bucket by presigned URL.
      `connect-src 'self' https://cognito-idp.${Aws.REGION}.amazonaws.com https://${signInHost} https://*.s3.${Aws.REGION}.amazonaws.com`,
      `form-action 'self' https://${signInHost}`,
      "base-uri 'none'",
      "object-src 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'casewatch portal: strict CSP, HSTS, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()', override: true },
        ],
      },
    });

    const domain = props.customDomain;
    const webAclId = props.webAclArn ?? this.firewall();
    this.distribution = new Distribution(this, 'Distribution', {
      webAclId,
      comment: 'casewatch portal and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      ...(domain
        ? {
            domainNames: [domain.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new EdgeFunction(this, 'AppPages', {
              code: FunctionCode.fromInline(SPA_REWRITE),
              runtime: FunctionRuntime.JS_2_0,
              comment: 'casewatch portal: pages of the app are index.html',
            }),
          },
        ],
      },
      additionalBehaviors: {
        [`${PORTAL_API_PREFIX}/*`]: {
          // The token tells the API a request passed this distribution and its firewall; a viewer's own
          // header of that name is replaced, never passed on.
          origin: new HttpOrigin(apiDomain, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            customHeaders: { [ORIGIN_HEADER]: props.originToken.secretValue.unsafeUnwrap() },
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // Every answer is per caller: nothing is cached, every header but Host (API Gateway's own) goes on.
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
          functionAssociations: [
            {
              eventType: FunctionEventType.VIEWER_REQUEST,
              function: new EdgeFunction(this, 'ApiPrefix', {
                code: FunctionCode.fromInline(STRIP_API_PREFIX),
                runtime: FunctionRuntime.JS_2_0,
                comment: 'casewatch portal: /api/* reaches the API without the prefix',
              }),
            },
          ],
        },
      },
    });
    this.url = `https://${domain?.domainName ?? this.distribution.distributionDomainName}`;

    const build = Source.asset(join(PROJECT_ROOT, 'web'), {
      exclude: ['dist', 'node_modules'],
      bundling: {
        // Built locally with the project's Vite; no container.
        image: DockerImage.fromRegistry('casewatch/no-docker'),
        local: {
          tryBundle(outputDir: string) {
            execFileSync(
              process.execPath,
              [
                join(PROJECT_ROOT, 'node_modules/vite/bin/vite.js'),
                'build',
                'web',
                '--outDir',
                outputDir,
                '--emptyOutDir',
                '--logLevel',
                'warn',
              ],
              // Always the production build, whatever NODE_ENV the deploying shell has.
              { cwd: PROJECT_ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
            );
            return true;
          },
        },
      },
    });
    // Hashed files are kept a year; the page and its configuration are revalidated on every load.
    const assets = new BucketDeployment(this, 'DeployAssets', {
      sources: [build],
      destinationBucket: this.bucket,
      include: ['assets/*'],
      exclude: ['*'],
      cacheControl: [
        CacheControl.setPublic(),
        CacheControl.maxAge(Duration.days(365)),
        CacheControl.immutable(),
      ],
      prune: false,
      memoryLimit: 512,
    });
    const page = new BucketDeployment(this, 'DeployPage', {
      sources: [
        build,
        Source.jsonData('config.json', {
          apiBase: PORTAL_API_PREFIX,
          auth: {
            mode: 'cognito',
            authority: props.signIn.issuer,
            clientId: props.signIn.clientId,
            domain: props.signIn.domainUrl,
          },
        }),
      ],
      destinationBucket: this.bucket,
      exclude: ['assets/*', '*.map'],
      cacheControl: [CacheControl.noCache()],
      prune: false,
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      memoryLimit: 512,
    });
    // The page must not point at assets that are not there yet.
    page.node.addDependency(assets);

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-CFR1',
        reason: 'Sellers and buyers are worldwide; there is no country to block.',
      },
      {
        id: 'cdk-validator-cfnguard::cloudfront_origin_failover_enabled_check',
        reason:
          "Both origins (the site bucket and the API) live in the stack's one region; a failover origin would need a second regional deployment of the whole backend.",
      },
      ...(domain
        ? []
        : [
            {
              id: 'AwsSolutions::AwsSolutions-CFR4',
              reason: DEFAULT_CERTIFICATE_REASON,
            },
            {
              id: 'cdk-validator-cfnguard::cloudfront_custom_ssl_certificate_check',
              reason: DEFAULT_CERTIFICATE_REASON,
            },
            {
              id: 'cdk-validator-cfnguard::cloudfront_sni_enabled_check',
              reason: DEFAULT_CERTIFICATE_REASON,
            },
            {
              id: 'cdk-validator-cfnguard::cloudfront_security_policy_check',
              reason: DEFAULT_CERTIFICATE_REASON,
            },
          ]),
    );
    this.deploymentProvider = acknowledgeDeploymentProvider(Stack.of(this), this.bucket);
  }

  /**
   * Rate limits per client IP and AWS's managed lists of known-bad inputs and addresses, in front of the
   * portal and the API alike (API Gateway's own throttling has no per-client limit). A CloudFront-scope
   * ACL exists only in us-east-1: elsewhere it is not made (the condition), and `webAclArn` brings one.
   */
  private firewall(): string {
    const inUsEast1 = new CfnCondition(this, 'FirewallRegion', {
      expression: Fn.conditionEquals(Aws.REGION, 'us-east-1'),
    });
    const visibility = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `casewatch-${name}`,
    });
    const tooMany = { block: { customResponse: { responseCode: 429 } } };
    const managed = (priority: number, name: string) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });
    const acl = new CfnWebACL(this, 'Firewall', {
      scope: 'CLOUDFRONT',
      description: 'casewatch portal and API: rate limits per client, known-bad inputs and addresses',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('portal'),
      rules: [
        managed(0, 'AWSManagedRulesAmazonIpReputationList'),
        managed(1, 'AWSManagedRulesKnownBadInputsRuleSet'),
        {
          name: 'anonymous-case-creation',
          priority: 2,
          action: tooMany,
          statement: {
            rateBasedStatement: {
              limit: FIREWALL_LIMITS.anonymousCreates,
              evaluationWindowSec: FIREWALL_LIMITS.windowSeconds,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                andStatement: {
                  statements: [
                    { byteMatchStatement: exactly('/api/cases', { uriPath: {} }) },
                    { byteMatchStatement: exactly('POST', { method: {} }) },
                    {
                      notStatement: {
                        statement: { sizeConstraintStatement: headerPresent('authorization') },
                      },
                    },
                  ],
                },
              },
            },
          },
          visibilityConfig: visibility('anonymous-case-creation'),
        },
        {
          name: 'per-client',
          priority: 3,
          action: tooMany,
          statement: {
            rateBasedStatement: {
              limit: FIREWALL_LIMITS.perClient,
              evaluationWindowSec: FIREWALL_LIMITS.windowSeconds,
              aggregateKeyType: 'IP',
            },
          },
          visibilityConfig: visibility('per-client'),
        },
      ],
    });
    acl.cfnOptions.condition = inUsEast1;
    return Fn.conditionIf(inUsEast1.logicalId, acl.attrArn, Aws.NO_VALUE).toString();
  }
}
