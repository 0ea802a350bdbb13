import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED_ORIGINS_CONTEXT, ORIGIN_TOKEN_GENERATION_CONTEXT } from '../../infra/casewatch-stack.ts';
import { GLOBAL_INDEXES } from '../../shared/adapters/dynamodb/table-definition.ts';
import { CORS } from '../../shared/http/cors.ts';
import { ORIGIN_HEADER, ROUTE_GROUPS, ROUTES, type RouteGroup } from '../../shared/http/routes.ts';
import {
  type SynthesizedCasewatch,
  synthCasewatch,
  synthCasewatchWith,
} from './support/casewatch-template.ts';
import { asList } from './support/template-queries.ts';

let app: SynthesizedCasewatch;
let ids: { table: string; secret: string; bucket: string; userPool: string; client: string; api: string };
beforeAll(() => {
  app = synthCasewatch();
  const { stack } = app;
  ids = {
    table: app.logicalId(stack.store.table),
    secret: app.logicalId(stack.identity.signingSecret),
    bucket: app.logicalId(stack.attachments.bucket),
    userPool: app.logicalId(stack.identity.userPool),
    client: app.logicalId(stack.identity.userPoolClient),
    api: app.logicalId(stack.api.httpApi),
  };
});
afterAll(() => app.cleanup());

const functionId = (group: RouteGroup) => app.logicalId(app.stack.api.functions[group]);
const roleId = (group: RouteGroup) => app.roleId(app.stack.api.functions[group]);

const tableArn = () => ({ 'Fn::GetAtt': [ids.table, 'Arn'] });
const indexArn = (name: string) => ({ 'Fn::Join': ['', [tableArn(), `/index/${name}`]] });

/**
 * The most each group may do to the table, in IAM terms (a TransactWriteItems call is authorized per item
 * by PutItem / UpdateItem / ConditionCheckItem): the stack may grant less, never more.
 */
const TRANSACT_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'];
/** Every group but the API document's, which is public and touches no case data. */
const CASE_GROUPS = ROUTE_GROUPS.filter((g): g is Exclude<RouteGroup, 'api-docs'> => g !== 'api-docs');

const NEEDS: Record<
  Exclude<RouteGroup, 'api-docs'>,
  {
    table: string[];
    /** The partitions its table actions are limited to, if they are. */
    tableKeys?: string[];
    /** Other partitions it may only Query. */
    queryKeys?: string[];
    indexes: string[];
    idempotency: string[];
    /** Its writes can answer a waiting escalation, whose figure item they then delete. */
    answersEscalations?: true;
  }
> = {
  'cases-intake': {
    table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
    indexes: [],
    idempotency: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  },
  'cases-query': {
    table: ['dynamodb:GetItem', 'dynamodb:Query'],
    // Cases, numbers, the backlog counters and the leads' figures: no ledger, no idempotency record.
    tableKeys: [
      'CASE#*',
      'NUMBER#*',
      'BACKLOG',
      'STATS#FR',
      'STATS#AGENTS',
      'STATS#ESCALATIONS',
      'STATS#SURVEYS',
    ],
    indexes: ['dynamodb:Query'],
    idempotency: [],
  },
  'case-requests': {
    table: ['dynamodb:GetItem', 'dynamodb:Query', ...TRANSACT_WRITE],
    indexes: [],
    idempotency: [],
    answersEscalations: true,
  },
  'case-triage': {
    table: ['dynamodb:GetItem', 'dynamodb:Query', ...TRANSACT_WRITE],
    indexes: [],
    idempotency: [],
    answersEscalations: true,
  },
  // Webhook items (register, list, read, delete, resume) and, read-only, each one's delivery log.
  webhooks: {
    table: [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
    ],
    tableKeys: ['WEBHOOKS'],
    queryKeys: ['WEBHOOK#*'],
    indexes: [],
    idempotency: [],
  },
};

