import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { CASE_TYPES, CHANNELS } from '../../shared/domain/case.ts';
import { SEVERITY_LABELS, SEVERITY_LEVELS, type SeverityLevel } from '../../shared/domain/severity.ts';
import { BACKLOG_STATUSES } from '../../shared/domain/status.ts';
import { SURVEY_QUESTIONS } from '../../shared/domain/survey.ts';
import { METRICS, METRICS_NAMESPACE, type MetricName, SERVICE_NAME } from '../../shared/ports/metrics.ts';
import {
  ERROR_RATE_THRESHOLD_PERCENT,
  type ObservedQueue,
  STREAM_LAG_EVALUATION_MINUTES,
  STREAM_LAG_THRESHOLD,
} from './alarms.ts';
import { caseMetric, streamLag } from './case-metrics.ts';

/** The survey topics: `SurveyScore` is published per topic. */
export const SURVEY_TOPICS = SURVEY_QUESTIONS.map((q) => q.topic);

/** The dashboard's name: the stack also hands it to the stats route, which links to it. */
export const DASHBOARD_NAME = 'casewatch';

/** What the dashboard shows besides the casewatch EMF metrics. */
export interface CasewatchDashboardProps {
  /** @default DASHBOARD_NAME */
  readonly dashboardName?: string;
  readonly httpApi: IHttpApi;
  /** Graphed for errors and throttles. */
  readonly functions: readonly IFunction[];
  /** Graphed on its iterator age. */
  readonly streamFunction: IFunction;
  /** Graphed on their depth. */
  readonly deadLetterQueues: readonly ObservedQueue[];
  /** Listed in the alarm status widget. */
  readonly alarms: readonly Alarm[];
}

/**
 * What support leads and operators watch (issue #6), on one page: the support view over the casewatch
 * EMF metrics (backlog, first-response compliance, breaches, response times, closures, escalations,
 * surveys), then the operator view (dead-letter queues, stream lag, Lambda, API, every alarm).
 */
export class CasewatchDashboard extends Dashboard {
  public constructor(scope: Construct, id: string, props: CasewatchDashboardProps) {
    super(scope, id, {
      dashboardName: props.dashboardName ?? DASHBOARD_NAME,
      defaultInterval: Duration.days(7),
    });
    for (const row of [...caseRows(), ...operationsRows(props)]) this.addWidgets(...row);
  }
}

