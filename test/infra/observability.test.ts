import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator } from 'aws-cdk-lib/aws-cloudwatch';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { ALARM_EMAIL_CONTEXT } from '../../infra/casewatch-stack.ts';
import {
  ERROR_RATE_THRESHOLD_PERCENT,
  STREAM_LAG_EVALUATION_MINUTES,
  STREAM_LAG_THRESHOLD,
} from '../../infra/constructs/alarms.ts';
import { SURVEY_TOPICS } from '../../infra/constructs/dashboard.ts';
import { Observability } from '../../infra/constructs/observability.ts';
import { SEVERITY_LEVELS } from '../../shared/domain/severity.ts';
import { BACKLOG_STATUSES } from '../../shared/domain/status.ts';
import { METRICS_NAMESPACE } from '../../shared/ports/metrics.ts';
import {
  PLACEHOLDER_MAIL_FINDING,
  type SynthesizedCasewatch,
  synthCasewatch,
  synthCasewatchWith,
} from './support/casewatch-template.ts';
import type { Json } from './support/template-queries.ts';
import { suppressions, tempOutdir, unsuppressedFindings } from './support/validation-report.ts';

/** One line of a metric widget: a metric (namespace, name, dimensions) or a math expression. */
interface WidgetMetric {
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions: Record<string, string>;
  readonly expression?: string;
  readonly options: Json;
}
interface Widget {
  readonly type: string;
  readonly properties: Json & { title?: string; metrics?: unknown[][]; alarms?: string[] };
  readonly metrics: WidgetMetric[];
}

/**
 * CloudFormation values inside the dashboard body (`Fn::Join` of JSON text and references) rendered as
 * `<Ref:Id>` / `<GetAtt:Id.Attr>`, so the body parses as the JSON CloudWatch will receive.
 */
function renderToken(value: unknown): string {
  if (typeof value === 'string') return value;
  const ref = (value as { Ref?: string }).Ref;
  if (ref !== undefined) return `<Ref:${ref}>`;
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (getAtt !== undefined) return `<GetAtt:${getAtt.join('.')}>`;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join !== undefined) return join[1].map(renderToken).join(join[0]);
  throw new Error(`unexpected token ${JSON.stringify(value)}`);
}

function parseLine(line: unknown[]): WidgetMetric {
  const last = line.at(-1);
  const options = (typeof last === 'object' && last !== null ? last : {}) as Json;
  const parts = (line.length > 0 && options === last ? line.slice(0, -1) : line) as string[];
  if (parts.length === 0) return { dimensions: {}, expression: options.expression as string, options };
  const [namespace, metricName, ...pairs] = parts;
  const dimensions: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i] as string] = pairs[i + 1] as string;
  return { namespace, metricName, dimensions, options };
}

function dashboardOf(template: Template): { body: Json; widgets: Widget[] } {
  const [dashboard, ...others] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(others).toEqual([]);
  const body = JSON.parse(renderToken(dashboard?.Properties.DashboardBody)) as Json & { widgets: Widget[] };
  const widgets = body.widgets.map((w) => ({ ...w, metrics: (w.properties.metrics ?? []).map(parseLine) }));
  return { body, widgets };
}

/** The exact dimension set of each casewatch metric as Powertools publishes it (`service` always added). */
const DIMENSIONS: Record<string, string[]> = {
  CaseOpened: ['channel', 'service', 'severity', 'type'],
  FirstResponseMet: ['service', 'severity'],
  FirstResponseBreached: ['service', 'severity'],
  NextUpdateBreached: ['service', 'severity'],
  SlaAtRisk: ['service', 'severity'],
  TimeToFirstResponse: ['service', 'severity'],
  CaseAutoClosed: ['service'],
  EscalationRequested: ['service', 'severity'],
  SurveyScore: ['service', 'topic'],
  OpenCases: ['service', 'severity', 'status'],
};
const LEVELS = SEVERITY_LEVELS.map(String);

let app: SynthesizedCasewatch;
let widgets: Widget[];
let body: Json;

beforeAll(() => {
  app = synthCasewatch();
  ({ body, widgets } = dashboardOf(app.template));
});
afterAll(() => app.cleanup());

/** Every queue work that was given up on ends up in, in the order the stack hands them over. */
const deadLetterQueues = () => {
  const { timers, reactions, mail, mailFeedback, arrivals, integrations } = app.stack;
  return [
    timers.deadLetterQueue,
    reactions.streamFailureQueue,
    mail.deadLetterQueue,
    mailFeedback.deadLetterQueue,
    arrivals.deadLetterQueue,
    integrations.deadLetterQueue,
  ];
};

