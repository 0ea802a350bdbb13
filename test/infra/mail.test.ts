import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, STACK_NAME } from '../../infra/app.ts';
import {
  DEFAULT_MAIL_DOMAIN,
  DEFAULT_SENDER_ADDRESS,
  ENVIRONMENT_CONTEXT,
  MAIL_DOMAIN_CONTEXT,
  PLACEHOLDER_MAIL_WARNING,
  SENDER_ADDRESS_CONTEXT,
} from '../../infra/casewatch-stack.ts';
import {
  INBOUND_PREFIX,
  INBOUND_RETENTION_DAYS,
  QUARANTINE_PREFIX,
  QUARANTINE_RETENTION_DAYS,
  RECEIPT_RULE_NAME,
  SEND_ACTIONS,
  SENT_MAIL_LEDGER_KEYS,
} from '../../infra/constructs/mail.ts';
import {
  expectAlarmedDeadLetterQueue,
  PLACEHOLDER_MAIL_FINDING,
  type SynthesizedCasewatch,
  synthCasewatch,
  synthCasewatchWith,
} from './support/casewatch-template.ts';
import {
  arnJoin,
  asList,
  ESCALATION_ANSWERED,
  getAtt,
  type Json,
  PRIVATE_BUCKET_PROPERTIES,
  type Statement,
} from './support/template-queries.ts';
import { suppressions, unsuppressedFindings } from './support/validation-report.ts';

const objectsUnder = (bucket: string, prefix: string) => ({
  'Fn::Join': ['', [getAtt(bucket), `/${prefix}*`]],
});
/** The receipt rule's ARN, as SES presents it in `aws:SourceArn`. */
const ruleArn = (ruleSet: string) =>
  arnJoin('ses', 'receipt-rule-set/', { Ref: ruleSet }, `:receipt-rule/${RECEIPT_RULE_NAME}`);

let app: SynthesizedCasewatch;
let ids: {
  table: string;
  bucket: string;
  logsBucket: string;
  attachments: string;
  ruleSet: string;
  rule: string;
  fn: string;
  role: string;
  dlq: string;
  secret: string;
  userPool: string;
  configurationSet: string;
  streamFn: string;
  streamRole: string;
};

beforeAll(() => {
  app = synthCasewatch();
  const { mail, store, attachments, identity, reactions } = app.stack;
  ids = {
    table: app.logicalId(store.table),
    bucket: app.logicalId(mail.inboundBucket),
    logsBucket: app.logicalId(attachments.accessLogsBucket),
    attachments: app.logicalId(attachments.bucket),
    ruleSet: app.logicalId(mail.ruleSet),
    rule: app.logicalId(mail.receiptRule),
    fn: app.logicalId(mail.inboundFunction),
    role: app.roleId(mail.inboundFunction),
    dlq: app.logicalId(mail.deadLetterQueue),
    secret: app.logicalId(identity.signingSecret),
    userPool: app.logicalId(identity.userPool),
    configurationSet: app.logicalId(mail.configurationSet),
    streamFn: app.logicalId(reactions.streamFunction),
    streamRole: app.roleId(reactions.streamFunction),
  };
});
afterAll(() => app.cleanup());

const row = (action: string, r: unknown) => `${action} ${JSON.stringify(r)}`;
/** The one delete: giving back a sent-mail ledger lease (partition keys `MAIL#…` only). */
const LEDGER_RELEASE = (table: string) => ({
  action: 'dynamodb:DeleteItem',
  resource: JSON.stringify(getAtt(table)),
  condition: JSON.stringify({
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [SENT_MAIL_LEDGER_KEYS] },
  }),
});

function bucketStatements(bucket: string): Statement[] {
  const policies = app
    .resourcesOf('AWS::S3::BucketPolicy')
    .filter((p) => JSON.stringify(p.props.Bucket) === JSON.stringify({ Ref: bucket }));
  expect(policies, bucket).toHaveLength(1);
  const document = policies[0]?.props.PolicyDocument as { Statement: Statement[] } | undefined;
  return document?.Statement ?? [];
}

