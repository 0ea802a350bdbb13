import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_NAME } from '../../infra/app.ts';
import { ARRIVAL_TABLE_KEYS } from '../../infra/constructs/attachment-arrivals.ts';
import {
  expectAlarmedDeadLetterQueue,
  type SynthesizedCasewatch,
  synthCasewatch,
} from './support/casewatch-template.ts';
import { ESCALATION_ANSWERED, getAtt, type Json, type Statement } from './support/template-queries.ts';
import { suppressions } from './support/validation-report.ts';

let app: SynthesizedCasewatch;
let ids: { bucket: string; table: string; fn: string; role: string; dlq: string; rule: string };

beforeAll(() => {
  app = synthCasewatch();
  const { arrivals, attachments, store } = app.stack;
  ids = {
    bucket: app.logicalId(attachments.bucket),
    table: app.logicalId(store.table),
    fn: app.logicalId(arrivals.arrivalFunction),
    role: app.roleId(arrivals.arrivalFunction),
    dlq: app.logicalId(arrivals.deadLetterQueue),
    rule: app.logicalId(arrivals.rule),
  };
});
afterAll(() => app.cleanup());

const casesObjects = () => ({ 'Fn::Join': ['', [getAtt(ids.bucket), '/cases/*']] });

describe('the attachments bucket (docs/cases.md#attachments: a file is recorded when it arrives)', () => {
  it('tells EventBridge of its objects, on the bucket itself (no custom-resource Lambda)', () => {
    expect(app.resource(ids.bucket).Properties.NotificationConfiguration).toEqual({
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
    expect(app.resourcesOf('Custom::S3BucketNotifications')).toEqual([]);
  });

  it('no longer has the event-notification control acknowledged: it has a notification now', () => {
    const bucketPath = app.stack.attachments.bucket.node.path;
    expect(
      suppressions(app.report).filter(
        (s) => s.acknowledgedAt === bucketPath && s.ruleName === 's3_event_notifications_enabled_check',
      ),
    ).toEqual([]);
  });
});

describe('the Object Created rule', () => {
  it('matches objects created under cases/ in the attachments bucket, and only those', () => {
    expect(app.resource(ids.rule).Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [{ Ref: ids.bucket }] }, object: { key: [{ prefix: 'cases/' }] } },
    });
  });

  it('invokes the arrival function, giving up after a day into the dead-letter queue', () => {
    expect(app.resource(ids.rule).Properties.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: getAtt(ids.fn),
        DeadLetterConfig: { Arn: getAtt(ids.dlq) },
        RetryPolicy: { MaximumEventAgeInSeconds: 24 * 3600 },
      },
    ]);
  });

  it('is the only one that may invoke the function, and put in its dead-letter queue', () => {
    const invokes = app
      .resourcesOf('AWS::Lambda::Permission')
      .filter((p) => JSON.stringify(p.props.FunctionName) === JSON.stringify(getAtt(ids.fn)));
    expect(invokes.map((p) => p.props)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: getAtt(ids.fn),
        Principal: 'events.amazonaws.com',
        SourceArn: getAtt(ids.rule),
      },
    ]);
    const queuePolicies = app
      .resourcesOf('AWS::SQS::QueuePolicy')
      .filter((p) => JSON.stringify(p.props.Queues) === JSON.stringify([{ Ref: ids.dlq }]));
    const statements = queuePolicies.flatMap(
      (p) => (p.props.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': getAtt(ids.rule) } },
      }),
    ]);
  });
});