const widget = (title: string): Widget => {
  const found = widgets.filter((w) => w.properties.title === title);
  expect(found, title).toHaveLength(1);
  return found[0] as Widget;
};
const metricsOf = (w: Widget, metricName: string) => w.metrics.filter((m) => m.metricName === metricName);
/** `severity` (or another dimension) values of a widget's metrics of one name, sorted. */
const valuesOf = (w: Widget, metricName: string, dimension: string) =>
  metricsOf(w, metricName)
    .map((m) => m.dimensions[dimension])
    .sort();
const topicRef = () => ({ Ref: app.logicalId(app.stack.observability.alarmTopic) });

describe('the dashboard', () => {
  it('is named casewatch and opens on the last 7 days', () => {
    const [dashboard] = app.resourcesOf('AWS::CloudWatch::Dashboard');
    expect(dashboard?.props.DashboardName).toBe('casewatch');
    expect(body.start).toBe('-P7D');
  });

  it('gives every metric widget at least one metric, and every expression only ids defined beside it', () => {
    const metricWidgets = widgets.filter((w) => w.type === 'metric');
    expect(metricWidgets.length).toBeGreaterThanOrEqual(18);
    for (const w of metricWidgets) {
      expect(w.metrics.length, w.properties.title).toBeGreaterThan(0);
      const ids = new Set(w.metrics.map((m) => m.options.id).filter((id) => id !== undefined));
      for (const m of w.metrics.filter((line) => line.expression !== undefined)) {
        // Ids start lower-case; functions and keywords (FILL, SUM, REPEAT) are upper-case.
        for (const id of m.expression?.match(/\b[a-z][a-zA-Z0-9_]*\b/g) ?? []) {
          expect(ids.has(id), `${w.properties.title}: ${m.expression} uses ${id}`).toBe(true);
        }
      }
    }
  });

  it('names every casewatch metric with exactly the dimensions Powertools publishes it with', () => {
    const caseMetrics = widgets.flatMap((w) => w.metrics).filter((m) => m.namespace === METRICS_NAMESPACE);
    expect(new Set(caseMetrics.map((m) => m.metricName))).toEqual(new Set(Object.keys(DIMENSIONS)));
    for (const m of caseMetrics) {
      expect(Object.keys(m.dimensions).sort(), m.metricName).toEqual(DIMENSIONS[m.metricName as string]);
      expect(m.dimensions.service).toBe('casewatch');
    }
  });

  it('shows the backlog by status and by severity, each line the sum of its slots held at their last value', () => {
    const allSlots = BACKLOG_STATUSES.flatMap((status) => LEVELS.map((level) => `${status}/${level}`)).sort();
    const slots = (w: Widget) =>
      metricsOf(w, 'OpenCases')
        .map((m) => `${m.dimensions.status}/${m.dimensions.severity}`)
        .sort();
    const visibleLabels = (w: Widget) =>
      w.metrics.filter((m) => m.options.visible !== false).map((m) => m.options.label);

    const byStatus = widget('Backlog by status');
    expect(slots(byStatus)).toEqual(allSlots);
    expect(visibleLabels(byStatus)).toEqual([...BACKLOG_STATUSES]);
    expect(byStatus.properties.stacked).toBe(true);
    const byLevel = widget('Backlog by severity');
    expect(slots(byLevel)).toEqual(allSlots);
    expect(visibleLabels(byLevel)).toEqual(['L0 Highest', 'L1 High', 'L2 Medium', 'L3 Low']);
    const now = widget('Backlog now, by status × severity');
    expect(now.type).toBe('metric');
    expect(now.properties.view).toBe('singleValue');
    expect(slots(now)).toEqual(allSlots);

    for (const w of [byStatus, byLevel, now]) {
      for (const m of metricsOf(w, 'OpenCases')) expect(m.options.stat).toBe('Maximum');
      for (const m of w.metrics.filter((line) => line.expression?.startsWith('FILL'))) {
        expect(m.expression).toMatch(/^FILL\(openCases_\w+, REPEAT\)$/);
      }
    }
    expect(byStatus.metrics.find((m) => m.options.label === 'new')?.expression).toBe(
      'SUM([h_openCases_new_0, h_openCases_new_1, h_openCases_new_2, h_openCases_new_3])',
    );
  });

  it.each([
    ['First-response compliance %, last 24 h', '-PT24H'],
    ['First-response compliance %, last 7 d', '-P7D'],
  ])('shows %s per level as met ÷ (met + breached), over that fixed range', (title, start) => {
    const w = widget(title);
    expect(w.properties).toMatchObject({ view: 'singleValue', start, setPeriodToTimeRange: true });
    expect(valuesOf(w, 'FirstResponseMet', 'severity')).toEqual(LEVELS);
    expect(valuesOf(w, 'FirstResponseBreached', 'severity')).toEqual(LEVELS);
    for (const m of [...metricsOf(w, 'FirstResponseMet'), ...metricsOf(w, 'FirstResponseBreached')]) {
      expect(m.options.stat).toBe('Sum');
    }
    const expressions = w.metrics.filter((m) => m.expression !== undefined);
    expect(expressions).toHaveLength(4);
    for (const m of expressions) {
      const [, met, breached] = /^100 \* FILL\((\w+), 0\) \/ \(FILL\(\1, 0\) \+ FILL\((\w+), 0\)\)$/.exec(
        m.expression ?? '',
      ) ?? [undefined, '', ''];
      const byId = (id: string | undefined) => w.metrics.find((line) => line.options.id === id);
      expect(byId(met)?.metricName, m.expression).toBe('FirstResponseMet');
      expect(byId(breached)?.metricName, m.expression).toBe('FirstResponseBreached');
      expect(byId(met)?.dimensions.severity).toBe(byId(breached)?.dimensions.severity);
    }
  });

  it('shows first-response and next-update breaches and at-risks per level over time', () => {
    expect(
      valuesOf(widget('First-response breaches (per hour)'), 'FirstResponseBreached', 'severity'),
    ).toEqual(LEVELS);
    expect(valuesOf(widget('Next-update breaches (per hour)'), 'NextUpdateBreached', 'severity')).toEqual(
      LEVELS,
    );
    expect(valuesOf(widget('At risk: 75% of a window gone (per hour)'), 'SlaAtRisk', 'severity')).toEqual(
      LEVELS,
    );
    for (const title of ['First-response breaches (per hour)', 'At risk: 75% of a window gone (per hour)']) {
      for (const m of widget(title).metrics) expect(m.options).toMatchObject({ stat: 'Sum', period: 3600 });
    }
  });

  it('shows time to first response p50 and p90 per level', () => {
    const w = widget('Time to first response, p50 / p90 (minutes, daily)');
    expect(
      metricsOf(w, 'TimeToFirstResponse')
        .map((m) => `${m.dimensions.severity} ${m.options.stat}`)
        .sort(),
    ).toEqual(LEVELS.flatMap((level) => [`${level} p50`, `${level} p90`]));
  });

  it('shows cases opened per level, summing every type and channel', () => {
    const w = widget('Cases opened (per hour)');
    expect(metricsOf(w, 'CaseOpened')).toHaveLength(LEVELS.length * 2 * 3);
    expect(
      new Set(metricsOf(w, 'CaseOpened').map((m) => `${m.dimensions.type}/${m.dimensions.channel}`)),
    ).toEqual(
      new Set([
        'seller/api',
        'seller/email',
        'seller/portal',
        'consumer/api',
        'consumer/email',
        'consumer/portal',
      ]),
    );
  });

  it('shows auto-closes, escalations per level and survey scores per topic', () => {
    const autoClosed = metricsOf(widget('Auto-closed cases (per day)'), 'CaseAutoClosed');
    expect(autoClosed.map((m) => m.dimensions)).toEqual([{ service: 'casewatch' }]);
    expect(valuesOf(widget('Escalations requested (per day)'), 'EscalationRequested', 'severity')).toEqual(
      LEVELS,
    );
    const survey = widget('Survey scores (daily average, 1–5)');
    expect(valuesOf(survey, 'SurveyScore', 'topic')).toEqual([...SURVEY_TOPICS].sort());
    expect([...SURVEY_TOPICS].sort()).toEqual(['friendliness', 'overall', 'timeliness']);
    // CDK leaves Average, CloudWatch's default statistic, unstated.
    for (const m of survey.metrics) expect(m.options.stat ?? 'Average').toBe('Average');
  });

  it('shows the depth of every dead-letter queue', () => {
    const queues = deadLetterQueues();
    const w = widget('Dead-letter queue depth');
    expect(
      w.metrics.map((m) => ({ namespace: m.namespace, metricName: m.metricName, stat: m.options.stat })),
    ).toEqual(
      queues.map(() => ({
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        stat: 'Maximum',
      })),
    );
    expect(w.metrics.map((m) => m.dimensions.QueueName)).toEqual(
      queues.map((q) => `<GetAtt:${app.logicalId(q)}.QueueName>`),
    );
  });

  it('shows how far the stream function lags behind the table stream, next to the dead-letter queues', () => {
    const w = widget('Stream lag (IteratorAge, max)');
    expect(w.metrics).toEqual([
      {
        namespace: 'AWS/Lambda',
        metricName: 'IteratorAge',
        dimensions: { FunctionName: `<Ref:${app.logicalId(app.stack.reactions.streamFunction)}>` },
        options: expect.objectContaining({ stat: 'Maximum' }),
      },
    ]);
    expect(w.properties.annotations).toEqual({
      horizontal: [expect.objectContaining({ value: 300_000 })],
    });
    const titles = widgets.map((x) => x.properties.title);
    expect(titles.indexOf('Stream lag (IteratorAge, max)')).toBe(
      titles.indexOf('Dead-letter queue depth') + 1,
    );
  });

  it('shows errors and throttles of every function', () => {
    const functions = functionIds();
    for (const [title, metricName] of [
      ['Lambda errors', 'Errors'],
      ['Lambda throttles', 'Throttles'],
    ] as const) {
      const w = widget(title);
      expect(w.metrics.every((m) => m.namespace === 'AWS/Lambda' && m.metricName === metricName)).toBe(true);
      expect(w.metrics.map((m) => m.dimensions.FunctionName).sort()).toEqual(
        functions.map((id) => `<Ref:${id}>`).sort(),
      );
    }
  });

  it('shows API requests, 4xx, 5xx and latency', () => {
    const apiId = `<Ref:${app.logicalId(app.stack.api.httpApi)}>`;
    const lines = [...widget('API requests, 4xx and 5xx').metrics, ...widget('API latency (ms)').metrics].map(
      (m) => {
        expect(m.namespace).toBe('AWS/ApiGateway');
        expect(m.dimensions).toEqual({ ApiId: apiId });
        return `${m.metricName} ${m.options.stat}`;
      },
    );
    expect(lines.sort()).toEqual(
      [
        'Count Sum',
        '4xx Sum',
        '5xx Sum',
        'Latency p50',
        'Latency p90',
        'Latency p99',
        'IntegrationLatency p90',
      ].sort(),
    );
  });

  it('lists every alarm of the stack in its alarm status widget', () => {
    const [status] = widgets.filter((w) => w.type === 'alarm');
    expect(status?.properties.alarms?.sort()).toEqual(
      app
        .resourcesOf('AWS::CloudWatch::Alarm')
        .map((a) => `<GetAtt:${a.id}.Arn>`)
        .sort(),
    );
  });
});