describe('routes, generated from the ROUTES table', () => {
  it('has exactly one route per ROUTES entry, with its route key', () => {
    const keys = app.resourcesOf('AWS::ApiGatewayV2::Route').map((r) => r.props.RouteKey);
    expect(keys.sort()).toEqual(ROUTES.map((r) => r.routeKey).sort());
  });

  it("sends each route to its group's function", () => {
    const integrations = Object.fromEntries(
      app.resourcesOf('AWS::ApiGatewayV2::Integration').map((i) => [i.id, i.props]),
    );
    for (const route of ROUTES) {
      const [routeResource] = app
        .resourcesOf('AWS::ApiGatewayV2::Route')
        .filter((r) => r.props.RouteKey === route.routeKey);
      const target = routeResource?.props.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
      const integration = integrations[target['Fn::Join'][1][1].Ref];
      expect(integration, route.routeKey).toMatchObject({
        ApiId: { Ref: ids.api },
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [functionId(route.group), 'Arn'] },
      });
    }
  });

  it('puts the Cognito JWT authorizer on exactly the jwt routes, and no authorizer on mixed ones', () => {
    const [authorizer] = app.resourcesOf('AWS::ApiGatewayV2::Authorizer');
    for (const route of ROUTES) {
      const expected =
        route.auth === 'jwt'
          ? { AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizer?.id } }
          : { AuthorizationType: 'NONE', AuthorizerId: Match.absent() };
      app.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: route.routeKey,
        ...expected,
      });
    }
  });

  it('serves the webhook routes, all behind the JWT authorizer, with DELETE among them', () => {
    const routes = ROUTES.filter((r) => r.group === 'webhooks');
    expect(routes.map((r) => r.routeKey).sort()).toEqual(
      [
        'DELETE /webhooks/{id}',
        'GET /webhooks',
        'GET /webhooks/{id}',
        'POST /webhooks',
        'POST /webhooks/{id}/resume',
      ].sort(),
    );
    for (const route of routes) {
      app.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: route.routeKey,
        AuthorizationType: 'JWT',
      });
    }
    const description = app.resource(functionId('webhooks')).Properties.Description as string;
    expect(description.length).toBeLessThanOrEqual(256);
    expect(description).toMatch(/^casewatch webhooks: /);
  });

  it('checks tokens issued by the user pool for the app client', () => {
    app.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    app.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: ids.client }],
        Issuer: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [ids.userPool, 'ProviderURL'] }]] },
      },
    });
  });

  it('lets API Gateway invoke each function only from its own routes', () => {
    // Other services' invoke permissions (SES → the inbound mail function) are asserted with their construct.
    const permissions = app
      .resourcesOf('AWS::Lambda::Permission')
      .map((p) => p.props)
      .filter((p) => p.Principal === 'apigateway.amazonaws.com');
    expect(permissions).toHaveLength(ROUTES.length);
    for (const permission of permissions) {
      expect(permission).toMatchObject({
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        SourceArn: expect.anything(),
      });
      expect(JSON.stringify(permission.SourceArn)).toContain(ids.api);
    }
  });
});

