import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { RENDERER_FILE } from '../../functions/api-docs/app.ts';
import { FIGURE_PARTITIONS } from '../../shared/adapters/dynamodb/case-items.ts';
import { CORS } from '../../shared/http/cors.ts';
import {
  ROUTE_GROUP_ENTRIES,
  ROUTE_GROUPS,
  ROUTES,
  type RouteDefinition,
  type RouteGroup,
} from '../../shared/http/routes.ts';
import { ATTACHMENTS_PREFIX } from './attachment-store.ts';
import { acknowledgeLogGroupControls, CasewatchFunction, nagObjectsWildcard } from './casewatch-function.ts';
import { DASHBOARD_NAME } from './dashboard.ts';
import { grantEscalationAnswered, grantSecretValue, grantTableItems } from './grants.ts';
import { WEBHOOK_LOG_PARTITIONS, WEBHOOKS_PARTITION } from './integrations.ts';

/**
 * The DynamoDB actions each route group's function calls, read off the case-store adapter and Powertools
 * idempotency: on the table (only on the partitions `tableKeys` names, when it names some), on its
 * indexes, and on idempotency records only (partition key `idempotency#…`). The adapter's transactions
 * are conditional Puts (a case update is a Put guarded by its version) plus `ADD`s on the backlog
 * counters and the leads' figures (UpdateItem), and IAM authorizes TransactWriteItems per item; nothing
 * deletes case data (a writer that can answer a waiting escalation deletes its figure item, and only
 * that: `grantEscalationAnswered`; the webhooks function deletes webhooks, and only those). No Scan, ever.
 */
export const TABLE_ACCESS: Record<
  Exclude<RouteGroup, 'api-docs'>,
  {
    readonly table: readonly string[];
    /** The partitions the table actions are limited to (IAM `dynamodb:LeadingKeys` patterns). */
    readonly tableKeys?: readonly string[];
    /** Other partitions it only reads, with Query, e.g. the webhooks' delivery logs (`LeadingKeys` patterns). */
    readonly queryKeys?: readonly string[];
    readonly indexes?: readonly string[];
    readonly idempotency?: readonly string[];
    /** Its writes can answer a waiting escalation (a lead acting, a case closing). */
    readonly answersEscalations?: true;
  }
> = {
  // Opens a case (case, number and first event in one transaction). Idempotency records are got and put
  // like any item, then completed (UpdateItem) or released on failure (DeleteItem).
  'cases-intake': {
    table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    idempotency: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  },
  // Reads a case (also by number), pages its timeline, lists cases through the queue / assignee /
  // requester indexes and the public timeline through its index; reads the backlog counters and the
  // leads' figures. Nothing else in the table.
  'cases-query': {
    table: ['dynamodb:GetItem', 'dynamodb:Query'],
    tableKeys: ['CASE#*', 'NUMBER#*', 'BACKLOG', ...Object.values(FIGURE_PARTITIONS)],
    indexes: ['dynamodb:Query'],
  },
  // Messages, status, escalations, survey answers: read the case, write it back with its events.
  // Attachments: read the case and keep the upload (PutItem), or read the case and the file record to
  // presign a download.
  'case-requests': {
    table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    answersEscalations: true,
  },
  // Severity, assignee, workaround: the same read-then-versioned-write.
  'case-triage': {
    table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    answersEscalations: true,
  },
  // Leads register (conditional Put), list (Query), read, delete and resume (conditional Update) webhooks,
  // all items of one partition, and read a webhook's delivery log (Query of its own partition). No case data.
  webhooks: {
    table: [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
    ],
    tableKeys: [WEBHOOKS_PARTITION],
    queryKeys: [WEBHOOK_LOG_PARTITIONS],
  },
};

export interface CasewatchApiProps {
  readonly table: ITable;
  /** ARNs of the table's global secondary indexes, each named (never `index/*`). */
  readonly indexArns: readonly string[];
  /** The one casewatch pool: case-triage checks an assignee is in its agents or leads group. */
  readonly userPool: IUserPool;
  readonly userPoolIssuer: string;
  readonly userPoolJwksUrl: string;
  readonly userPoolClientId: string;
  readonly signingSecret: ISecret;
  /**
   * The origin tokens the functions take: the one before (none at generation 1), the current one and the
   * next, so raising the generation refuses no request (docs/architecture.md#the-firewall).
   */
  readonly acceptedOriginTokens: {
    readonly previous?: ISecret;
    readonly current: ISecret;
    readonly next: ISecret;
  };
  readonly attachmentsBucket: IBucket;
  /** Browser origins allowed by CORS. */
  readonly allowedOrigins: string[];
  /** The leads' CloudWatch dashboard, which the stats route links to. @default DASHBOARD_NAME */
  readonly dashboardName?: string;
  /** Steady-state requests per second across the stage. @default 50 */
  readonly throttlingRateLimit?: number;
  /** Burst capacity across the stage. @default 100 */
  readonly throttlingBurstLimit?: number;
}