/** Logical ids of every function casewatch runs (CDK's deploy-time BucketDeployment provider aside). */
function functionIds(): string[] {
  return app.ownFunctionIds();
}

describe('alarms', () => {
  const alarms = () => app.resourcesOf('AWS::CloudWatch::Alarm');

  it('page on any level 0 or 1 first-response or next-update breach, within the minute', () => {
    for (const metricName of ['FirstResponseBreached', 'NextUpdateBreached']) {
      const found = alarms().filter((a) => a.props.MetricName === metricName);
      expect(
        found
          .map(
            (a) =>
              (a.props.Dimensions as { Name: string; Value: string }[]).find((d) => d.Name === 'severity')
                ?.Value,
          )
          .sort(),
        metricName,
      ).toEqual(['0', '1']);
      for (const a of found) {
        expect(a.props).toMatchObject({
          Namespace: 'casewatch',
          Statistic: 'Sum',
          Period: 60,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          EvaluationPeriods: 1,
          TreatMissingData: 'notBreaching',
          AlarmActions: [topicRef()],
        });
        expect(
          (a.props.Dimensions as { Name: string }[]).map((d) => d.Name).sort(),
          'the dimension set Powertools publishes',
        ).toEqual(['service', 'severity']);
        expect(a.props.Dimensions).toContainEqual({ Name: 'service', Value: 'casewatch' });
      }
    }
  });

  it('page on any message in any dead-letter queue, one alarm per queue', () => {
    for (const queue of deadLetterQueues()) {
      const found = app.queueDepthAlarms(app.logicalId(queue));
      expect(found, queue.node.path).toHaveLength(1);
      expect(found[0]?.props.AlarmActions).toEqual([topicRef()]);
    }
  });

  it(`page when a function fails more than ${ERROR_RATE_THRESHOLD_PERCENT}% of its invocations over 5 minutes`, () => {
    const found = alarms().filter((a) =>
      (a.props.Metrics as { Expression?: string }[] | undefined)?.some(
        (m) => m.Expression === '100 * errors / invocations',
      ),
    );
    /** The metric an alarm's expression names `id`. */
    const functionOf = (a: (typeof found)[number], id: string) => {
      const metrics = a.props.Metrics as {
        Id: string;
        MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: unknown }[] } };
      }[];
      const metric = metrics.find((m) => m.Id === id)?.MetricStat?.Metric;
      if (metric === undefined) throw new Error(`${a.id} has no metric ${id}`);
      return metric;
    };
    expect(found.map((a) => JSON.stringify(functionOf(a, 'errors').Dimensions)).sort()).toEqual(
      functionIds()
        .map((id) => JSON.stringify([{ Name: 'FunctionName', Value: { Ref: id } }]))
        .sort(),
    );
    for (const a of found) {
      expect(functionOf(a, 'errors').MetricName).toBe('Errors');
      expect(functionOf(a, 'invocations').MetricName).toBe('Invocations');
      expect(functionOf(a, 'invocations').Dimensions).toEqual(functionOf(a, 'errors').Dimensions);
      expect(a.props).toMatchObject({
        Threshold: ERROR_RATE_THRESHOLD_PERCENT,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [topicRef()],
      });
      expect(a.props.Metrics).toContainEqual(
        expect.objectContaining({
          Id: 'errors',
          MetricStat: expect.objectContaining({ Period: 300, Stat: 'Sum' }),
        }),
      );
    }
  });

  it('page when the stream function is more than 5 minutes behind for 3 consecutive minutes', () => {
    expect(STREAM_LAG_THRESHOLD.toMilliseconds()).toBe(300_000);
    expect(STREAM_LAG_EVALUATION_MINUTES).toBe(3);
    const [alarm, ...others] = alarms().filter((a) => a.props.MetricName === 'IteratorAge');
    expect(others).toEqual([]);
    expect(alarm?.id).toBe(app.logicalId(app.stack.observability.streamLagAlarm));
    expect(alarm?.props).toMatchObject({
      Namespace: 'AWS/Lambda',
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: app.logicalId(app.stack.reactions.streamFunction) } },
      ],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 300_000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
    });
    const description = alarm?.props.AlarmDescription as string;
    expect(description).toMatch(/retried/);
    expect(description).toMatch(/cannot keep up/);
    expect(description).toMatch(/notices, timers and metrics are delayed/);
    expect(description).toMatch(/log group/);
    expect(description).toMatch(/on-failure queue/);
  });

  it('page on any API 5xx', () => {
    const [alarm, ...others] = alarms().filter((a) => a.props.MetricName === '5xx');
    expect(others).toEqual([]);
    expect(alarm?.props).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: app.logicalId(app.stack.api.httpApi) } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
    });
  });

  it('all notify the alarm topic, once each: those made here and the timers’, reactions’ and mail’s', () => {
    const all = alarms();
    const { observability, timers, reactions, mail } = app.stack;
    expect(all).toHaveLength(observability.notifiedAlarms.length);
    for (const alarm of [...timers.alarms, ...reactions.alarms, ...mail.alarms]) {
      expect(observability.notifiedAlarms).toContain(alarm);
    }
    for (const a of all) {
      expect(a.props.AlarmActions, a.id).toEqual([topicRef()]);
      expect(a.props.OKActions, a.id).toBeUndefined();
      expect(typeof a.props.AlarmDescription, a.id).toBe('string');
    }
  });
});

