import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_NAME } from '../../infra/app.ts';
import { DEFAULT_MAIL_DOMAIN, DEFAULT_SENDER_ADDRESS } from '../../infra/casewatch-stack.ts';
import {
  SENDER_LOG_ACTIONS,
  SENDER_WEBHOOK_ACTIONS,
  WEBHOOK_EVENT_MAX_AGE,
} from '../../infra/constructs/integrations.ts';
import { SEND_ACTIONS } from '../../infra/constructs/mail.ts';
import { EVENT_SOURCE } from '../../shared/domain/case-events.ts';
import { type SynthesizedCasewatch, synthCasewatch } from './support/casewatch-template.ts';
import { arnJoin, asList, type Grant, getAtt, type Statement } from './support/template-queries.ts';
import { suppressions } from './support/validation-report.ts';

let app: SynthesizedCasewatch;
let ids: {
  bus: string;
  rule: string;
  queue: string;
  dlq: string;
  fn: string;
  role: string;
  table: string;
  secret: string;
  configurationSet: string;
  senderIdentity: string;
  streamRole: string;
};

beforeAll(() => {
  app = synthCasewatch();
  const { integrations, store, identity, mail, reactions } = app.stack;
  ids = {
    bus: app.logicalId(integrations.eventBus),
    rule: app.logicalId(integrations.rule),
    queue: app.logicalId(integrations.queue),
    dlq: app.logicalId(integrations.deadLetterQueue),
    fn: app.logicalId(integrations.senderFunction),
    role: app.roleId(integrations.senderFunction),
    table: app.logicalId(store.table),
    secret: app.logicalId(identity.signingSecret),
    configurationSet: app.logicalId(mail.configurationSet),
    senderIdentity: app.logicalId(mail.senderIdentity),
    streamRole: app.roleId(reactions.streamFunction),
  };
});
afterAll(() => app.cleanup());

/** The statements of a queue's resource policy (the one policy attached to it). */
const queuePolicyOf = (queueId: string): Statement[] => {
  const policies = app
    .resourcesOf('AWS::SQS::QueuePolicy')
    .filter((p) =>
      (p.props.Queues as unknown[]).some((q) => JSON.stringify(q) === JSON.stringify({ Ref: queueId })),
    );
  expect(policies, queueId).toHaveLength(1);
  return (policies[0]?.props.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [];
};
const byKey = (a: Grant, b: Grant) =>
  `${a.action} ${a.resource} ${a.condition}`.localeCompare(`${b.action} ${b.resource} ${b.condition}`);
const leadingKeys = (key: string) =>
  JSON.stringify({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [key] } });

describe('the case event bus (docs/integrations.md#events-out)', () => {
  it("is the stack's own custom bus, named after the stack", () => {
    const buses = app.resourcesOf('AWS::Events::EventBus');
    expect(buses.map((b) => b.id)).toEqual([ids.bus]);
    expect(buses[0]?.props.Name).toBe(`${STACK_NAME}-case-events`);
    // No resource policy: only principals of this account that IAM allows may put events on it.
    expect(app.resourcesOf('AWS::Events::EventBusPolicy')).toEqual([]);
    expect(buses[0]?.props.Policy).toBeUndefined();
  });

  it('takes events from the stream function only, with PutEvents on this bus only', () => {
    const putters = app
      .resourcesOf('AWS::IAM::Role')
      .filter((r) =>
        app.statementsOf(r.id).some((s) => asList(s.Action).some((a) => a.startsWith('events:'))),
      )
      .map((r) => r.id);
    expect(putters).toEqual([ids.streamRole]);
    expect(app.grantsOf(ids.streamRole, 'events:')).toEqual([
      { action: 'events:PutEvents', resource: JSON.stringify(getAtt(ids.bus)) },
    ]);
  });
});