describe('functions', () => {
  it('has one function per route group, each nodejs22.x on arm64, and no other function but the timer workers, the mail inbound and feedback, the attachment arrival and the webhook sender functions', () => {
    // CDK's deploy-time BucketDeployment provider (the portal's) is CDK's, not one of casewatch's functions.
    const own = new Set(app.ownFunctionIds());
    const functions = app.resourcesOf('AWS::Lambda::Function').filter((f) => own.has(f.id));
    const workers = [
      app.stack.reactions.streamFunction,
      app.stack.timers.timerFunction,
      app.stack.mail.inboundFunction,
      app.stack.mailFeedback.feedbackFunction,
      app.stack.arrivals.arrivalFunction,
      app.stack.integrations.senderFunction,
    ].map(app.logicalId);
    expect(functions.map((f) => f.id).sort()).toEqual([...ROUTE_GROUPS.map(functionId), ...workers].sort());
    for (const fn of functions) {
      expect(fn.props, fn.id).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    }
  });

  it('gives every case function the table, the secret and the user pool; only case-requests the bucket', () => {
    for (const group of CASE_GROUPS) {
      const env = app.envOf(functionId(group));
      expect(env, group).toMatchObject({
        TABLE_NAME: { Ref: ids.table },
        CASEWATCH_SECRET_ARN: { Ref: ids.secret },
      });
      expect(env, group).toMatchObject({
        COGNITO_ISSUER: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [ids.userPool, 'ProviderURL'] }]] },
        COGNITO_JWKS_URL: {
          'Fn::Join': [
            '',
            ['https://', { 'Fn::GetAtt': [ids.userPool, 'ProviderURL'] }, '/.well-known/jwks.json'],
          ],
        },
        COGNITO_CLIENT_ID: { Ref: ids.client },
      });
      if (group === 'case-requests') expect(env.ATTACHMENTS_BUCKET).toEqual({ Ref: ids.bucket });
      else expect(env.ATTACHMENTS_BUCKET, group).toBeUndefined();
    }
  });

  it('changes the origin token in one deployment: the functions take the generations either side of the current one', () => {
    const tokensOf = (synthesized: typeof app) =>
      new Map(
        synthesized
          .resourcesOf('AWS::SecretsManager::Secret')
          .filter((r) => String(r.props.Description).includes('portal distribution sends the API'))
          .map((r) => [Number(/generation (\d+)/.exec(String(r.props.Description))?.[1]), r.id]),
      );
    const resolved = (id: string | undefined) => ({
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: id }, ':SecretString:::}}']],
    });
    const sent = (synthesized: typeof app) => {
      const [cdn] = synthesized.resourcesOf('AWS::CloudFront::Distribution');
      if (!cdn) throw new Error('no distribution');
      const origins = (cdn.props.DistributionConfig as { Origins: Record<string, unknown>[] }).Origins;
      return origins.flatMap((o) => (o.OriginCustomHeaders as { HeaderValue: unknown }[] | undefined) ?? []);
    };

    // Generation 1 (the default): the distribution sends 1, the functions take 1 and 2.
    const one = tokensOf(app);
    expect([...one.keys()].sort()).toEqual([1, 2]);
    expect(sent(app)).toEqual([{ HeaderName: ORIGIN_HEADER, HeaderValue: resolved(one.get(1)) }]);
    for (const group of CASE_GROUPS) {
      const env = app.envOf(functionId(group));
      expect([env.ORIGIN_TOKEN, env.ORIGIN_TOKEN_NEXT, env.ORIGIN_TOKEN_PREVIOUS], group).toEqual([
        resolved(one.get(1)),
        resolved(one.get(2)),
        undefined,
      ]);
    }

    // Raised to 2: the same secrets keep their logical ids (and values); 3 is made ahead, nothing dropped
    // that either the old distribution or the old functions still use.
    const second = synthCasewatchWith({ [ORIGIN_TOKEN_GENERATION_CONTEXT]: '2' });
    const two = tokensOf(second);
    expect([...two.keys()].sort()).toEqual([1, 2, 3]);
    expect([two.get(1), two.get(2)]).toEqual([one.get(1), one.get(2)]);
    expect(sent(second)).toEqual([{ HeaderName: ORIGIN_HEADER, HeaderValue: resolved(two.get(2)) }]);
    for (const group of CASE_GROUPS) {
      const env = second.envOf(second.logicalId(second.stack.api.functions[group]));
      expect([env.ORIGIN_TOKEN, env.ORIGIN_TOKEN_NEXT, env.ORIGIN_TOKEN_PREVIOUS], group).toEqual([
        resolved(two.get(2)),
        resolved(two.get(3)),
        resolved(two.get(1)),
      ]);
    }
    // Whichever side CloudFormation updates first, every request is taken: the old distribution sends 1
    // (the new functions take 1), the new one sends 2 (the old functions take 2 as their next).
  });

  it('tells only cases-query where the leads’ dashboard is: its name and the stack’s region', () => {
    const [dashboard, ...others] = app.resourcesOf('AWS::CloudWatch::Dashboard');
    expect(others).toEqual([]);
    expect(dashboard?.props.DashboardName).toBe('casewatch');
    for (const group of CASE_GROUPS) {
      const env = app.envOf(functionId(group));
      if (group === 'cases-query')
        expect(env).toMatchObject({
          DASHBOARD_NAME: dashboard?.props.DashboardName,
          DASHBOARD_REGION: { Ref: 'AWS::Region' },
        });
      else expect(env, group).not.toHaveProperty('DASHBOARD_NAME');
    }
  });
});

describe('the API document and its reference page', () => {
  it('are public routes without an authorizer, served by a function that touches no case data', () => {
    const docs = ROUTES.filter((r) => r.group === 'api-docs');
    expect(docs.map((r) => r.routeKey).sort()).toEqual([
      'GET /docs',
      'GET /docs/{asset}',
      'GET /openapi.json',
    ]);
    for (const route of docs) {
      app.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: route.routeKey,
        AuthorizationType: 'NONE',
      });
    }
    expect(app.envOf(functionId('api-docs'))).toEqual(
      expect.not.objectContaining({ TABLE_NAME: expect.anything(), CASEWATCH_SECRET_ARN: expect.anything() }),
    );
    const services = app
      .statementsOf(roleId('api-docs'))
      .flatMap((s) => asList(s.Action))
      .map((a) => a.split(':')[0]);
    expect(services.filter((service) => service !== 'logs' && service !== 'xray')).toEqual([]);
  });
});

