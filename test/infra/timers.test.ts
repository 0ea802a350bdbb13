import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedCasewatch, synthCasewatch } from './support/casewatch-template.ts';
import { asList, ESCALATION_ANSWERED, getAtt, type Statement } from './support/template-queries.ts';

let app: SynthesizedCasewatch;
let ids: {
  table: string;
  group: string;
  queue: string;
  dlq: string;
  schedulerRole: string;
  timerFn: string;
  timerRole: string;
};
let groupName: string;

beforeAll(() => {
  app = synthCasewatch();
  const { timers, store } = app.stack;
  ids = {
    table: app.logicalId(store.table),
    group: app.logicalId(timers.scheduleGroup),
    queue: app.logicalId(timers.queue),
    dlq: app.logicalId(timers.deadLetterQueue),
    schedulerRole: app.logicalId(timers.schedulerRole),
    timerFn: app.logicalId(timers.timerFunction),
    timerRole: app.roleId(timers.timerFunction),
  };
  groupName = timers.scheduleGroup.scheduleGroupName;
});
afterAll(() => app.cleanup());

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
    for (const id of [ids.queue, ids.dlq]) {
      expect(app.resource(id).Properties, id).toMatchObject({ SqsManagedSseEnabled: true });
      expect(app.resource(id).Properties.KmsMasterKeyId, id).toBeUndefined();
    }
  });

  it('refuse plain HTTP', () => {
    for (const id of [ids.queue, ids.dlq]) {
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

  it('goes off as soon as the timer dead-letter queue holds a message', () => {
    const [alarm, ...others] = alarmOn('ApproximateNumberOfMessagesVisible', {
      Name: 'QueueName',
      Value: getAtt(ids.dlq, 'QueueName'),
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

describe('the timer function', () => {
  it('consumes the timer queue in batches with partial batch responses, bounded concurrency', () => {
    const mapping = app.mappingOf(ids.timerFn);
    expect(mapping).toMatchObject({
      EventSourceArn: getAtt(ids.queue),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: expect.any(Number) },
    });
    expect(mapping.BatchSize).toBeLessThanOrEqual(10);
    expect(mapping.MaximumBatchingWindowInSeconds ?? 0).toBe(0);
  });

  it('reads and writes cases with GetItem, PutItem and the counters’ UpdateItem only, and deletes only answered escalations', () => {
    const dynamo = app.grantsOf(ids.timerRole, 'dynamodb:');
    expect(dynamo.length).toBeGreaterThan(0);
    expect(dynamo.filter((g) => g.condition !== undefined)).toEqual([ESCALATION_ANSWERED(ids.table)]);
    for (const g of dynamo.filter((g) => g.condition === undefined)) {
      expect(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']).toContain(g.action);
      expect(g.resource).toBe(JSON.stringify(getAtt(ids.table)));
      expect(g.condition).toBeUndefined();
    }
  });

  it('touches only the timer queue in SQS, to consume it', () => {
    for (const g of app.grantsOf(ids.timerRole, 'sqs:')) {
      expect(g.resource).toBe(JSON.stringify(getAtt(ids.queue)));
      expect(g.action).not.toBe('sqs:SendMessage');
    }
    expect(app.servicesOf(ids.timerRole)).toEqual(['dynamodb', 'logs', 'sqs', 'xray']);
  });

  it('is told only the table and its own queue (to make an early timer visible again when due)', () => {
    expect(app.envOf(ids.timerFn)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'casewatch',
      TABLE_NAME: { Ref: ids.table },
      TIMER_QUEUE_URL: { Ref: ids.queue },
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