describe('the alarm topic', () => {
  it('is encrypted with a rotating customer-managed key that CloudWatch alarms may use', () => {
    const topicId = app.logicalId(app.stack.observability.alarmTopic);
    const keyId = app.logicalId(app.stack.observability.alarmTopicKey);
    expect(app.resource(topicId).Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(app.resource(keyId).Properties).toMatchObject({ EnableKeyRotation: true });
    const keyStatements = (app.resource(keyId).Properties.KeyPolicy as { Statement: Json[] }).Statement;
    expect(keyStatements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
  });

  it('lets no one create grants on its key but AWS services for AWS resources (Control Tower CT.KMS.PR.3)', () => {
    const keyId = app.logicalId(app.stack.observability.alarmTopicKey);
    const keyStatements = (app.resource(keyId).Properties.KeyPolicy as { Statement: Json[] }).Statement;
    expect(keyStatements).toContainEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    });
  });

  it('refuses plain HTTP and takes publishes from this account’s alarms only', () => {
    const topicId = app.logicalId(app.stack.observability.alarmTopic);
    const policies = app.resourcesOf('AWS::SNS::TopicPolicy');
    expect(policies).toHaveLength(1);
    const policy = policies[0]?.props ?? {};
    expect(policy.Topics).toEqual([{ Ref: topicId }]);
    const statements = (policy.PolicyDocument as { Statement: Json[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': expect.anything() },
        },
      }),
    );
    const allow = statements.find((s) => s.Effect === 'Allow') as { Condition: { ArnLike: Json } };
    expect(renderToken(allow.Condition.ArnLike['aws:SourceArn'])).toBe(
      'arn:<Ref:AWS::Partition>:cloudwatch:<Ref:AWS::Region>:<Ref:AWS::AccountId>:alarm:*',
    );
  });

  it('has no subscriber unless the context names one', () => {
    expect(app.resourcesOf('AWS::SNS::Subscription')).toEqual([]);
  });

  it(`subscribes each address of ${ALARM_EMAIL_CONTEXT} by email`, () => {
    const withEmail = synthCasewatchWith({ [ALARM_EMAIL_CONTEXT]: 'oncall@example.com, leads@example.com' });
    const topic = { Ref: withEmail.logicalId(withEmail.stack.observability.alarmTopic) };
    expect(withEmail.resourcesOf('AWS::SNS::Subscription').map((s) => s.props)).toEqual([
      { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: topic },
      { Protocol: 'email', Endpoint: 'leads@example.com', TopicArn: topic },
    ]);
  });

  it(`rejects a ${ALARM_EMAIL_CONTEXT} that is not a list of addresses`, () => {
    const out = tempOutdir();
    try {
      expect(() =>
        buildApp({ outdir: out.outdir, context: { [ALARM_EMAIL_CONTEXT]: 'Ops <ops@example.com>' } }),
      ).toThrow(/casewatch:alarmEmail must list bare email addresses/);
    } finally {
      out.cleanup();
    }
  });
});