describe('least-privilege IAM', () => {
  it('has no wildcard action and no Scan (or PartiQL, which can scan) in any policy', () => {
    const actions = app.allStatements().flatMap((s) => asList(s.Action));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(actions.filter((a) => /scan|partiql/i.test(a))).toEqual([]);
  });

  it('uses no NotAction / NotResource statements', () => {
    for (const s of app.allStatements()) {
      expect(s).not.toHaveProperty('NotAction');
      expect(s).not.toHaveProperty('NotResource');
    }
  });

  it.each(CASE_GROUPS)('%s touches the table only as its group needs', (group) => {
    const needs = NEEDS[group];
    const dynamo = app
      .statementsOf(roleId(group))
      .filter((s) => asList(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    const leadingKeys = (s: (typeof dynamo)[number]) =>
      (s.Condition?.['ForAllValues:StringLike'] as { 'dynamodb:LeadingKeys'?: string[] } | undefined)?.[
        'dynamodb:LeadingKeys'
      ];
    let deletes = 0;
    let queryOnly = 0;
    for (const s of dynamo) {
      const actions = asList(s.Action);
      const resources = asList(s.Resource);
      expect(s.Effect).toBe('Allow');
      if (JSON.stringify(resources).includes('/index/')) {
        expect(s.Condition).toBeUndefined();
        expect(resources).toEqual(
          expect.arrayContaining(Object.values(GLOBAL_INDEXES).map((i) => indexArn(i.indexName))),
        );
        expect(resources).toHaveLength(Object.keys(GLOBAL_INDEXES).length);
        expect(needs.indexes).toEqual(expect.arrayContaining(actions));
        continue;
      }
      expect(resources).toEqual([tableArn()]);
      if (s.Condition !== undefined) expect(Object.keys(s.Condition)).toEqual(['ForAllValues:StringLike']);
      const keys = leadingKeys(s);
      if (keys?.[0] === 'idempotency#*') {
        // Idempotency records only: every key the call touches starts with `idempotency#`.
        expect(keys).toEqual(['idempotency#*']);
        expect(needs.idempotency).toEqual(expect.arrayContaining(actions));
      } else if (keys?.[0] === 'STATS#ESCALATIONS' && actions.includes('dynamodb:DeleteItem')) {
        // A waiting escalation's item, deleted by the write that answers it; nothing else.
        expect({ keys, actions }).toEqual({ keys: ['STATS#ESCALATIONS'], actions: ['dynamodb:DeleteItem'] });
        deletes++;
      } else if (needs.queryKeys !== undefined && JSON.stringify(keys) === JSON.stringify(needs.queryKeys)) {
        // Partitions it only reads: Query, nothing else.
        expect(actions).toEqual(['dynamodb:Query']);
        queryOnly++;
      } else {
        expect(keys).toEqual(needs.tableKeys);
        expect(needs.table).toEqual(expect.arrayContaining(actions));
      }
    }
    expect(deletes).toBe(needs.answersEscalations ? 1 : 0);
    expect(queryOnly).toBe(needs.queryKeys ? 1 : 0);
  });

  it('lets the webhooks function touch webhook items and read their delivery logs, exactly, and no case data', () => {
    const grants = app.grantsOf(roleId('webhooks'), 'dynamodb:');
    const keys = (k: string) =>
      JSON.stringify({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [k] } });
    const table = JSON.stringify(tableArn());
    const key = (g: { action: string; condition?: string }) => `${g.action} ${g.condition}`;
    expect(grants.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [
        ...['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'].map((a) => ({
          action: `dynamodb:${a}`,
          resource: table,
          condition: keys('WEBHOOKS'),
        })),
        { action: 'dynamodb:Query', resource: table, condition: keys('WEBHOOK#*') },
      ].sort((a, b) => key(a).localeCompare(key(b))),
    );
  });

  it('lets no function delete a case item: deletes only under a condition (idempotency, answered escalations, ledgers, webhooks)', () => {
    for (const s of app.allStatements()) {
      if (asList(s.Action).includes('dynamodb:DeleteItem')) expect(s.Condition).toBeDefined();
    }
  });

  it('lets every case function read the signing secret, with GetSecretValue only', () => {
    for (const group of CASE_GROUPS) {
      const secretStatements = app
        .statementsOf(roleId(group))
        .filter((s) => asList(s.Action).some((a) => a.startsWith('secretsmanager:')));
      expect(secretStatements, group).toEqual([
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: ids.secret } },
      ]);
    }
  });

  it('lets only case-requests put and get attachment objects, only under cases/, and nothing else in S3', () => {
    for (const group of ROUTE_GROUPS) {
      const s3 = app
        .statementsOf(roleId(group))
        .filter((s) => asList(s.Action).some((a) => a.startsWith('s3:')));
      if (group !== 'case-requests') {
        expect(s3, group).toEqual([]);
        continue;
      }
      expect(s3).toEqual([
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, '/cases/*']] },
        },
      ]);
    }
  });

  it('gives the case functions no other service than logs, X-Ray, DynamoDB, Secrets Manager, S3 and the user pool', () => {
    for (const group of CASE_GROUPS) {
      const services = new Set(
        app.statementsOf(roleId(group)).flatMap((s) => asList(s.Action).map((a) => a.split(':')[0])),
      );
      expect([...services].sort(), group).toEqual(
        [
          'dynamodb',
          'logs',
          'secretsmanager',
          'xray',
          ...(group === 'case-requests' ? ['s3'] : []),
          ...(group === 'case-triage' ? ['cognito-idp'] : []),
        ].sort(),
      );
    }
  });

  it('lets case-triage look up, in the one pool only, whether an assignee is staff', () => {
    const cognito = app
      .statementsOf(roleId('case-triage'))
      .filter((s) => asList(s.Action).some((a) => a.startsWith('cognito-idp:')));
    expect(cognito).toEqual([
      {
        Effect: 'Allow',
        Action: ['cognito-idp:AdminListGroupsForUser', 'cognito-idp:ListUsers'],
        Resource: { 'Fn::GetAtt': [app.logicalId(app.stack.identity.userPool), 'Arn'] },
      },
    ]);
    expect(app.envOf(functionId('case-triage')).USER_POOL_ID).toEqual({ Ref: ids.userPool });
    for (const group of CASE_GROUPS.filter((g) => g !== 'case-triage'))
      expect(app.envOf(functionId(group)), group).not.toHaveProperty('USER_POOL_ID');
  });
});