describe('the rule to the webhook queue', () => {
  it(`matches every event of source ${EVENT_SOURCE} on the case event bus`, () => {
    expect(EVENT_SOURCE).toBe('casewatch');
    expect(app.resource(ids.rule).Properties).toMatchObject({
      EventBusName: { Ref: ids.bus },
      EventPattern: { source: ['casewatch'] },
      State: 'ENABLED',
    });
  });

  it('puts them on the webhook queue, retrying for a day, then parking them in the dead-letter queue', () => {
    expect(WEBHOOK_EVENT_MAX_AGE.toHours()).toBe(24);
    expect(app.resource(ids.rule).Properties.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: getAtt(ids.queue),
        DeadLetterConfig: { Arn: getAtt(ids.dlq) },
        RetryPolicy: { MaximumEventAgeInSeconds: 24 * 3600 },
      },
    ]);
  });

  it('is the only one EventBridge may send to the webhook queue and its dead-letter queue for', () => {
    for (const queue of [ids.queue, ids.dlq]) {
      const allowed = queuePolicyOf(queue).filter((s) => s.Effect === 'Allow');
      expect(allowed, queue).toHaveLength(1);
      expect(allowed[0], queue).toMatchObject({
        Principal: { Service: 'events.amazonaws.com' },
        Resource: getAtt(queue),
        Condition: { ArnEquals: { 'aws:SourceArn': getAtt(ids.rule) } },
      });
      expect(asList(allowed[0]?.Action), queue).toContain('sqs:SendMessage');
    }
  });
});

describe('the webhook queue and its dead-letter queue', () => {
  it('are encrypted with SQS-managed keys and refuse plain HTTP', () => {
    for (const id of [ids.queue, ids.dlq]) {
      expect(app.resource(id).Properties, id).toMatchObject({ SqsManagedSseEnabled: true });
      expect(app.resource(id).Properties.KmsMasterKeyId, id).toBeUndefined();
      expect(queuePolicyOf(id), id).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('parks a message after five failed receives, keeping it 14 days; the dead-letter queue is the end of the line', () => {
    expect(app.resource(ids.queue).Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: getAtt(ids.dlq),
      maxReceiveCount: 5,
    });
    expect(app.resource(ids.dlq).Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600 });
    expect(app.resource(ids.dlq).Properties.RedrivePolicy).toBeUndefined();
  });

  it('hides a message for six times the sender timeout (60 s)', () => {
    expect(app.resource(ids.fn).Properties.Timeout).toBe(60);
    expect(app.resource(ids.queue).Properties.VisibilityTimeout).toBe(6 * 60);
  });

  it('raises one alarm as soon as the dead-letter queue holds a message, which notifies the alarm topic', () => {
    const alarms = app.queueDepthAlarms(ids.dlq);
    // Its own, and none from the observability construct (which only alarms on queues nobody else does).
    expect(alarms.map((a) => a.id)).toEqual(app.stack.integrations.alarms.map((a) => app.logicalId(a)));
    expect(alarms[0]?.props).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: app.logicalId(app.stack.observability.alarmTopic) }],
    });
  });

  it('exposes every alarm the construct raises', () => {
    const raised = app.stack.integrations.node
      .findAll()
      .filter((c) => c instanceof Alarm)
      .map((a) => app.logicalId(a));
    expect(raised.sort()).toEqual(app.stack.integrations.alarms.map((a) => app.logicalId(a)).sort());
    expect(raised).toHaveLength(1);
  });
});