/** `cases-intake` → `CasesIntake`: construct ids stay readable in logical ids and the console. */
const constructId = (group: RouteGroup) =>
  group.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());

/** `POST /cases/{id}/messages` → `PostCasesIdMessages`. */
const routeId = (method: string, path: string) =>
  [method.toLowerCase(), ...path.split('/')]
    .map((part) => part.replace(/[{}]/g, ''))
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/**
 * The HTTPS API, generated from the ROUTES table the local gateway also reads: one function per route
 * group, the Cognito JWT authorizer on `jwt` routes, none on `mixed` routes (whose handlers verify a JWT
 * or a case token themselves), CORS, stage-wide throttling and JSON access logs. Stateless.
 */
export class CasewatchApi extends Construct {
  public readonly httpApi: HttpApi;
  public readonly stage: HttpStage;
  /** The function serving each route group. */
  public readonly functions: Record<RouteGroup, CasewatchFunction>;
  public readonly accessLogGroup: LogGroup;

  public constructor(scope: Construct, id: string, props: CasewatchApiProps) {
    super(scope, id);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'casewatch support-case API',
      createDefaultStage: false,
      // The CORS contract is kept once, in shared/http/cors.ts (the local gateway answers from it too);
      // only the origins are deployment configuration.
      corsPreflight: {
        allowOrigins: props.allowedOrigins,
        allowMethods: CORS.allowMethods.map((method) => CorsHttpMethod[method]),
        allowHeaders: [...CORS.allowHeaders],
        exposeHeaders: [...CORS.exposeHeaders],
        maxAge: Duration.seconds(CORS.maxAgeSeconds),
      },
    });

    // Who called what, and how it went; never headers or bodies (tokens, personal data).
    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledgeLogGroupControls(
      this.accessLogGroup,
      'API access logs are kept three months: long enough to investigate an incident or a complaint about a request, while every case change is recorded for good in the case timeline. Each line holds a source IP and a user id (personal data), which should not be kept a year for no use.',
    );
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttlingRateLimit ?? 50,
        burstLimit: props.throttlingBurstLimit ?? 100,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    const jwtAuthorizer = new HttpJwtAuthorizer('CognitoJwt', props.userPoolIssuer, {
      jwtAudience: [props.userPoolClientId],
    });
    const noAuthorizer = new HttpNoneAuthorizer();

    const functions: Partial<Record<RouteGroup, CasewatchFunction>> = {};
    for (const group of ROUTE_GROUPS) {
      const routes = ROUTES.filter((r) => r.group === group);
      const fn =
        group === 'api-docs'
          ? this.createDocsFunction(routes)
          : this.createCaseFunction(group, routes, props);
      const integration = new HttpLambdaIntegration(`${constructId(group)}Integration`, fn);
      for (const route of routes)
        this.addRoute(route, integration, route.auth === 'jwt' ? jwtAuthorizer : noAuthorizer);
      functions[group] = fn;
    }
    this.functions = functions as Record<RouteGroup, CasewatchFunction>;
  }

  /** A function of the case routes: the table, the signing secret, the user pool's keys. */
  private createCaseFunction(
    group: Exclude<RouteGroup, 'api-docs'>,
    routes: readonly RouteDefinition[],
    props: CasewatchApiProps,
  ): CasewatchFunction {
    const fn = new CasewatchFunction(this, constructId(group), {
      entry: ROUTE_GROUP_ENTRIES[group],
      description: routesInBrief(group, routes),
      environment: {
        TABLE_NAME: props.table.tableName,
        CASEWATCH_SECRET_ARN: props.signingSecret.secretArn,
        // Mixed routes verify a JWT themselves; the shared composition root wires the verifier everywhere.
        COGNITO_ISSUER: props.userPoolIssuer,
        COGNITO_JWKS_URL: props.userPoolJwksUrl,
        COGNITO_CLIENT_ID: props.userPoolClientId,
        // Resolved at deploy time, not read at init: requests that did not come through the distribution are refused.
        ORIGIN_TOKEN: props.acceptedOriginTokens.current.secretValue.unsafeUnwrap(),
        ORIGIN_TOKEN_NEXT: props.acceptedOriginTokens.next.secretValue.unsafeUnwrap(),
        ...(props.acceptedOriginTokens.previous && {
          ORIGIN_TOKEN_PREVIOUS: props.acceptedOriginTokens.previous.secretValue.unsafeUnwrap(),
        }),
        ...(group === 'case-requests' && { ATTACHMENTS_BUCKET: props.attachmentsBucket.bucketName }),
        ...(group === 'case-triage' && { USER_POOL_ID: props.userPool.userPoolId }),
        // The stats route links to the leads' dashboard in the console, in this stack's region.
        ...(group === 'cases-query' && {
          DASHBOARD_NAME: props.dashboardName ?? DASHBOARD_NAME,
          DASHBOARD_REGION: Stack.of(this).region,
        }),
      },
    });
    this.grantTableAccess(fn, group, props);
    grantSecretValue(fn, props.signingSecret);
    if (group === 'case-requests') this.grantAttachmentObjects(fn, props.attachmentsBucket);
    // Is the assignee staff? (by email, then the user's groups, in the one casewatch pool).
    if (group === 'case-triage') {
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['cognito-idp:ListUsers', 'cognito-idp:AdminListGroupsForUser'],
          resources: [props.userPool.userPoolArn],
        }),
      );
    }
    return fn;
  }

  /**
   * The API document and its reference page: public and read-only, so no table, no secret, no user
   * pool. The document is bundled; the renderer is copied beside the bundle.
   */
  private createDocsFunction(routes: readonly RouteDefinition[]): CasewatchFunction {
    return new CasewatchFunction(this, constructId('api-docs'), {
      entry: ROUTE_GROUP_ENTRIES['api-docs'],
      description: `casewatch api-docs: ${routes.map((r) => r.routeKey).join(', ')}`,
      assets: [{ from: `node_modules/redoc/bundles/${RENDERER_FILE}`, name: RENDERER_FILE }],
    });
  }

  private addRoute(
    route: RouteDefinition,
    integration: HttpLambdaIntegration,
    authorizer: IHttpRouteAuthorizer,
  ) {
    const httpRoute = new HttpRoute(this, routeId(route.method, route.path), {
      httpApi: this.httpApi,
      routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
      integration,
      authorizer,
    });
    const reason =
      route.auth === 'mixed'
        ? 'Also serves consumers, who have no account and authenticate with a signed case token (X-Case-Token); the handler verifies either that token or a Cognito JWT (issuer, audience, signature via the pool JWKS) before doing anything.'
        : route.auth === 'public'
          ? 'The API document and its reference page are public on purpose: web-client developers read them before they have an account; they are read-only and hold no case data.'
          : null;
    if (reason !== null) {
      Validations.of(httpRoute).acknowledge(
        { id: 'AwsSolutions::AwsSolutions-APIG4', reason },
        { id: 'cdk-validator-cfnguard::api_gw_v2_authorization_type_configured_check', reason },
      );
    }
    // The invoke permission the integration adds for this route.
    for (const permission of httpRoute.node.children.filter((c) => c instanceof CfnPermission)) {
      Validations.of(permission).acknowledge({
        id: 'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
        reason:
          'Not public: API Gateway may invoke the function only for this API and this route path, in this account (SourceArn arn:<partition>:execute-api:<region>:<account>:<api id>/*/*<path>). The rule only accepts SourceArn as a literal string or a plain Ref/GetAtt; in this env-agnostic stack it is an Fn::Join of the API id and the pseudo parameters, so the rule cannot see it.',
      });
    }
  }

  /** The API's base URL (the `$default` stage, so no stage segment). */
  public get url(): string {
    return this.stage.url;
  }

  private grantTableAccess(
    fn: CasewatchFunction,
    group: Exclude<RouteGroup, 'api-docs'>,
    props: CasewatchApiProps,
  ): void {
    const access = TABLE_ACCESS[group];
    grantTableItems(fn, props.table, access.table, access.tableKeys);
    if (access.queryKeys !== undefined)
      grantTableItems(fn, props.table, ['dynamodb:Query'], access.queryKeys);
    if (access.answersEscalations) grantEscalationAnswered(fn, props.table);
    if (access.indexes !== undefined) {
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [...access.indexes],
          resources: [...props.indexArns],
        }),
      );
    }
    if (access.idempotency !== undefined) {
      grantTableItems(fn, props.table, access.idempotency, 'idempotency#*');
    }
  }

  /**
   * PutObject / GetObject on the attachments under `cases/`, for presigning upload and download URLs with
   * the function's role (a presigned URL can do no more than its signer may). Kept in a policy of its own
   * so the object wildcard is acknowledged there only.
   */
  private grantAttachmentObjects(fn: CasewatchFunction, bucket: IBucket): void {
    fn.addWildcardPolicy(
      'AttachmentObjects',
      [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:PutObject', 's3:GetObject'],
          resources: [bucket.arnForObjects(`${ATTACHMENTS_PREFIX}*`)],
        }),
      ],
      [
        {
          resource: nagObjectsWildcard(bucket, ATTACHMENTS_PREFIX),
          reason:
            'Attachment object keys are created per case at request time, so presigning needs the objects under cases/; only PutObject (uploads) and GetObject (downloads), on this one bucket, and the keys are chosen by the handler, never the caller.',
        },
      ],
    );
  }
}

/**
 * A function's description (Lambda allows 256 characters): what its routes act on, e.g. `casewatch
 * case-requests: messages, status, …, meetings (17 routes)` — the route keys themselves outgrew it.
 */
export function routesInBrief(group: RouteGroup, routes: readonly RouteDefinition[]): string {
  const topics = [
    ...new Set(
      routes.map((r) => {
        const [first, second, third] = r.path.split('/').filter(Boolean);
        return first === 'cases' && second && third ? third : (first ?? '/');
      }),
    ),
  ];
  return `casewatch ${group}: ${topics.join(', ')} (${routes.length} routes)`.slice(0, 256);
}