describe('the stage and CORS', () => {
  it('serves one auto-deployed $default stage with stage-wide throttling', () => {
    app.template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    app.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: ids.api },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('writes JSON access logs, keyed by request id and without credentials, to a log group with retention', () => {
    const [stage] = app.resourcesOf('AWS::ApiGatewayV2::Stage');
    const settings = stage?.props.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(settings.DestinationArn).toEqual({
      'Fn::GetAtt': [app.logicalId(app.stack.api.accessLogGroup), 'Arn'],
    });
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
    });
    expect(settings.Format).not.toMatch(/header|Authorization|X-Case-Token/i);
    app.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('answers CORS exactly as the shared contract (shared/http/cors.ts) says, for any origin by default', () => {
    // The contract itself: what the API reads from browsers and what browser code must see.
    expect(CORS.allowHeaders).toEqual(
      expect.arrayContaining([
        'Authorization',
        'Content-Type',
        'If-Match',
        'Idempotency-Key',
        'X-Case-Token',
        'X-Casewatch-Channel',
      ]),
    );
    expect(CORS.exposeHeaders).toEqual(expect.arrayContaining(['ETag', 'Location', 'Retry-After']));
    const [api, ...others] = app.resourcesOf('AWS::ApiGatewayV2::Api');
    expect(others).toEqual([]);
    expect(api?.props.ProtocolType).toBe('HTTP');
    expect(api?.props.CorsConfiguration).toEqual({
      AllowOrigins: ['*'],
      AllowHeaders: [...CORS.allowHeaders],
      AllowMethods: [...CORS.allowMethods],
      ExposeHeaders: [...CORS.exposeHeaders],
      MaxAge: CORS.maxAgeSeconds,
    });
  });

  it(`allows only the origins ${ALLOWED_ORIGINS_CONTEXT} names, when it names some`, () => {
    const custom = synthCasewatchWith({
      [ALLOWED_ORIGINS_CONTEXT]: 'https://support.shop.test, https://admin.shop.test',
    });
    const [api] = custom.resourcesOf('AWS::ApiGatewayV2::Api');
    expect(api?.props.CorsConfiguration).toMatchObject({
      AllowOrigins: ['https://support.shop.test', 'https://admin.shop.test'],
      AllowHeaders: [...CORS.allowHeaders],
    });
  });
});

describe('outputs', () => {
  it('publishes the API URL, user pool id, client id and table name', () => {
    const outputs = app.template.findOutputs('*');
    // The public API is the distribution's /api/*, behind the firewall, not API Gateway's own URL.
    expect(outputs.ApiUrl?.Value).toEqual({
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [app.logicalId(app.stack.portal.distribution), 'DomainName'] }, '/api'],
      ],
    });
    expect(outputs.UserPoolId?.Value).toEqual({ Ref: ids.userPool });
    expect(outputs.UserPoolClientId?.Value).toEqual({ Ref: ids.client });
    expect(outputs.TableName?.Value).toEqual({ Ref: ids.table });
  });
});