describe('the receipt rule set', () => {
  it('holds one rule for the mail domain: scan on, TLS required, store the raw mail, then invoke the function', () => {
    app.template.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
    app.template.resourceCountIs('AWS::SES::ReceiptRule', 1);
    expect(app.resource(ids.rule).Properties).toEqual({
      RuleSetName: { Ref: ids.ruleSet },
      Rule: {
        Name: RECEIPT_RULE_NAME,
        Enabled: true,
        Recipients: [DEFAULT_MAIL_DOMAIN],
        ScanEnabled: true,
        TlsPolicy: 'Require',
        Actions: [
          { S3Action: { BucketName: { Ref: ids.bucket }, ObjectKeyPrefix: INBOUND_PREFIX } },
          { LambdaAction: { FunctionArn: getAtt(ids.fn), InvocationType: 'Event' } },
        ],
      },
    });
  });

  it('is created only once SES may write to the bucket and invoke the function', () => {
    const [permission] = app
      .resourcesOf('AWS::Lambda::Permission')
      .filter((p) => JSON.stringify(p.props.FunctionName) === JSON.stringify(getAtt(ids.fn)))
      .map((p) => p.id);
    const [policy] = app
      .resourcesOf('AWS::S3::BucketPolicy')
      .filter((p) => JSON.stringify(p.props.Bucket) === JSON.stringify({ Ref: ids.bucket }))
      .map((p) => p.id);
    expect(app.resource(ids.rule).DependsOn).toEqual(expect.arrayContaining([permission, policy]));
  });

  it('lets SES invoke the function for this account and this rule only', () => {
    const permissions = app
      .resourcesOf('AWS::Lambda::Permission')
      .filter((p) => JSON.stringify(p.props.FunctionName) === JSON.stringify(getAtt(ids.fn)));
    expect(permissions.map((p) => p.props)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: getAtt(ids.fn),
        Principal: 'ses.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: ruleArn(ids.ruleSet),
      },
    ]);
  });
});

describe('the inbound bucket', () => {
  it('is private, SSE-S3 encrypted, owner-enforced, access-logged and retained', () => {
    expect(app.resource(ids.bucket)).toMatchObject({
      Type: 'AWS::S3::Bucket',
      DeletionPolicy: 'Retain',
      Properties: {
        ...PRIVATE_BUCKET_PROPERTIES,
        LoggingConfiguration: { DestinationBucketName: { Ref: ids.logsBucket } },
      },
    });
  });

  it('expires raw mail after 30 days and quarantined mail after 90', () => {
    const rules = (app.resource(ids.bucket).Properties.LifecycleConfiguration as { Rules: Json[] }).Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Prefix: INBOUND_PREFIX,
          ExpirationInDays: INBOUND_RETENTION_DAYS,
          Status: 'Enabled',
        }),
        expect.objectContaining({
          Prefix: QUARANTINE_PREFIX,
          ExpirationInDays: QUARANTINE_RETENTION_DAYS,
          Status: 'Enabled',
        }),
      ]),
    );
    expect([INBOUND_RETENTION_DAYS, QUARANTINE_RETENTION_DAYS]).toEqual([30, 90]);
  });

  it('refuses plain HTTP', () => {
    expect(bucketStatements(ids.bucket)).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('lets only SES write, only under inbound/, only for this account and this receipt rule', () => {
    const allows = bucketStatements(ids.bucket).filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'ses.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: objectsUnder(ids.bucket, INBOUND_PREFIX),
        Condition: {
          StringEquals: {
            'aws:SourceAccount': { Ref: 'AWS::AccountId' },
            'aws:SourceArn': ruleArn(ids.ruleSet),
          },
        },
      },
    ]);
  });
});