describe('the arrival function', () => {
  it('is told the table and the bucket, and nothing else (it signs nothing: no secret)', () => {
    expect(app.envOf(ids.fn)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'casewatch',
      TABLE_NAME: { Ref: ids.table },
      ATTACHMENTS_BUCKET: { Ref: ids.bucket },
    });
  });

  it('parks failed asynchronous invocations in the same encrypted dead-letter queue, which alarms', () => {
    const alarm = expectAlarmedDeadLetterQueue(app, ids.fn, ids.dlq, app.stack.arrivals.alarms);
    // Its alarm notifies the topic, and its error rate is alarmed like every function's.
    const topic = { Ref: app.logicalId(app.stack.observability.alarmTopic) };
    expect(alarm.AlarmActions).toEqual([topic]);
    const errorRate = app
      .resourcesOf('AWS::CloudWatch::Alarm')
      .filter((a) => JSON.stringify(a.props.Metrics ?? '').includes(`"Value":{"Ref":"${ids.fn}"}`));
    expect(errorRate).toHaveLength(1);
  });

  it('is allowed exactly what it calls: its case partitions, once-markers and counters; HEAD under cases/; its queue', () => {
    const grants = app.grantsOf(ids.role).filter((g) => !/^(logs|xray):/.test(g.action));
    const leading = JSON.stringify({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...ARRIVAL_TABLE_KEYS] },
    });
    expect(grants.map((g) => `${g.action} ${g.resource} ${g.condition ?? ''}`.trim()).sort()).toEqual(
      [
        ...['GetItem', 'PutItem', 'UpdateItem'].map(
          (a) => `dynamodb:${a} ${JSON.stringify(getAtt(ids.table))} ${leading}`,
        ),
        `s3:GetObject ${JSON.stringify(casesObjects())}`,
        `sqs:SendMessage ${JSON.stringify(getAtt(ids.dlq))}`,
        Object.values(ESCALATION_ANSWERED(ids.table)).join(' '),
      ].sort(),
    );
    expect([...ARRIVAL_TABLE_KEYS]).toEqual([
      'CASE#*',
      'ONCE#*',
      'BACKLOG',
      'STATS#FR',
      'STATS#AGENTS',
      'STATS#ESCALATIONS',
    ]);
  });

  it('has no wildcard action, no Scan or Query, deletes only answered escalations, and nothing on a whole bucket', () => {
    const grants = app.grantsOf(ids.role);
    expect(grants.filter((g) => g.action.includes('*'))).toEqual([]);
    expect(grants.filter((g) => /scan|query|partiql/i.test(g.action))).toEqual([]);
    expect(grants.filter((g) => /delete/i.test(g.action))).toEqual([ESCALATION_ANSWERED(ids.table)]);
    expect(grants.filter((g) => g.action.startsWith('s3:') && !g.resource.includes('/'))).toEqual([]);
  });

  it('acknowledges only the reviewed findings, each on the construct concerned', () => {
    const { arrivals } = app.stack;
    const fnPath = arrivals.arrivalFunction.node.path;
    expect(
      suppressions(app.report)
        .filter((s) => s.acknowledgedAt.startsWith(`${STACK_NAME}/AttachmentArrivals/`))
        .map((s) => `${s.ruleName} @ ${s.acknowledgedAt}`)
        .sort(),
    ).toEqual(
      [
        `AwsSolutions-IAM5[Resource::*] @ ${fnPath}Role/XRayWrite`,
        `AwsSolutions-IAM5[Resource::<${ids.bucket}.Arn>/cases/*] @ ${fnPath}Role/UploadedObjects`,
        `AwsSolutions-L1 @ ${fnPath}`,
        `Serverless-LambdaLatestVersion @ ${fnPath}`,
        `Serverless-SQSRedrivePolicy @ ${arrivals.deadLetterQueue.node.path}`,
      ].sort(),
    );
  });
});

describe('the API', () => {
  it('routes GET /cases/{id}/attachments/{attachmentId} to case-requests (the upload’s function), whose handler checks the caller', () => {
    const routes = app.resourcesOf('AWS::ApiGatewayV2::Route').map((r) => r.props as Json);
    const download = routes.filter((r) => r.RouteKey === 'GET /cases/{id}/attachments/{attachmentId}');
    const upload = routes.find((r) => r.RouteKey === 'POST /cases/{id}/attachments');
    expect(download).toHaveLength(1);
    expect(download[0]?.AuthorizationType).toBe('NONE');
    expect(download[0]?.Target).toEqual(upload?.Target);
  });
});
