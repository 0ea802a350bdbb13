import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import {
  DEFAULT_MAIL_DOMAIN,
  DEFAULT_SENDER_ADDRESS,
  LEADS_EMAIL_CONTEXT,
  SENDER_ADDRESS_CONTEXT,
} from '../../infra/casewatch-stack.ts';
import { SEND_ACTIONS } from '../../infra/constructs/mail.ts';
import { SCHEDULE_ACTIONS } from '../../infra/constructs/reactions.ts';
import {
  PLACEHOLDER_MAIL_FINDING,
  type SynthesizedCasewatch,
  synthCasewatch,
  synthCasewatchWith,
} from './support/casewatch-template.ts';
import { arnJoin, asList, getAtt, type Statement } from './support/template-queries.ts';
import { unsuppressedFindings } from './support/validation-report.ts';

let app: SynthesizedCasewatch;
let ids: {
  table: string;
  group: string;
  queue: string;
  dlq: string;
  failures: string;
  schedulerRole: string;
  streamFn: string;
  streamRole: string;
  bus: string;
};
let groupName: string;
let mail: { secret: string; configurationSet: string; senderIdentity: string };

beforeAll(() => {
  app = synthCasewatch();
  const { timers, reactions, store, integrations } = app.stack;
  ids = {
    table: app.logicalId(store.table),
    group: app.logicalId(timers.scheduleGroup),
    queue: app.logicalId(timers.queue),
    dlq: app.logicalId(timers.deadLetterQueue),
    failures: app.logicalId(reactions.streamFailureQueue),
    schedulerRole: app.logicalId(timers.schedulerRole),
    streamFn: app.logicalId(reactions.streamFunction),
    streamRole: app.roleId(reactions.streamFunction),
    bus: app.logicalId(integrations.eventBus),
  };
  groupName = timers.scheduleGroup.scheduleGroupName;
  mail = {
    secret: app.logicalId(app.stack.identity.signingSecret),
    configurationSet: app.logicalId(app.stack.mail.configurationSet),
    senderIdentity: app.logicalId(app.stack.mail.senderIdentity),
  };
});
afterAll(() => app.cleanup());