describe('the inbound function', () => {
  it('is told where mail, quarantine, attachments, cases, the key and the user pool are, its own address and the leads', () => {
    expect(app.envOf(ids.fn)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'casewatch',
      TABLE_NAME: { Ref: ids.table },
      INBOUND_BUCKET: { Ref: ids.bucket },
      INBOUND_PREFIX: 'inbound/',
      QUARANTINE_PREFIX: 'quarantine/',
      ATTACHMENTS_BUCKET: { Ref: ids.attachments },
      MAIL_DOMAIN: DEFAULT_MAIL_DOMAIN,
      SENDER_ADDRESS: DEFAULT_SENDER_ADDRESS,
      LEADS_EMAIL: '',
      CASEWATCH_SECRET_ARN: { Ref: ids.secret },
      USER_POOL_ID: { Ref: ids.userPool },
    });
  });

  it('parks failed asynchronous invocations in its own encrypted dead-letter queue, which alarms', () => {
    expectAlarmedDeadLetterQueue(app, ids.fn, ids.dlq, app.stack.mail.alarms);
  });

  it('is allowed exactly what it calls, each on its own resource', () => {
    const grants = app.grantsOf(ids.role).filter((g) => !/^(logs|xray):/.test(g.action));
    expect(grants.filter((g) => g.condition !== undefined)).toEqual([
      ESCALATION_ANSWERED(ids.table),
      LEDGER_RELEASE(ids.table),
    ]);
    const unconditional = grants.filter((g) => g.condition === undefined);
    expect(unconditional.map((g) => `${g.action} ${g.resource}`).sort()).toEqual(
      [
        ...['GetItem', 'PutItem', 'UpdateItem', 'Query'].map((a) => row(`dynamodb:${a}`, getAtt(ids.table))),
        row('s3:GetObject', objectsUnder(ids.bucket, INBOUND_PREFIX)),
        row('s3:PutObject', objectsUnder(ids.bucket, QUARANTINE_PREFIX)),
        row('s3:PutObject', objectsUnder(ids.attachments, 'cases/')),
        row('secretsmanager:GetSecretValue', { Ref: ids.secret }),
        row('cognito-idp:ListUsers', getAtt(ids.userPool)),
        row('sqs:SendMessage', getAtt(ids.dlq)),
      ].sort(),
    );
  });

  it('has no wildcard action, no Scan, deletes only ledger items and answered escalations, and nothing on a whole bucket', () => {
    const grants = app.grantsOf(ids.role);
    expect(grants.filter((g) => g.action.includes('*'))).toEqual([]);
    expect(grants.filter((g) => /scan|partiql/i.test(g.action))).toEqual([]);
    expect(grants.filter((g) => /delete/i.test(g.action))).toEqual([
      ESCALATION_ANSWERED(ids.table),
      LEDGER_RELEASE(ids.table),
    ]);
    expect(grants.filter((g) => g.action.startsWith('s3:') && !g.resource.includes('/'))).toEqual([]);
  });
});