describe('cdk-nag', () => {
  it('finds nothing to report (the stack’s placeholder-mail warning aside), and nothing is acknowledged in the observability construct', () => {
    expect(unsuppressedFindings(app.report)).toEqual([PLACEHOLDER_MAIL_FINDING]);
    expect(suppressions(app.report).filter((s) => s.acknowledgedAt.includes('/Observability'))).toEqual([]);
  });

  it('leaves no CDK warning on the construct (e.g. a math expression period overriding its metrics)', () => {
    const warnings = Annotations.fromStack(app.stack).findWarning('*', Match.anyValue());
    expect(warnings.filter((w) => w.id.includes('/Observability'))).toEqual([]);
  });
});

describe('the construct on its own', () => {
  /**
   * A stack with one function (also the stream function) and one queue. Its alarms: 4 breach, the queue's
   * (its own or the owner's), 1 error rate, 1 stream lag, 1 API 5xx.
   */
  function standalone(ownerAlarm: boolean) {
    const stack = new Stack(new App(), 'Standalone');
    const httpApi = new HttpApi(stack, 'Api');
    const fn = new LambdaFunction(stack, 'Extra', {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = async () => {};'),
    });
    const queue = new Queue(stack, 'ExtraDlq');
    const alarms = ownerAlarm
      ? [
          new Alarm(stack, 'OwnerAlarm', {
            metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
            threshold: 0,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
          }),
        ]
      : [];
    const observability = new Observability(stack, 'Observability', {
      httpApi,
      functions: [fn],
      streamFunction: fn,
      deadLetterQueues: [{ label: 'Extra dead-letter queue', queue }],
      alarms,
    });
    return { observability, template: Template.fromStack(stack) };
  }

  it('alarms on a listed dead-letter queue its owner does not alarm on', () => {
    const { observability, template } = standalone(false);
    expect(observability.deadLetterAlarms).toHaveLength(1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Extra') } }],
      Statistic: 'Maximum',
      Threshold: 300_000,
      EvaluationPeriods: 3,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4 + 1 + 1 + 1 + 1);
  });

  it('does not alarm twice on a queue its owner already alarms on, and routes the owner’s alarm', () => {
    const { observability, template } = standalone(true);
    expect(observability.deadLetterAlarms).toEqual([]);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4 + 1 + 1 + 1 + 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
  });
});