describe('the stream failure queue', () => {
  it('is encrypted with an SQS-managed key and refuses plain HTTP', () => {
    expect(app.resource(ids.failures).Properties).toMatchObject({ SqsManagedSseEnabled: true });
    expect(app.resource(ids.failures).Properties.KmsMasterKeyId).toBeUndefined();
    const policies = app
      .resourcesOf('AWS::SQS::QueuePolicy')
      .filter((p) =>
        (p.props.Queues as unknown[]).some(
          (q) => JSON.stringify(q) === JSON.stringify({ Ref: ids.failures }),
        ),
      );
    expect(policies).toHaveLength(1);
    expect(
      (policies[0]?.props.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement,
    ).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 'sqs:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('keeps what it is given 14 days and is the end of the line', () => {
    expect(app.resource(ids.failures).Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600 });
    expect(app.resource(ids.failures).Properties.RedrivePolicy).toBeUndefined();
  });

  it('raises an alarm as soon as it holds a message', () => {
    const alarms = app.queueDepthAlarms(ids.failures);
    // Its own, and none from the observability construct (which only alarms on queues nobody else does).
    expect(alarms.map((a) => a.id)).toEqual([app.logicalId(app.stack.reactions.alarms[0] as Alarm)]);
    expect(alarms[0]?.props).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('is the only alarm the construct raises, exposed, and the stack has it notify someone', () => {
    const raised = app.stack.reactions.node
      .findAll()
      .filter((c) => c instanceof Alarm)
      .map((a) => app.logicalId(a));
    expect(raised.sort()).toEqual(app.stack.reactions.alarms.map((a) => app.logicalId(a)).sort());
    expect(raised).toHaveLength(1);
    for (const id of raised) {
      expect(app.resource(id).Properties.AlarmActions, id).toEqual([expect.anything()]);
    }
  });
});

describe('the stream function', () => {
  it('reads the table stream from the oldest record, with partial batch responses and bisection', () => {
    expect(app.mappingOf(ids.streamFn)).toMatchObject({
      EventSourceArn: getAtt(ids.table, 'StreamArn'),
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('gives up on a record after bounded retries and age, sending it to the stream failure queue', () => {
    const mapping = app.mappingOf(ids.streamFn);
    expect(mapping.MaximumRetryAttempts).toBeGreaterThanOrEqual(1);
    expect(mapping.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    // Bounded, and short of the stream's 24 h retention so the failed range can still be replayed.
    expect(mapping.MaximumRecordAgeInSeconds).toBeGreaterThan(0);
    expect(mapping.MaximumRecordAgeInSeconds).toBeLessThanOrEqual(12 * 3600);
    expect(mapping.DestinationConfig).toEqual({ OnFailure: { Destination: getAtt(ids.failures) } });
  });

  it('starts only once the schedule group exists', () => {
    const [id] = app
      .resourcesOf('AWS::Lambda::EventSourceMapping')
      .filter((m) => JSON.stringify(m.props.FunctionName) === JSON.stringify({ Ref: ids.streamFn }))
      .map((m) => m.id);
    expect(app.resource(id ?? '').DependsOn).toContain(ids.group);
  });

  it('is told the queue, dead-letter queue, group, role, table, sender and event bus it works with', () => {
    expect(app.envOf(ids.streamFn)).toMatchObject({
      TABLE_NAME: { Ref: ids.table },
      TIMER_QUEUE_URL: { Ref: ids.queue },
      TIMER_QUEUE_ARN: getAtt(ids.queue),
      TIMER_DLQ_ARN: getAtt(ids.dlq),
      SCHEDULE_GROUP: app.resource(ids.group).Properties.Name,
      SCHEDULER_ROLE_ARN: getAtt(ids.schedulerRole),
      SENDER_ADDRESS: DEFAULT_SENDER_ADDRESS,
      LEADS_EMAIL: '',
      MAIL_DOMAIN: DEFAULT_MAIL_DOMAIN,
      SES_CONFIGURATION_SET: { Ref: mail.configurationSet },
      CASEWATCH_SECRET_ARN: { Ref: mail.secret },
      PORTAL_URL: app.stack.resolve(app.stack.portal.url),
      EVENT_BUS_NAME: { Ref: ids.bus },
    });
  });

  it('publishes timeline events with PutEvents, on the case event bus only', () => {
    expect(app.grantsOf(ids.streamRole, 'events:')).toEqual([
      { action: 'events:PutEvents', resource: JSON.stringify(getAtt(ids.bus)) },
    ]);
  });

  it('manages schedules only in the timer group, and passes only the scheduler role, only to Scheduler', () => {
    const scheduleArn = JSON.stringify(arnJoin('scheduler', `schedule/${groupName}/*`));
    const scheduler = app.grantsOf(ids.streamRole, 'scheduler:');
    expect(scheduler.map((g) => g.action).sort()).toEqual([...SCHEDULE_ACTIONS].sort());
    for (const g of scheduler) expect(g).toEqual({ action: g.action, resource: scheduleArn });

    expect(app.grantsOf(ids.streamRole, 'iam:')).toEqual([
      {
        action: 'iam:PassRole',
        resource: JSON.stringify(getAtt(ids.schedulerRole)),
        condition: JSON.stringify({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } }),
      },
    ]);
  });

  it('reads cases, records the mail it sends, and reads the stream; nothing else in DynamoDB', () => {
    const dynamo = app.grantsOf(ids.streamRole, 'dynamodb:');
    const on = (r: unknown) =>
      dynamo
        .filter((g) => g.resource === JSON.stringify(r) && g.condition === undefined)
        .map((g) => g.action);
    expect(on(getAtt(ids.table)).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(on(getAtt(ids.table, 'StreamArn')).sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
    ]);
    expect(on('*')).toEqual(['dynamodb:ListStreams']);
    // Plus DeleteItem on sent-mail ledger items only (mail.test.ts).
    expect(dynamo.filter((g) => g.action === 'dynamodb:DeleteItem')).toEqual([
      expect.objectContaining({ condition: expect.stringContaining('dynamodb:LeadingKeys') }),
    ]);
    expect(dynamo).toHaveLength(8);
  });

  it('sends only to the timer queue (timers already due) and the stream failure queue', () => {
    expect(
      app
        .grantsOf(ids.streamRole, 'sqs:')
        .map((g) => `${g.action} ${g.resource}`)
        .sort(),
    ).toEqual(
      [
        `sqs:SendMessage ${JSON.stringify(getAtt(ids.queue))}`,
        `sqs:SendMessage ${JSON.stringify(getAtt(ids.failures))}`,
      ].sort(),
    );
  });

  it('sends mail only from the sender address, through its identities and the configuration set', () => {
    const condition = JSON.stringify({ StringEquals: { 'ses:FromAddress': DEFAULT_SENDER_ADDRESS } });
    const resources = [
      arnJoin('ses', `identity/${DEFAULT_SENDER_ADDRESS}`),
      arnJoin('ses', 'identity/', { Ref: mail.senderIdentity }),
      arnJoin('ses', 'configuration-set/', { Ref: mail.configurationSet }),
    ];
    const key = (g: { action: string; resource: string }) => `${g.action} ${g.resource}`;
    expect(app.grantsOf(ids.streamRole, 'ses:').sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      SEND_ACTIONS.flatMap((action) =>
        resources.map((r) => ({ action, resource: JSON.stringify(r), condition })),
      ).sort((a, b) => key(a).localeCompare(key(b))),
    );
    // SES v1 SendRawEmail (with a configuration set and message tags) is authorized by this one action.
    expect([...SEND_ACTIONS]).toEqual(['ses:SendRawEmail']);
  });

  it('reads the signing secret (reply addresses, survey links) with GetSecretValue only', () => {
    expect(app.grantsOf(ids.streamRole, 'secretsmanager:')).toEqual([
      { action: 'secretsmanager:GetSecretValue', resource: JSON.stringify({ Ref: mail.secret }) },
    ]);
  });

  it('uses no other service', () => {
    expect(app.servicesOf(ids.streamRole)).toEqual([
      'dynamodb',
      'events',
      'iam',
      'logs',
      'scheduler',
      'secretsmanager',
      'ses',
      'sqs',
      'xray',
    ]);
  });
});

describe('sender and leads from context', () => {
  it('sends as the configured address and tells the leads', () => {
    const custom = synthCasewatchWith({
      [SENDER_ADDRESS_CONTEXT]: 'support@mail.shop.test',
      [LEADS_EMAIL_CONTEXT]: ' lead1@shop.test, lead2@shop.test ',
    });
    // The mail domain is still the placeholder.
    expect(unsuppressedFindings(custom.report)).toEqual([PLACEHOLDER_MAIL_FINDING]);
    expect(custom.envOf(custom.logicalId(custom.stack.reactions.streamFunction))).toMatchObject({
      SENDER_ADDRESS: 'support@mail.shop.test',
      LEADS_EMAIL: 'lead1@shop.test,lead2@shop.test',
    });
    // The stream function's (the webhook sender's is the same grant: integrations.test.ts).
    const ses = custom
      .statementsOf(custom.roleId(custom.stack.reactions.streamFunction))
      .filter((st) => asList(st.Action).some((a) => a.startsWith('ses:')));
    const [senderIdentity, ...otherIdentities] = Object.keys(
      custom.template.findResources('AWS::SES::EmailIdentity', {
        Properties: { EmailIdentity: 'mail.shop.test' },
      }),
    );
    expect(otherIdentities).toEqual([]);
    const configurationSet = custom.logicalId(custom.stack.mail.configurationSet);
    expect(ses).toHaveLength(1);
    expect(ses[0]?.Resource).toHaveLength(3);
    expect(ses).toEqual([
      {
        Effect: 'Allow',
        Action: 'ses:SendRawEmail',
        Resource: expect.arrayContaining([
          arnJoin('ses', 'identity/support@mail.shop.test'),
          arnJoin('ses', 'identity/', { Ref: senderIdentity ?? '' }),
          arnJoin('ses', 'configuration-set/', { Ref: configurationSet }),
        ]),
        Condition: { StringEquals: { 'ses:FromAddress': 'support@mail.shop.test' } },
      },
    ]);
  });

  it('refuses a sender that is not a bare address', () => {
    expect(() => buildApp({ context: { [SENDER_ADDRESS_CONTEXT]: 'Support <support@shop.test>' } })).toThrow(
      /bare email address/,
    );
  });
});
