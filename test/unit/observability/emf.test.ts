import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { changeStatus } from '../../../shared/app/change-status.ts';
import { postMessage } from '../../../shared/app/post-message.ts';
import { reactToChange } from '../../../shared/app/react-to-change.ts';
import { requestEscalation } from '../../../shared/app/requester-actions.ts';
import { submitSurvey } from '../../../shared/app/survey.ts';
import { setSeverity } from '../../../shared/app/triage.ts';
import type { RecordMetric } from '../../../shared/ports/metrics.ts';
import { agent, openConsumerCase } from '../../support/cases.ts';
import { TimerSim } from '../../support/timer-sim.ts';

const UNITS = new Set(['Count', 'None', 'Seconds', 'Milliseconds', 'Percent']);

/** The EMF specification's rules for one log line (docs.aws.amazon.com, CloudWatch embedded metric format). */
function assertValidEmf(line: string) {
  const doc = JSON.parse(line) as Record<string, unknown> & {
    _aws: {
      Timestamp: number;
      CloudWatchMetrics: {
        Namespace: string;
        Dimensions: string[][];
        Metrics: { Name: string; Unit?: string }[];
      }[];
    };
  };
  expect(Number.isInteger(doc._aws.Timestamp)).toBe(true);
  expect(doc._aws.CloudWatchMetrics).toHaveLength(1);
  const directive = doc._aws.CloudWatchMetrics[0];
  expect(directive?.Namespace).toBe('casewatch');
  for (const set of directive?.Dimensions ?? []) {
    expect(set.length).toBeGreaterThan(0);
    expect(set.length).toBeLessThanOrEqual(30);
    for (const key of set) expect(typeof doc[key]).toBe('string');
  }
  expect(directive?.Metrics.length).toBeGreaterThan(0);
  for (const m of directive?.Metrics ?? []) {
    expect(m.Name).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    if (m.Unit !== undefined) expect(UNITS.has(m.Unit)).toBe(true);
    expect(typeof doc[m.Name]).toBe('number');
  }
  return { doc, directive };
}

let lines: string[] = [];

beforeEach(() => {
  lines = [];
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.resetModules();
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk).trim());
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('metric lines are valid EMF', () => {
  it('a sample of every metric the handlers record, through the real Powertools metrics', async () => {
    const { recordMetric } = (await import('../../../shared/adapters/powertools/observability.ts')) as {
      recordMetric: RecordMetric;
    };
    // A case life in memory produces the handlers' metric calls (reactions, as the stream runs them).
    const sim = new TimerSim('2026-12-01T17:00:00.000Z');
    const deps = sim.appDeps;
    const c = await openConsumerCase(deps, { description: 'Charged twice', billingDescriptor: 'FSPRG' });
    await requestEscalation(deps, { kind: 'consumer', caseId: c.id }, c.id, 'Urgent');
    await setSeverity(deps, agent, c.id, { level: 0, reason: 'outage' });
    sim.clock.advance(3 * 3_600_000);
    await postMessage(deps, agent, c.id, { body: 'On it' });
    await sim.advanceTo('2026-12-03T17:00:00.000Z');
    await changeStatus(deps, agent, c.id, { status: 'pending_closure' });
    await sim.advanceTo('2026-12-10T17:00:00.000Z');
    await submitSurvey({ ...sim.deps, surveyTokens: sim.surveyTokens }, `survey-${c.id}`, {
      ratings: { overall: 5, timeliness: 3, friendliness: 4 },
    });
    await sim.drain();
    // The backlog gauge comes from counter records on the stream.
    await reactToChange(
      {
        ...sim.deps,
        scheduler: sim.scheduler,
        surveyTokens: sim.surveyTokens,
        meetingLinks: sim.meetingLinks,
        correspondents: sim.correspondents,
        notifier: { notify: async () => {} },
        recordMetric: (...point) =>
          void sim.metrics.push({ name: point[0], dimensions: point[1], value: point[2], unit: point[3] }),
      },
      { kind: 'counter', status: 'working', level: 1, count: 7 },
    );

    const names = new Set(sim.metrics.map((m) => m.name));
    for (const expected of [
      'CaseOpened',
      'EscalationRequested',
      'SlaAtRisk',
      'FirstResponseBreached',
      'NextUpdateBreached',
      'CaseAutoClosed',
      'SurveyScore',
      'OpenCases',
    ])
      expect(names).toContain(expected);

    for (const m of sim.metrics) recordMetric(m.name, m.dimensions, m.value, m.unit);
    const emf = lines.filter((l) => l.startsWith('{') && l.includes('"_aws"'));
    expect(emf).toHaveLength(sim.metrics.length);
    emf.forEach((line, i) => {
      const m = sim.metrics[i];
      const { doc, directive } = assertValidEmf(line);
      expect(directive?.Metrics.map((x) => x.Name)).toEqual([m?.name]);
      // Exactly the dimension set the dashboard queries: `service` plus the metric's own.
      expect(directive?.Dimensions).toEqual([['service', ...Object.keys(m?.dimensions ?? {})]]);
      expect(doc.service).toBe('casewatch');
      expect(doc[m?.name ?? '']).toBe(m?.value ?? 1);
    });
  });

  it('TimeToFirstResponse is a plain number of minutes; SurveyScore a plain score', async () => {
    const { recordMetric } = (await import('../../../shared/adapters/powertools/observability.ts')) as {
      recordMetric: RecordMetric;
    };
    recordMetric('TimeToFirstResponse', { severity: '1' }, 42, 'Minutes');
    recordMetric('SurveyScore', { topic: 'overall' }, 4, 'None');
    recordMetric('OpenCases', { status: 'new', severity: '2' }, 3, 'Count');
    const [ttfr, score, open] = lines.filter((l) => l.includes('"_aws"')).map((l) => assertValidEmf(l));
    expect(ttfr?.doc.TimeToFirstResponse).toBe(42);
    expect(ttfr?.directive?.Metrics[0]?.Unit).toBe('None');
    expect(score?.doc.SurveyScore).toBe(4);
    expect(open?.doc).toMatchObject({ OpenCases: 3, status: 'new', severity: '2' });
    expect(open?.directive?.Metrics[0]?.Unit).toBe('Count');
  });
});
