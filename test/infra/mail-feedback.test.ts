import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_NAME } from '../../infra/app.ts';
import { FEEDBACK_TABLE_KEYS } from '../../infra/constructs/mail-feedback.ts';
import {
  expectAlarmedDeadLetterQueue,
  type SynthesizedCasewatch,
  synthCasewatch,
} from './support/casewatch-template.ts';
import { arnJoin, getAtt, type Statement } from './support/template-queries.ts';
import { suppressions } from './support/validation-report.ts';

/** docs/mail.md#bounces-and-complaints: SES's configuration set → EventBridge → the feedback function. */
let app: SynthesizedCasewatch;
let ids: { table: string; configurationSet: string; fn: string; role: string; dlq: string; rule: string };

beforeAll(() => {
  app = synthCasewatch();
  const { mailFeedback, mail, store } = app.stack;
  ids = {
    table: app.logicalId(store.table),
    configurationSet: app.logicalId(mail.configurationSet),
    fn: app.logicalId(mailFeedback.feedbackFunction),
    role: app.roleId(mailFeedback.feedbackFunction),
    dlq: app.logicalId(mailFeedback.deadLetterQueue),
    rule: app.logicalId(mailFeedback.rule),
  };
});
afterAll(() => app.cleanup());

describe('the configuration set every mail goes through', () => {
  it('publishes its bounces and complaints (nothing else) to the default event bus', () => {
    const destinations = app.resourcesOf('AWS::SES::ConfigurationSetEventDestination').map((d) => d.props);
    expect(destinations).toEqual([
      {
        ConfigurationSetName: { Ref: ids.configurationSet },
        EventDestination: {
          Enabled: true,
          EventBridgeDestination: { EventBusArn: arnJoin('events', 'event-bus/default') },
          MatchingEventTypes: ['bounce', 'complaint'],
        },
      },
    ]);
  });
});

describe('the bounces and complaints rule', () => {
  it('matches SES bounces and complaints of this configuration set only', () => {
    expect(app.resource(ids.rule).Properties).toMatchObject({
      EventBusName: 'default',
      EventPattern: {
        source: ['aws.ses'],
        'detail-type': ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [{ Ref: ids.configurationSet }] } } },
      },
    });
  });

  it('invokes the feedback function, giving up after a day into its dead-letter queue', () => {
    expect(app.resource(ids.rule).Properties.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: getAtt(ids.fn),
        DeadLetterConfig: { Arn: getAtt(ids.dlq) },
        RetryPolicy: { MaximumEventAgeInSeconds: 24 * 3600 },
      },
    ]);
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
    const statements = app
      .resourcesOf('AWS::SQS::QueuePolicy')
      .filter((p) => JSON.stringify(p.props.Queues) === JSON.stringify([{ Ref: ids.dlq }]))
      .flatMap((p) => (p.props.PolicyDocument as { Statement: Statement[] }).Statement);
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': getAtt(ids.rule) } },
      }),
    ]);
  });
});

describe('the feedback function', () => {
  it('is told the table and the mail domain, and nothing else (it signs and sends nothing)', () => {
    expect(app.envOf(ids.fn)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'casewatch',
      TABLE_NAME: { Ref: ids.table },
      MAIL_DOMAIN: app.stack.mail.mailDomain,
    });
  });

  it('parks failed asynchronous invocations in its encrypted dead-letter queue, which alarms; its error rate alarms too', () => {
    const alarm = expectAlarmedDeadLetterQueue(app, ids.fn, ids.dlq, app.stack.mailFeedback.alarms);
    expect(alarm.AlarmActions).toEqual([{ Ref: app.logicalId(app.stack.observability.alarmTopic) }]);
    const errorRate = app
      .resourcesOf('AWS::CloudWatch::Alarm')
      .filter((a) => JSON.stringify(a.props.Metrics ?? '').includes(`"Value":{"Ref":"${ids.fn}"}`));
    expect(errorRate).toHaveLength(1);
  });

  it('is allowed exactly what it calls: case partitions, once-markers and the suppression list; its queue', () => {
    const grants = app.grantsOf(ids.role).filter((g) => !/^(logs|xray):/.test(g.action));
    const leading = JSON.stringify({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...FEEDBACK_TABLE_KEYS] },
    });
    expect(grants.map((g) => `${g.action} ${g.resource} ${g.condition ?? ''}`.trim()).sort()).toEqual(
      [
        ...['GetItem', 'PutItem', 'UpdateItem'].map(
          (a) => `dynamodb:${a} ${JSON.stringify(getAtt(ids.table))} ${leading}`,
        ),
        `sqs:SendMessage ${JSON.stringify(getAtt(ids.dlq))}`,
      ].sort(),
    );
    expect([...FEEDBACK_TABLE_KEYS]).toEqual(['CASE#*', 'ONCE#*', 'SUPPRESSED#*']);
    expect(app.grantsOf(ids.role).filter((g) => /scan|query|delete|\*/i.test(g.action))).toEqual([]);
  });

  it('acknowledges only the nag findings every function has, on the construct concerned (Control Tower’s: app.test.ts)', () => {
    const { mailFeedback } = app.stack;
    const fnPath = mailFeedback.feedbackFunction.node.path;
    expect(
      suppressions(app.report)
        .filter((s) => s.acknowledgedAt.startsWith(`${STACK_NAME}/MailFeedback/`))
        .map((s) => `${s.ruleName} @ ${s.acknowledgedAt}`)
        .sort(),
    ).toEqual(
      [
        `AwsSolutions-IAM5[Resource::*] @ ${fnPath}Role/XRayWrite`,
        `AwsSolutions-L1 @ ${fnPath}`,
        `Serverless-LambdaLatestVersion @ ${fnPath}`,
        `Serverless-SQSRedrivePolicy @ ${mailFeedback.deadLetterQueue.node.path}`,
      ].sort(),
    );
  });
});
