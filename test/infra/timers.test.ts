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
import { SCHEDULE_ACTIONS } from '../../infra/constructs/timers.ts';
import {
  type SynthesizedCasewatch,
  synthCasewatch,
  synthCasewatchWith,
} from './support/casewatch-template.ts';
import { arnJoin, asList, getAtt, type Json, type Statement } from './support/template-queries.ts';
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
  timerFn: string;
  timerRole: string;
};
let groupName: string;
let mail: { secret: string; configurationSet: string; senderIdentity: string };

beforeAll(() => {
  app = synthCasewatch();
  const { timers, store } = app.stack;
  ids = {
    table: app.logicalId(store.table),
    group: app.logicalId(timers.scheduleGroup),
    queue: app.logicalId(timers.queue),
    dlq: app.logicalId(timers.deadLetterQueue),
    failures: app.logicalId(timers.streamFailureQueue),
    schedulerRole: app.logicalId(timers.schedulerRole),
    streamFn: app.logicalId(timers.streamFunction),
    streamRole: app.roleId(timers.streamFunction),
    timerFn: app.logicalId(timers.timerFunction),
    timerRole: app.roleId(timers.timerFunction),
  };
  groupName = timers.scheduleGroup.scheduleGroupName;
  mail = {
    secret: app.logicalId(app.stack.identity.signingSecret),
    configurationSet: app.logicalId(app.stack.mail.configurationSet),
    senderIdentity: app.logicalId(app.stack.mail.senderIdentity),
  };
});
afterAll(() => app.cleanup());

const grantsFor = (role: string, prefix: string) =>
  app.grantsOf(role).filter((g) => g.action.startsWith(prefix));
const servicesOf = (role: string) =>
  [...new Set(app.grantsOf(role).map((g) => g.action.split(':')[0]))].sort();

function mappingOf(fn: string): Json {
  const mappings = app
    .resourcesOf('AWS::Lambda::EventSourceMapping')
    .filter((m) => JSON.stringify(m.props.FunctionName) === JSON.stringify({ Ref: fn }));
  expect(mappings, fn).toHaveLength(1);
  return mappings[0]?.props ?? {};
}

describe('the schedule group', () => {
  it('is a dedicated group, named as the reconciler is told, deleted with the stack', () => {
    app.template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    expect(app.resource(ids.group)).toMatchObject({
      Type: 'AWS::Scheduler::ScheduleGroup',
      Properties: { Name: groupName },
      DeletionPolicy: 'Delete',
    });
    expect(groupName).not.toBe('default');
  });
});