/** The support view, over the casewatch EMF metrics. */
function caseRows(): IWidget[][] {
  const hour = Duration.hours(1);
  const day = Duration.days(1);
  const bySeverity = (metricName: MetricName, statistic = 'Sum', period = hour) =>
    SEVERITY_LEVELS.map((level) =>
      caseMetric(metricName, { severity: String(level) }, statistic, period, levelLabel(level)),
    );

  return [
    [
      new TextWidget({
        width: 24,
        height: 4,
        markdown: [
          '# casewatch',
          `Case metrics are EMF in namespace \`${METRICS_NAMESPACE}\`, each point with dimension \`service=${SERVICE_NAME}\`; levels are L0 (Highest) to L3 (Low).`,
          '',
          '- **Backlog**: the `OpenCases` count per status × level, published when it changes. A line holds its last value (`FILL(…, REPEAT)`), so it starts at its first change within the range.',
          '- **First-response compliance** = met ÷ (met + breached) × 100, counting each first response when it was given in time, and each breach when it happened, in the last 24 h or 7 d (fixed, whatever the dashboard range); a response given after its breach counts as breached only. No value means neither happened.',
          `- **Alarms** (to the casewatch alarm topic): any L0/L1 first-response or next-update breach, any message in a dead-letter queue, a function failing more than ${ERROR_RATE_THRESHOLD_PERCENT}% of its invocations over 5 min, the stream function more than ${STREAM_LAG_THRESHOLD.toMinutes()} min behind the stream for ${STREAM_LAG_EVALUATION_MINUTES} min, any API 5xx.`,
        ].join('\n'),
      }),
    ],
    [
      new GraphWidget({
        title: 'Backlog by status',
        width: 12,
        stacked: true,
        left: BACKLOG_STATUSES.map((status) =>
          sumOf(
            SEVERITY_LEVELS.map((level) => held(openCases(status, level))),
            status,
            hour,
          ),
        ),
        leftYAxis: { min: 0, showUnits: false },
      }),
      new GraphWidget({
        title: 'Backlog by severity',
        width: 12,
        stacked: true,
        left: SEVERITY_LEVELS.map((level) =>
          sumOf(
            BACKLOG_STATUSES.map((status) => held(openCases(status, level))),
            levelLabel(level),
            hour,
          ),
        ),
        leftYAxis: { min: 0, showUnits: false },
      }),
    ],
    [
      new SingleValueWidget({
        title: 'Backlog now, by status × severity',
        width: 24,
        height: 6,
        metrics: BACKLOG_STATUSES.flatMap((status) =>
          SEVERITY_LEVELS.map((level) => held(openCases(status, level), `${status} · L${level}`)),
        ),
      }),
    ],
    [
      complianceWidget('First-response compliance %, last 24 h', '-PT24H'),
      complianceWidget('First-response compliance %, last 7 d', '-P7D'),
    ],
    [
      new GraphWidget({
        title: 'First-response breaches (per hour)',
        width: 8,
        left: bySeverity(METRICS.firstResponseBreached),
        leftYAxis: { min: 0, showUnits: false },
      }),
      new GraphWidget({
        title: 'Next-update breaches (per hour)',
        width: 8,
        left: bySeverity(METRICS.nextUpdateBreached),
        leftYAxis: { min: 0, showUnits: false },
      }),
      new GraphWidget({
        title: 'At risk: 75% of a window gone (per hour)',
        width: 8,
        left: bySeverity(METRICS.slaAtRisk),
        leftYAxis: { min: 0, showUnits: false },
      }),
    ],
    [
      new GraphWidget({
        title: 'Time to first response, p50 / p90 (minutes, daily)',
        width: 12,
        left: SEVERITY_LEVELS.flatMap((level) =>
          ['p50', 'p90'].map((statistic) =>
            caseMetric(
              METRICS.timeToFirstResponse,
              { severity: String(level) },
              statistic,
              day,
              `${levelLabel(level)} ${statistic}`,
            ),
          ),
        ),
        leftYAxis: { min: 0, showUnits: false, label: 'minutes' },
      }),
      new GraphWidget({
        title: 'Cases opened (per hour)',
        width: 12,
        stacked: true,
        left: SEVERITY_LEVELS.map((level) =>
          sumOf(
            CASE_TYPES.flatMap((type) =>
              CHANNELS.map((channel) =>
                caseMetric(METRICS.caseOpened, { severity: String(level), type, channel }, 'Sum', hour),
              ),
            ),
            levelLabel(level),
            hour,
          ),
        ),
        leftYAxis: { min: 0, showUnits: false },
      }),
    ],
    [
      new GraphWidget({
        title: 'Auto-closed cases (per day)',
        width: 8,
        left: [caseMetric(METRICS.caseAutoClosed, {}, 'Sum', day, 'auto-closed')],
        leftYAxis: { min: 0, showUnits: false },
      }),
      new GraphWidget({
        title: 'Escalations requested (per day)',
        width: 8,
        left: bySeverity(METRICS.escalationRequested, 'Sum', day),
        leftYAxis: { min: 0, showUnits: false },
      }),
      new GraphWidget({
        title: 'Survey scores (daily average, 1–5)',
        width: 8,
        left: SURVEY_TOPICS.map((topic) => caseMetric(METRICS.surveyScore, { topic }, 'Average', day, topic)),
        leftYAxis: { min: 1, max: 5, showUnits: false },
      }),
    ],
  ];
}

/**
 * The operator view: what was given up on, how far behind the stream is, what failed, how the API is
 * doing, and every alarm.
 */