describe('outbound mail', () => {
  it('has a domain identity for the mail domain and one for the sender domain, both sending through the configuration set', () => {
    const identities = app.resourcesOf('AWS::SES::EmailIdentity').map((i) => i.props);
    expect(identities).toHaveLength(2);
    expect(identities).toEqual(
      expect.arrayContaining(
        [DEFAULT_MAIL_DOMAIN, DEFAULT_SENDER_ADDRESS.split('@')[1]].map((domain) =>
          expect.objectContaining({
            EmailIdentity: domain,
            ConfigurationSetAttributes: { ConfigurationSetName: { Ref: ids.configurationSet } },
          }),
        ),
      ),
    );
  });

  it('has a configuration set with reputation metrics that suppresses bounces and complaints', () => {
    app.template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    expect(app.resource(ids.configurationSet).Properties).toMatchObject({
      ReputationOptions: { ReputationMetricsEnabled: true },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
  });

  it('tells the stream function the mail domain, configuration set, signing key and survey URL', () => {
    expect(app.envOf(ids.streamFn)).toMatchObject({
      MAIL_DOMAIN: DEFAULT_MAIL_DOMAIN,
      SES_CONFIGURATION_SET: { Ref: ids.configurationSet },
      CASEWATCH_SECRET_ARN: { Ref: ids.secret },
      PORTAL_URL: app.stack.resolve(app.stack.portal.url),
      SENDER_ADDRESS: DEFAULT_SENDER_ADDRESS,
    });
  });

  it('lets the stream function give back sent-mail ledger leases, and delete nothing else in the table', () => {
    const deletes = app.grantsOf(ids.streamRole).filter((g) => /^dynamodb:.*delete/i.test(g.action));
    expect(deletes).toEqual([LEDGER_RELEASE(ids.table)]);
    expect(SENT_MAIL_LEDGER_KEYS).toBe('MAIL#*');
  });

  it('lets the stream function send only as the sender, only through named identities and the configuration set', () => {
    const ses = app.grantsOf(ids.streamRole).filter((g) => g.action.startsWith('ses:'));
    expect([...new Set(ses.map((g) => g.action))].sort()).toEqual([...SEND_ACTIONS].sort());
    for (const g of ses) {
      expect(g.resource).not.toContain('*');
      expect(g.condition).toBe(
        JSON.stringify({ StringEquals: { 'ses:FromAddress': DEFAULT_SENDER_ADDRESS } }),
      );
    }
    expect(
      ses.some(
        (g) => g.resource.includes(':configuration-set/') && g.resource.includes(ids.configurationSet),
      ),
    ).toBe(true);
    // Only the stream function sends mail, and the webhook sender (the leads' notice of a paused webhook).
    const senders = app
      .resourcesOf('AWS::IAM::Policy')
      .filter((p) =>
        (p.props.PolicyDocument as { Statement: Statement[] }).Statement.some((s) =>
          asList(s.Action).some((a) => a.startsWith('ses:')),
        ),
      );
    expect(
      senders
        .flatMap((p) => p.props.Roles as unknown[])
        .map((r) => JSON.stringify(r))
        .sort(),
    ).toEqual(
      [ids.streamRole, app.roleId(app.stack.integrations.senderFunction)]
        .map((id) => JSON.stringify({ Ref: id }))
        .sort(),
    );
  });

  it('outputs the rule set name with the manual activation step, and the configuration set name', () => {
    const outputs = Object.values(app.template.toJSON().Outputs as Record<string, Json>);
    expect(outputs).toContainEqual(
      expect.objectContaining({
        Value: { Ref: ids.ruleSet },
        Description: expect.stringContaining('set-active-receipt-rule-set'),
      }),
    );
    expect(outputs).toContainEqual(expect.objectContaining({ Value: { Ref: ids.configurationSet } }));
  });
});

describe('cdk-nag', () => {
  it('leaves no unsuppressed finding but the placeholder warning, and acknowledges only the reviewed mail findings', () => {
    expect(unsuppressedFindings(app.report)).toEqual([PLACEHOLDER_MAIL_FINDING]);
    const { mail, attachments } = app.stack;
    const inbound = app.logicalId(mail.inboundBucket);
    const fnPath = mail.inboundFunction.node.path;
    expect(
      suppressions(app.report)
        .filter((s) => s.acknowledgedAt.startsWith(`${STACK_NAME}/Mail/`))
        .map((s) => `${s.ruleName} @ ${s.acknowledgedAt}`)
        .sort(),
    ).toEqual(
      [
        `AwsSolutions-IAM5[Resource::*] @ ${fnPath}Role/XRayWrite`,
        `AwsSolutions-L1 @ ${fnPath}`,
        `Serverless-LambdaLatestVersion @ ${fnPath}`,
        `AwsSolutions-IAM5[Resource::<${inbound}.Arn>/inbound/*] @ ${fnPath}Role/MailObjects`,
        `AwsSolutions-IAM5[Resource::<${inbound}.Arn>/quarantine/*] @ ${fnPath}Role/MailObjects`,
        `AwsSolutions-IAM5[Resource::<${app.logicalId(attachments.bucket)}.Arn>/cases/*] @ ${fnPath}Role/MailObjects`,
        `Serverless-SQSRedrivePolicy @ ${STACK_NAME}/Mail/InboundDeadLetterQueue`,
      ].sort(),
    );
  });
});

describe('mail domain and sender from context', () => {
  it('receives for the configured domain and tells both functions', () => {
    const custom = synthCasewatchWith({ [MAIL_DOMAIN_CONTEXT]: ' Support.Shop.TEST ' });
    // The sender is still the placeholder.
    expect(unsuppressedFindings(custom.report)).toEqual([PLACEHOLDER_MAIL_FINDING]);
    const rule = custom.resource(custom.logicalId(custom.stack.mail.receiptRule)).Properties.Rule as Json;
    expect(rule.Recipients).toEqual(['support.shop.test']);
    for (const fn of [custom.stack.mail.inboundFunction, custom.stack.reactions.streamFunction]) {
      expect(custom.envOf(custom.logicalId(fn)).MAIL_DOMAIN, fn.node.path).toBe('support.shop.test');
    }
    custom.template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'support.shop.test' });
  });

  it('creates one identity when the sender is at the mail domain', () => {
    const custom = synthCasewatchWith({
      [MAIL_DOMAIN_CONTEXT]: 'support.shop.test',
      [SENDER_ADDRESS_CONTEXT]: 'help@support.shop.test',
    });
    expect(unsuppressedFindings(custom.report)).toEqual([]);
    expect(Object.values(custom.template.findResources('AWS::SES::EmailIdentity'))).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({ EmailIdentity: 'support.shop.test' }),
      }),
    ]);
  });

  it('refuses a mail domain that is not a domain name', () => {
    for (const bad of ['support@shop.test', 'https://shop.test', 'shop', '-bad.shop.test']) {
      expect(() => buildApp({ context: { [MAIL_DOMAIN_CONTEXT]: bad } }), bad).toThrow(
        /must be a domain name/,
      );
    }
  });
});

