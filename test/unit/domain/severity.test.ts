import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classify,
  DEFAULT_BREADTH_THRESHOLDS,
  FUNCTION_AREAS,
  type Qualifications,
  QualificationsSchema,
} from '../../../shared/domain/severity.ts';
import { suggestSeverity } from '../../../shared/domain/severity-suggestion.ts';
import { readWords } from '../../../shared/domain/severity-words.ts';

const qualifications: fc.Arbitrary<Qualifications> = fc.record(
  {
    functionAreas: fc.uniqueArray(fc.constantFrom(...FUNCTION_AREAS), { maxLength: 3 }),
    sellersAffected: fc.integer({ min: 0, max: 5 }),
    impactedRevenueUsd: fc.double({ min: 0, max: 3000, noNaN: true }),
    transactionsAffected: fc.integer({ min: 0, max: 120 }),
    subscriptionInstancesAffected: fc.integer({ min: 0, max: 120 }),
    functionalityUsedBySellersPercent: fc.double({ min: 0, max: 100, noNaN: true }),
    ongoing: fc.boolean(),
    noWorkaround: fc.boolean(),
    churnRisk: fc.boolean(),
    timeDependent: fc.boolean(),
    multipleLiveStores: fc.boolean(),
  },
  { requiredKeys: [] },
);

/**
 * docs/severity.md#from-areas-to-a-level restated independently: the areas met, then the level for their
 * count.
 */
function specLevel(q: Qualifications): number {
  const t = DEFAULT_BREADTH_THRESHOLDS;
  const severity = (q.functionAreas ?? []).length > 0;
  const breadth =
    (q.sellersAffected ?? 0) >= t.sellersAffected ||
    (q.impactedRevenueUsd ?? 0) >= t.impactedRevenueUsd ||
    (q.transactionsAffected ?? 0) >= t.transactionsAffected ||
    (q.subscriptionInstancesAffected ?? 0) >= t.subscriptionInstancesAffected ||
    (q.functionalityUsedBySellersPercent ?? 0) >= t.functionalityUsedBySellersPercent;
  const urgency = !!(q.ongoing || q.noWorkaround || q.churnRisk || q.timeDependent);
  const visibility = q.multipleLiveStores === true;
  const met = [severity, breadth, urgency, visibility].filter(Boolean).length;
  return met === 4 ? 0 : met === 3 ? 1 : met === 0 ? 3 : 2;
}

