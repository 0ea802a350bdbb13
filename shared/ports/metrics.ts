/**
 * The custom metrics casewatch publishes, by name: the stream reaction and the inbound mail handler
 * record them; the dashboard, the alarms and the local tally read them. One list, so a renamed metric
 * cannot leave a widget or an alarm watching nothing. Dimensions are noted beside each.
 */
export const METRICS = {
  /** A case was opened. Dimensions: `severity` (the level it opened at), `type`, `channel`. */
  caseOpened: 'CaseOpened',
  /** A first response was given in time. Dimension: `severity`. */
  firstResponseMet: 'FirstResponseMet',
  /** A first-response deadline passed unmet. Dimension: `severity`. */
  firstResponseBreached: 'FirstResponseBreached',
  /** A next-update deadline passed unmet. Dimension: `severity`. */
  nextUpdateBreached: 'NextUpdateBreached',
  /** Minutes from opening to the first response (unit `None`). Dimension: `severity`. */
  timeToFirstResponse: 'TimeToFirstResponse',
  /** A deadline's window is 75% gone. Dimension: `severity`. */
  slaAtRisk: 'SlaAtRisk',
  /** A requester asked for an escalation. Dimension: `severity`. */
  escalationRequested: 'EscalationRequested',
  /** A case closed by itself after its quiet days in pending closure. No dimensions. */
  caseAutoClosed: 'CaseAutoClosed',
  /** One survey rating, 1–5 (unit `None`). Dimension: `topic`. */
  surveyScore: 'SurveyScore',
  /** Gauge: open cases in one status at one level, after each change. Dimensions: `status`, `severity`. */
  openCases: 'OpenCases',
  /** An inbound mail was handled. Dimension: `outcome` (opened, posted, noted, duplicate, or the archive reason). */
  mailReceived: 'MailReceived',
  /**
   * A recipient was not mailed (docs/mail.md#limits). Dimension: `reason` (bounced, complained,
   * recipient-limit, escalation-limit).
   */
  mailSuppressed: 'MailSuppressed',
  /** SES reported a bounce or complaint of our mail. Dimension: `kind` (hard-bounce, soft-bounce, complaint). */
  mailFeedback: 'MailFeedback',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** The CloudWatch namespace of every custom metric, and the Powertools service every function reports as. */
export const METRICS_NAMESPACE = 'casewatch';
export const SERVICE_NAME = 'casewatch';

export type MetricUnit = 'Count' | 'Minutes' | 'None';

/**
 * Operational measurements (CloudWatch EMF in AWS, log lines and a tally locally); one call, one data
 * point. `value` defaults to 1 and `unit` to Count.
 */
export type RecordMetric = (
  name: MetricName,
  dimensions: Record<string, string>,
  value?: number,
  unit?: MetricUnit,
) => void;