describe('the timer queue and its dead-letter queue', () => {
  it('are encrypted with SQS-managed keys', () => {
    for (const id of [ids.queue, ids.dlq, ids.failures]) {
      expect(app.resource(id).Properties, id).toMatchObject({ SqsManagedSseEnabled: true });
      expect(app.resource(id).Properties.KmsMasterKeyId, id).toBeUndefined();
    }
  });

  it('refuse plain HTTP', () => {
    for (const id of [ids.queue, ids.dlq, ids.failures]) {
      const policies = app
        .resourcesOf('AWS::SQS::QueuePolicy')
        .filter((p) =>
          (p.props.Queues as unknown[]).some((q) => JSON.stringify(q) === JSON.stringify({ Ref: id })),
        );
      expect(policies, id).toHaveLength(1);
      const statements = (policies[0]?.props.PolicyDocument as { Statement: Statement[] } | undefined)
        ?.Statement;
      expect(statements, id).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('parks a timer after five failed receives, keeping it 14 days', () => {
    expect(app.resource(ids.queue).Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: getAtt(ids.dlq),
      maxReceiveCount: 5,
    });
    expect(app.resource(ids.dlq).Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600 });
    expect(app.resource(ids.dlq).Properties.RedrivePolicy).toBeUndefined();
  });

  it('hides a message for at least six times the timer function timeout', () => {
    const timeout = app.resource(ids.timerFn).Properties.Timeout as number;
    expect(app.resource(ids.queue).Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
  });
});

describe('alarms', () => {
  const alarmOn = (metricName: string, dimension: { Name: string; Value: unknown }) =>
    app
      .resourcesOf('AWS::CloudWatch::Alarm')
      .filter(
        (a) =>
          a.props.MetricName === metricName &&
          JSON.stringify(a.props.Dimensions) === JSON.stringify([dimension]),
      );

  it.each([
    ['the timer dead-letter queue', () => ids.dlq],
    ['the stream failure queue', () => ids.failures],
  ])('goes off as soon as %s holds a message', (_name, id) => {
    const [alarm, ...others] = alarmOn('ApproximateNumberOfMessagesVisible', {
      Name: 'QueueName',
      Value: getAtt(id(), 'QueueName'),
    });
    expect(others).toEqual([]);
    expect(alarm?.props).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('goes off when Scheduler can neither deliver a timer nor dead-letter it', () => {
    const [alarm] = alarmOn('InvocationsFailedToBeSentToDeadLetterCount', {
      Name: 'ScheduleGroup',
      Value: groupName,
    });
    expect(alarm?.props).toMatchObject({
      Namespace: 'AWS/Scheduler',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });

  it('exposes every alarm it raises, and the stack has each one notify someone', () => {
    const raised = app.stack.timers.node
      .findAll()
      .filter((c) => c instanceof Alarm)
      .map((a) => app.logicalId(a));
    expect(raised.sort()).toEqual(app.stack.timers.alarms.map((a) => app.logicalId(a)).sort());
    for (const id of raised)
      expect(app.resource(id).Properties.AlarmActions, id).toEqual([expect.anything()]);
  });
});

describe('the scheduler role', () => {
  it('is assumable only by EventBridge Scheduler, for schedules of this account and this group', () => {
    expect(app.resource(ids.schedulerRole).Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              'aws:SourceArn': getAtt(ids.group),
            },
          },
        },
      ],
    });
  });

  it('may only send messages to the timer queue and its dead-letter queue', () => {
    expect(app.grantsOf(ids.schedulerRole).sort((a, b) => a.resource.localeCompare(b.resource))).toEqual(
      [
        { action: 'sqs:SendMessage', resource: JSON.stringify(getAtt(ids.queue)) },
        { action: 'sqs:SendMessage', resource: JSON.stringify(getAtt(ids.dlq)) },
      ].sort((a, b) => a.resource.localeCompare(b.resource)),
    );
  });
});

describe('the stream reaction', () => {
  it('reads the table stream from the oldest record, with partial batch responses and bisection', () => {
    expect(mappingOf(ids.streamFn)).toMatchObject({
      EventSourceArn: getAtt(ids.table, 'StreamArn'),
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('gives up on a record after bounded retries and age, sending it to the stream failure queue', () => {
    const mapping = mappingOf(ids.streamFn);
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

  it('is told the queue, dead-letter queue, group, role, table and sender it works with', () => {
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
      SURVEY_BASE_URL: app.stack.resolve(`${app.stack.api.url}surveys/`),
    });
  });

  it('manages schedules only in the timer group, and passes only the scheduler role, only to Scheduler', () => {
    const scheduleArn = JSON.stringify(arnJoin('scheduler', `schedule/${groupName}/*`));
    const scheduler = grantsFor(ids.streamRole, 'scheduler:');
    expect(scheduler.map((g) => g.action).sort()).toEqual([...SCHEDULE_ACTIONS].sort());
    for (const g of scheduler) expect(g).toEqual({ action: g.action, resource: scheduleArn });

    expect(grantsFor(ids.streamRole, 'iam:')).toEqual([
      {
        action: 'iam:PassRole',
        resource: JSON.stringify(getAtt(ids.schedulerRole)),
        condition: JSON.stringify({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } }),
      },
    ]);
  });

  it('reads cases, records the mail it sends, and reads the stream; nothing else in DynamoDB', () => {
    const dynamo = grantsFor(ids.streamRole, 'dynamodb:');
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
      grantsFor(ids.streamRole, 'sqs:')
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
    expect(grantsFor(ids.streamRole, 'ses:').sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      SEND_ACTIONS.flatMap((action) =>
        resources.map((r) => ({ action, resource: JSON.stringify(r), condition })),
      ).sort((a, b) => key(a).localeCompare(key(b))),
    );
    expect([...SEND_ACTIONS].sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
  });

  it('reads the signing secret (reply addresses, survey links) with GetSecretValue only', () => {
    expect(grantsFor(ids.streamRole, 'secretsmanager:')).toEqual([
      { action: 'secretsmanager:GetSecretValue', resource: JSON.stringify({ Ref: mail.secret }) },
    ]);
  });

  it('uses no other service', () => {
    expect(servicesOf(ids.streamRole)).toEqual([
      'dynamodb',
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

describe('the timer function', () => {
  it('consumes the timer queue in batches with partial batch responses, bounded concurrency', () => {
    const mapping = mappingOf(ids.timerFn);
    expect(mapping).toMatchObject({
      EventSourceArn: getAtt(ids.queue),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: expect.any(Number) },
    });
    expect(mapping.BatchSize).toBeLessThanOrEqual(10);
    expect(mapping.MaximumBatchingWindowInSeconds ?? 0).toBe(0);
  });

  it('reads and writes cases with GetItem, PutItem and the backlog counter UpdateItem only', () => {
    const dynamo = grantsFor(ids.timerRole, 'dynamodb:');
    expect(dynamo.length).toBeGreaterThan(0);
    for (const g of dynamo) {
      expect(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']).toContain(g.action);
      expect(g.resource).toBe(JSON.stringify(getAtt(ids.table)));
      expect(g.condition).toBeUndefined();
    }
  });

  it('touches only the timer queue in SQS, to consume it', () => {
    for (const g of grantsFor(ids.timerRole, 'sqs:')) {
      expect(g.resource).toBe(JSON.stringify(getAtt(ids.queue)));
      expect(g.action).not.toBe('sqs:SendMessage');
    }
    expect(servicesOf(ids.timerRole)).toEqual(['dynamodb', 'logs', 'sqs', 'xray']);
  });

  it('is told only the table', () => {
    expect(app.envOf(ids.timerFn)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'casewatch',
      TABLE_NAME: { Ref: ids.table },
    });
  });
});

describe('the whole stack', () => {
  it('grants no Scan (nor PartiQL) and no wildcard action anywhere', () => {
    const actions = app.allStatements().flatMap((s) => asList(s.Action));
    expect(actions.filter((a) => /scan|partiql/i.test(a))).toEqual([]);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });
});

describe('sender and leads from context', () => {
  it('sends as the configured address and tells the leads', () => {
    const custom = synthCasewatchWith({
      [SENDER_ADDRESS_CONTEXT]: 'support@mail.shop.test',
      [LEADS_EMAIL_CONTEXT]: ' lead1@shop.test, lead2@shop.test ',
    });
    expect(unsuppressedFindings(custom.report)).toEqual([]);
    expect(custom.envOf(custom.logicalId(custom.stack.timers.streamFunction))).toMatchObject({
      SENDER_ADDRESS: 'support@mail.shop.test',
      LEADS_EMAIL: 'lead1@shop.test,lead2@shop.test',
    });
    const ses = custom
      .resourcesOf('AWS::IAM::Policy')
      .flatMap((p) => (p.props.PolicyDocument as { Statement: Statement[] }).Statement)
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
        Action: [...SEND_ACTIONS],
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