describe('classify', () => {
  it('level follows the rule of docs/severity.md#from-areas-to-a-level for any answers', () => {
    fc.assert(
      fc.property(qualifications, (q) => {
        expect(classify(q).level).toBe(specLevel(q));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives a reason for every indicator that held, each naming its area', () => {
    fc.assert(
      fc.property(qualifications, (q) => {
        const c = classify(q);
        for (const area of ['severity', 'breadth', 'urgency', 'visibility'] as const) {
          expect(c.reasons.some((r) => r.startsWith(`${area}:`))).toBe(c.met[area]);
        }
      }),
    );
  });

  it.each([
    [{}, 3, 'Low'],
    [{ functionAreas: ['payouts'] }, 2, 'Medium'],
    [{ functionAreas: ['payouts'], sellersAffected: 2 }, 2, 'Medium'],
    [{ functionAreas: ['payouts'], sellersAffected: 2, ongoing: true }, 1, 'High'],
    [
      { functionAreas: ['api'], transactionsAffected: 50, noWorkaround: true, multipleLiveStores: true },
      0,
      'Highest',
    ],
    [{ sellersAffected: 1, impactedRevenueUsd: 999.99, transactionsAffected: 49 }, 3, 'Low'],
  ] as [Qualifications, number, string][])('%j → level %i (%s)', (q, level, label) => {
    const c = classify(q);
    expect(c.level).toBe(level);
    expect(c.label).toBe(label);
  });

  it('explains thresholds in its reasons', () => {
    expect(classify({ impactedRevenueUsd: 1500 }).reasons).toEqual([
      'breadth: 1500 USD revenue impacted (≥ 1000)',
    ]);
  });

  it('thresholds are configuration', () => {
    const strict = { ...DEFAULT_BREADTH_THRESHOLDS, sellersAffected: 10 };
    expect(classify({ sellersAffected: 5 }).met.breadth).toBe(true);
    expect(classify({ sellersAffected: 5 }, strict).met.breadth).toBe(false);
  });

  it('the schema refuses unknown keys, unknown areas and negative counts', () => {
    expect(QualificationsSchema.safeParse({ colour: 'red' }).success).toBe(false);
    expect(QualificationsSchema.safeParse({ functionAreas: ['coffee'] }).success).toBe(false);
    expect(QualificationsSchema.safeParse({ sellersAffected: -1 }).success).toBe(false);
    expect(QualificationsSchema.safeParse({ functionalityUsedBySellersPercent: 101 }).success).toBe(false);
  });
});

describe('suggestions from the words', () => {
  it.each([
    ['Customer complains about double billing', 'severity: subscriptions ("double billing")'],
    ['Rebill did not go through last night', 'severity: subscriptions ("rebill did not go through")'],
    ['Proration looks off after upgrade', 'severity: subscriptions ("proration looks off")'],
    ['My payout is missing this month', 'severity: payouts ("payout is missing")'],
    ['Webhook not firing for order.completed', 'severity: webhooks ("webhook not firing")'],
    ['Orders API timeout since 10am', 'severity: api ("api timeout")'],
    ['VAT charged to a business buyer', 'severity: transactions ("vat charged")'],
    ['Refund not received by buyer', 'severity: transactions ("refund not received")'],
    ['Buyer never got their license key', 'severity: fulfillments ("never got their license key")'],
    ['B2B portal registration fails for a high value order', 'severity: b2b ("registration fails")'],
    ['Account ownership dispute with former partner', 'severity: accounts ("account ownership")'],
    ['Split pay setup for two partners', 'severity: accounts ("split pay")'],
    ['Orders are not going through at checkout', 'severity: transactions ("not going through at checkout")'],
  ])('%s', (subject, reason) => {
    const s = suggestSeverity({ subject, description: 'see subject' });
    expect(s.reasons).toContain(reason);
    expect(s.met.severity).toBe(true);
  });

  it('spots urgency, breadth and visibility in the words', () => {
    const s = suggestSeverity({
      subject: 'URGENT: double billing on all of our stores',
      description: 'It is still happening, there is no workaround and hundreds of subscribers are affected.',
    });
    expect(s.reasons).toEqual(
      expect.arrayContaining([
        'severity: subscriptions ("double billing")',
        'urgency: ongoing ("still happening")',
        'urgency: no acceptable workaround ("no workaround")',
        'urgency: time dependency ("urgent")',
        'breadth: wide impact ("hundreds of")',
        'visibility: affecting multiple live stores ("all of our stores")',
      ]),
    );
    expect(s.level).toBe(0);
  });

  it('matches whole words only', () => {
    expect(readWords('rapid apiary taxonomy capitalize')).toEqual([]);
  });

  it('an answered question is settled by the answer, not the words', () => {
    const s = suggestSeverity(
      { subject: 'Webhook delays, ongoing', description: 'still happening' },
      { functionAreas: ['api'], ongoing: false },
    );
    expect(s.reasons).toEqual(['severity: api']);
    expect(s.met.urgency).toBe(false);
  });

  it('with no answers and plain words the suggestion is Low with no reasons', () => {
    expect(
      suggestSeverity({
        subject: 'Question about the dashboard',
        description: 'Where is the export button?',
      }),
    ).toEqual({
      level: 3,
      label: 'Low',
      met: { severity: false, breadth: false, urgency: false, visibility: false },
      functionAreas: [],
      reasons: [],
    });
  });

  it('never suggests a lower level than the answers alone give', () => {
    fc.assert(
      fc.property(qualifications, fc.string(), fc.string(), (q, subject, description) => {
        expect(suggestSeverity({ subject, description }, q).level).toBeLessThanOrEqual(classify(q).level);
      }),
    );
  });
});