function operationsRows(props: CasewatchDashboardProps): IWidget[][] {
  const period = Duration.minutes(5);
  return [
    [
      new GraphWidget({
        title: 'Dead-letter queue depth',
        width: 6,
        left: props.deadLetterQueues.map(({ label, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period, label }),
        ),
        leftYAxis: { min: 0, showUnits: false },
      }),
      new GraphWidget({
        title: 'Stream lag (IteratorAge, max)',
        width: 6,
        left: [streamLag(props.streamFunction, period, props.streamFunction.node.id)],
        leftAnnotations: [
          {
            value: STREAM_LAG_THRESHOLD.toMilliseconds(),
            label: `alarm: ${STREAM_LAG_THRESHOLD.toMinutes()} min for ${STREAM_LAG_EVALUATION_MINUTES} min`,
          },
        ],
        leftYAxis: { min: 0, showUnits: false, label: 'ms' },
      }),
      new GraphWidget({
        title: 'Lambda errors',
        width: 6,
        left: props.functions.map((fn) => fn.metricErrors({ statistic: 'Sum', period, label: fn.node.id })),
        leftYAxis: { min: 0, showUnits: false },
      }),
      new GraphWidget({
        title: 'Lambda throttles',
        width: 6,
        left: props.functions.map((fn) =>
          fn.metricThrottles({ statistic: 'Sum', period, label: fn.node.id }),
        ),
        leftYAxis: { min: 0, showUnits: false },
      }),
    ],
    [
      new GraphWidget({
        title: 'API requests, 4xx and 5xx',
        width: 12,
        left: [props.httpApi.metricCount({ statistic: 'Sum', period, label: 'requests' })],
        right: [
          props.httpApi.metricClientError({ statistic: 'Sum', period, label: '4xx' }),
          props.httpApi.metricServerError({ statistic: 'Sum', period, label: '5xx' }),
        ],
        leftYAxis: { min: 0, showUnits: false },
        rightYAxis: { min: 0, showUnits: false },
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        width: 12,
        left: [
          ...['p50', 'p90', 'p99'].map((statistic) =>
            props.httpApi.metricLatency({ statistic, period, label: `latency ${statistic}` }),
          ),
          props.httpApi.metricIntegrationLatency({ statistic: 'p90', period, label: 'integration p90' }),
        ],
        leftYAxis: { min: 0, showUnits: false },
      }),
    ],
    [
      new AlarmStatusWidget({
        title: 'Alarms',
        width: 24,
        height: 4,
        alarms: [...props.alarms],
      }),
    ],
  ];
}

/** One backlog slot's count: the gauge's highest value in each hour. */
function openCases(status: string, level: SeverityLevel): Metric {
  return caseMetric(METRICS.openCases, { status, severity: String(level) }, 'Maximum', Duration.hours(1));
}

/** A gauge's line: each period without a point holds the last value seen in the range. */
function held(metric: Metric, label?: string): MathExpression {
  const id = metricId(metric);
  return new MathExpression({
    expression: `FILL(${id}, REPEAT)`,
    usingMetrics: { [id]: metric },
    label,
    period: metric.period,
  });
}

/**
 * Several series as one line. `SUM([...])` adds whatever series have a point in each period, so a series
 * with no data (a slot that never changed in the range) does not blank the sum as `a + b` would.
 */
function sumOf(
  series: readonly (Metric | MathExpression)[],
  label: string,
  period: Duration,
): MathExpression {
  const usingMetrics: Record<string, IMetric> = {};
  for (const s of series) usingMetrics[s instanceof Metric ? metricId(s) : `h_${expressionId(s)}`] = s;
  return new MathExpression({
    expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    label,
    period,
  });
}

/** Met ÷ (met + breached) per level, each summed over the widget's whole (fixed) time range. */
function complianceWidget(title: string, start: string): SingleValueWidget {
  const suffix = start.replace(/[^0-9A-Z]/g, '').toLowerCase();
  return new SingleValueWidget({
    title,
    width: 12,
    start,
    setPeriodToTimeRange: true,
    metrics: SEVERITY_LEVELS.map((level) => {
      const met = `met${level}_${suffix}`;
      const breached = `breached${level}_${suffix}`;
      return new MathExpression({
        expression: `100 * FILL(${met}, 0) / (FILL(${met}, 0) + FILL(${breached}, 0))`,
        usingMetrics: {
          [met]: caseMetric(METRICS.firstResponseMet, { severity: String(level) }, 'Sum', Duration.hours(1)),
          [breached]: caseMetric(
            METRICS.firstResponseBreached,
            { severity: String(level) },
            'Sum',
            Duration.hours(1),
          ),
        },
        label: `${levelLabel(level)} (%)`,
        period: Duration.hours(1),
      });
    }),
  });
}

/**
 * A math-expression id from a casewatch metric's name and dimension values (`openCases_new_0`): ids must
 * match `[a-z][a-zA-Z0-9_]*` and be unique within a widget.
 */
function metricId(metric: Metric): string {
  const values = Object.entries(metric.dimensions ?? {})
    .filter(([name]) => name !== 'service')
    .map(([, value]) => String(value));
  const id = [metric.metricName, ...values].join('_').replace(/[^a-zA-Z0-9_]/g, '_');
  return id.charAt(0).toLowerCase() + id.slice(1);
}

/** The id of a one-metric expression (see `held`): its metric's id. */
function expressionId(expression: MathExpression): string {
  const [id] = Object.keys(expression.usingMetrics);
  if (id === undefined) throw new Error(`${expression.expression} uses no metric`);
  return id;
}

const levelLabel = (level: SeverityLevel) => `L${level} ${SEVERITY_LABELS[level]}`;