describe('the webhook sender', () => {
  it('consumes the webhook queue in batches of 10 with partial batch responses', () => {
    expect(app.mappingOf(ids.fn)).toMatchObject({
      EventSourceArn: getAtt(ids.queue),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: expect.any(Number) },
    });
    expect(app.mappingOf(ids.fn).MaximumBatchingWindowInSeconds ?? 0).toBe(0);
  });

  it('is told the table, the secret, both queues and how to mail the leads, nothing else', () => {
    expect(app.envOf(ids.fn)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'casewatch',
      TABLE_NAME: { Ref: ids.table },
      CASEWATCH_SECRET_ARN: { Ref: ids.secret },
      WEBHOOK_QUEUE_URL: { Ref: ids.queue },
      WEBHOOK_DLQ_URL: { Ref: ids.dlq },
      SENDER_ADDRESS: DEFAULT_SENDER_ADDRESS,
      LEADS_EMAIL: '',
      MAIL_DOMAIN: DEFAULT_MAIL_DOMAIN,
      SES_CONFIGURATION_SET: { Ref: ids.configurationSet },
    });
  });

  it('reads, lists and pauses webhooks and logs its attempts, and touches nothing else in DynamoDB', () => {
    const table = JSON.stringify(getAtt(ids.table));
    expect(app.grantsOf(ids.role, 'dynamodb:').sort(byKey)).toEqual(
      [
        ...['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'].map((action) => ({
          action,
          resource: table,
          condition: leadingKeys('WEBHOOKS'),
        })),
        { action: 'dynamodb:PutItem', resource: table, condition: leadingKeys('WEBHOOK#*') },
      ].sort(byKey),
    );
    expect([...SENDER_WEBHOOK_ACTIONS, ...SENDER_LOG_ACTIONS].sort()).toEqual(
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'].sort(),
    );
  });

  it('sends only to the webhook queue (retries) and its dead-letter queue (given up), and consumes only the webhook queue', () => {
    const sqs = app.grantsOf(ids.role, 'sqs:');
    expect(
      sqs
        .filter((g) => g.action === 'sqs:SendMessage')
        .map((g) => g.resource)
        .sort(),
    ).toEqual([JSON.stringify(getAtt(ids.queue)), JSON.stringify(getAtt(ids.dlq))].sort());
    const consume = sqs.filter((g) => g.action !== 'sqs:SendMessage');
    expect(consume.map((g) => g.action)).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']),
    );
    for (const g of consume) {
      expect(g).toEqual({ action: g.action, resource: JSON.stringify(getAtt(ids.queue)) });
      expect(['sqs:PurgeQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes']).not.toContain(g.action);
    }
  });

  it('mails only from the sender address, through its identities and the configuration set', () => {
    const condition = JSON.stringify({ StringEquals: { 'ses:FromAddress': DEFAULT_SENDER_ADDRESS } });
    expect(app.grantsOf(ids.role, 'ses:').sort(byKey)).toEqual(
      SEND_ACTIONS.flatMap((action) =>
        [
          arnJoin('ses', `identity/${DEFAULT_SENDER_ADDRESS}`),
          arnJoin('ses', 'identity/', { Ref: ids.senderIdentity }),
          arnJoin('ses', 'configuration-set/', { Ref: ids.configurationSet }),
        ].map((r) => ({ action, resource: JSON.stringify(r), condition })),
      ).sort(byKey),
    );
  });

  it('reads the signing secret (webhook signing keys) with GetSecretValue only', () => {
    expect(app.grantsOf(ids.role, 'secretsmanager:')).toEqual([
      { action: 'secretsmanager:GetSecretValue', resource: JSON.stringify({ Ref: ids.secret }) },
    ]);
  });

  it('uses no other service: DynamoDB, logs, X-Ray, SQS, SES, Secrets Manager', () => {
    expect(app.servicesOf(ids.role)).toEqual(['dynamodb', 'logs', 'secretsmanager', 'ses', 'sqs', 'xray']);
    // No wildcard but X-Ray's, which the function construct keeps in a policy of its own.
    const wildcards = app
      .statementsOf(ids.role)
      .filter((s) => asList(s.Resource).some((r) => typeof r === 'string' && r.includes('*')));
    expect(wildcards.flatMap((s) => asList(s.Action)).sort()).toEqual([
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('is alarmed on its error rate, graphed, and its dead-letter queue is on the dashboard', () => {
    const fnRef = JSON.stringify([{ Name: 'FunctionName', Value: { Ref: ids.fn } }]);
    const errorRate = app
      .resourcesOf('AWS::CloudWatch::Alarm')
      .filter((a) =>
        (a.props.Metrics as { MetricStat?: { Metric: { Dimensions: unknown } } }[] | undefined)?.some(
          (m) => JSON.stringify(m.MetricStat?.Metric.Dimensions) === fnRef,
        ),
      );
    expect(errorRate).toHaveLength(1);
    const dashboard = JSON.stringify(app.resourcesOf('AWS::CloudWatch::Dashboard')[0]?.props.DashboardBody);
    expect(dashboard).toContain(JSON.stringify({ Ref: ids.fn }));
    expect(dashboard).toContain(JSON.stringify(getAtt(ids.dlq, 'QueueName')));
  });

  it('acknowledges on its mapping only that an SQS mapping takes no on-failure destination', () => {
    const mappingPath = app.stack.integrations.senderMapping.node.path;
    expect(
      suppressions(app.report)
        .filter((s) => s.acknowledgedAt === mappingPath)
        .map((s) => s.ruleName),
    ).toEqual(['Serverless-LambdaEventSourceMappingDestination']);
  });
});