describe('placeholder mail settings', () => {
  /** The stack's warnings, read off its metadata: no synth (nor bundling) needed. */
  const warningsOf = (context: Record<string, unknown>) =>
    buildApp({ context: { 'aws:cdk:bundling-stacks': [], ...context } })
      .stack.node.metadata.filter((m) => m.type === 'aws:cdk:warning')
      .map((m) => String(m.data));
  const configured = {
    [SENDER_ADDRESS_CONTEXT]: 'help@support.shop.test',
    [MAIL_DOMAIN_CONTEXT]: 'support.shop.test',
  };

  it(`warn, naming both context keys, unless ${ENVIRONMENT_CONTEXT} is production`, () => {
    const reported = app.report.pluginReports
      .flatMap((p) => p.violations)
      .filter((v) => v.ruleName === `Annotation::${PLACEHOLDER_MAIL_WARNING}`);
    expect(reported.map((v) => v.severity)).toEqual(['warning']);
    expect(reported[0]?.description).toContain(SENDER_ADDRESS_CONTEXT);
    expect(reported[0]?.description).toContain(MAIL_DOMAIN_CONTEXT);
    expect(reported[0]?.description).toContain(DEFAULT_SENDER_ADDRESS);
    expect(reported[0]?.description).toContain(DEFAULT_MAIL_DOMAIN);
    for (const environment of ['staging', 'dev', '']) {
      expect(warningsOf({ [ENVIRONMENT_CONTEXT]: environment }), environment).toEqual([
        expect.stringMatching(
          /casewatch:senderAddress .* and casewatch:mailDomain .* are still placeholders/,
        ),
      ]);
    }
    // Only the key still a placeholder is named as such.
    expect(warningsOf({ [SENDER_ADDRESS_CONTEXT]: configured[SENDER_ADDRESS_CONTEXT] })).toEqual([
      expect.stringMatching(/^casewatch:mailDomain \(inbound\.example\.com\) is still a placeholder/),
    ]);
  });

  it('refuse to synthesize in production', () => {
    for (const environment of ['production', ' Production ']) {
      expect(() => warningsOf({ [ENVIRONMENT_CONTEXT]: environment }), environment).toThrow(
        /casewatch:environment is production but casewatch:senderAddress .* and casewatch:mailDomain .* are still placeholders/,
      );
    }
    expect(() =>
      warningsOf({ [ENVIRONMENT_CONTEXT]: 'production', [MAIL_DOMAIN_CONTEXT]: 'support.shop.test' }),
    ).toThrow(/casewatch:senderAddress \(casewatch@example\.com\) is still a placeholder/);
    // Set explicitly to the placeholder is still the placeholder.
    expect(() =>
      warningsOf({
        [ENVIRONMENT_CONTEXT]: 'production',
        [SENDER_ADDRESS_CONTEXT]: configured[SENDER_ADDRESS_CONTEXT],
        [MAIL_DOMAIN_CONTEXT]: DEFAULT_MAIL_DOMAIN,
      }),
    ).toThrow(/casewatch:mailDomain \(inbound\.example\.com\) is still a placeholder/);
  });

  it('neither warn nor refuse once both are set, in production or not', () => {
    expect(warningsOf({ ...configured, [ENVIRONMENT_CONTEXT]: 'production' })).toEqual([]);
    expect(warningsOf(configured)).toEqual([]);
  });
});
