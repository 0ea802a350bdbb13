import { METRICS, type MetricName, type MetricUnit, type RecordMetric } from '../shared/ports/metrics.ts';

interface Point {
  name: MetricName;
  dimensions: Record<string, string>;
  value: number;
  unit: MetricUnit;
}

const LEVELS = ['0', '1', '2', '3'] as const;
const TOPICS = ['overall', 'timeliness', 'friendliness'] as const;

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? null;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The local stand-in for CloudWatch's side of the dashboard: every data point the local handlers
 * publish (they still print their EMF lines), summed the way the dashboard's widgets sum them, since
 * this runtime started. `GET /_local/metrics` answers `summary()` with the exact backlog next to it.
 */
export function createMetricsTally() {
  const points: Point[] = [];
  const record: RecordMetric = (name, dimensions, value = 1, unit = 'Count') => {
    points.push({ name, dimensions, value, unit });
  };
  const sum = (name: MetricName, match: (d: Record<string, string>) => boolean = () => true) =>
    points.filter((p) => p.name === name && match(p.dimensions)).reduce((s, p) => s + p.value, 0);
  const bySeverity = (name: MetricName) =>
    Object.fromEntries(LEVELS.map((l) => [l, sum(name, (d) => d.severity === l)]));
  /** One dimension's values as they came, each summed. */
  const by = (name: MetricName, dimension: string) => {
    const totals: Record<string, number> = {};
    for (const p of points) {
      const value = p.dimensions[dimension];
      if (p.name === name && value !== undefined) totals[value] = (totals[value] ?? 0) + p.value;
    }
    return totals;
  };

  function summary() {
    const firstResponse = Object.fromEntries(
      LEVELS.map((level) => {
        const met = sum(METRICS.firstResponseMet, (d) => d.severity === level);
        const breached = sum(METRICS.firstResponseBreached, (d) => d.severity === level);
        const minutes = points
          .filter((p) => p.name === METRICS.timeToFirstResponse && p.dimensions.severity === level)
          .map((p) => p.value)
          .sort((a, b) => a - b);
        return [
          level,
          {
            met,
            breached,
            // Met ÷ (met + breached), as the dashboard's compliance widget computes it; null before any.
            compliancePercent: met + breached === 0 ? null : round1((100 * met) / (met + breached)),
            timeToFirstResponseMinutes: { p50: percentile(minutes, 50), p90: percentile(minutes, 90) },
          },
        ];
      }),
    );
    const surveyScores = Object.fromEntries(
      TOPICS.map((topic) => {
        const scores = points.filter((p) => p.name === METRICS.surveyScore && p.dimensions.topic === topic);
        const total = scores.reduce((s, p) => s + p.value, 0);
        return [
          topic,
          { answers: scores.length, average: scores.length ? round1(total / scores.length) : null },
        ];
      }),
    );
    return {
      casesOpened: bySeverity(METRICS.caseOpened),
      firstResponse,
      nextUpdateBreached: bySeverity(METRICS.nextUpdateBreached),
      atRisk: bySeverity(METRICS.slaAtRisk),
      escalations: bySeverity(METRICS.escalationRequested),
      autoClosed: sum(METRICS.caseAutoClosed),
      surveyScores,
      // Mail not sent, by reason; bounces and complaints SES reported, by kind (docs/mail.md#limits).
      mailSuppressed: by(METRICS.mailSuppressed, 'reason'),
      mailFeedback: by(METRICS.mailFeedback, 'kind'),
    };
  }

  return { record, summary, points: () => [...points] };
}
