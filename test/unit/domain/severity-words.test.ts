import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, FUNCTION_AREAS, type Qualifications } from '../../../shared/domain/severity.ts';
import { suggestSeverity } from '../../../shared/domain/severity-suggestion.ts';
import { loadLabelledSet, scoreAreas } from '../../support/severity-labelled-set.ts';

const set = loadLabelledSet();
const areasOf = (text: { subject: string; description: string }) => suggestSeverity(text).functionAreas;

/** docs/severity.md#the-labelled-set: what the set must hold to say anything. */
describe('the labelled set', () => {
  it('has at least 80 descriptions, each id once', () => {
    expect(set.length).toBeGreaterThanOrEqual(80);
    expect(new Set(set.map((d) => d.id)).size).toBe(set.length);
  });

  it('holds every area at least ten times, and a quarter of it out of tuning, every area among them', () => {
    for (const area of FUNCTION_AREAS) {
      expect(set.filter((d) => d.areas.includes(area)).length, area).toBeGreaterThanOrEqual(10);
      expect(set.filter((d) => d.split === 'holdout' && d.areas.includes(area)).length, area).toBeGreaterThan(
        0,
      );
    }
    const heldOut = set.filter((d) => d.split === 'holdout').length / set.length;
    expect(heldOut).toBeGreaterThanOrEqual(0.2);
    expect(heldOut).toBeLessThanOrEqual(0.3);
  });

  it('is about a third everyday questions, from sellers and from buyers', () => {
    const everyday = set.filter((d) => d.areas.length === 0);
    expect(everyday.length / set.length).toBeGreaterThanOrEqual(0.25);
    expect(new Set(everyday.map((d) => d.who))).toEqual(new Set(['seller', 'buyer']));
  });
});

describe('the suggestion on the labelled set', () => {
  const scores = scoreAreas(set, areasOf);
  const wrong = scores.wrong.map((w) => `${w.id}: [${w.expected}] read as [${w.got}]`).join('\n');

  it.each(FUNCTION_AREAS)('%s: precision and recall at least 0.9', (area) => {
    const s = scores.byArea[area];
    expect(s.precision, wrong).not.toBeNull();
    expect(s.precision ?? 0, wrong).toBeGreaterThanOrEqual(0.9);
    expect(s.recall ?? 0, wrong).toBeGreaterThanOrEqual(0.9);
  });

  it('leaves at least nine in ten everyday questions without an area', () => {
    const { left, of } = scores.everydayLeftAlone;
    expect(left / of, wrong).toBeGreaterThanOrEqual(0.9);
  });
});

/** Sentences about nothing the suggestion reads: no area, no failure, no urgency. */
const unrelated = fc
  .tuple(
    fc.constantFrom(
      'Thanks in advance.',
      'Best regards, {name}.',
      'We sell {thing} to {who}.',
      'Our team is based in {city}.',
      'I hope you had a nice weekend.',
      '{name} from our team is in copy.',
      'We have been with you since {year}.',
      'By the way, {name} says hello.',
    ),
    fc.constantFrom('Dana', 'Kofi', 'Mei', 'Lars'),
    fc.constantFrom('photo editing software', 'fonts', 'a note-taking app', 'video courses'),
    fc.constantFrom('designers', 'students', 'photographers'),
    fc.constantFrom('Lisbon', 'Osaka', 'Denver'),
    fc.integer({ min: 2015, max: 2026 }),
  )
  .map(([template, name, thing, who, city, year]) =>
    template
      .replace('{name}', name)
      .replace('{thing}', thing)
      .replace('{who}', who)
      .replace('{city}', city)
      .replace('{year}', String(year)),
  );

const labelled = fc.constantFrom(...set);

/** The description with `sentence` put between two of its sentences (or first, or last). */
function insert(description: string, sentence: string, at: number): string {
  const sentences = description.split(/(?<=[.!?])\s+/);
  const k = at % (sentences.length + 1);
  return [...sentences.slice(0, k), sentence, ...sentences.slice(k)].join(' ');
}

const answers: fc.Arbitrary<Qualifications> = fc.record(
  {
    functionAreas: fc.uniqueArray(fc.constantFrom(...FUNCTION_AREAS), { maxLength: 3 }),
    sellersAffected: fc.integer({ min: 0, max: 5 }),
    transactionsAffected: fc.integer({ min: 0, max: 120 }),
    ongoing: fc.boolean(),
    noWorkaround: fc.boolean(),
    churnRisk: fc.boolean(),
    timeDependent: fc.boolean(),
    multipleLiveStores: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe('the suggestion reads meaning, not where words stand', () => {
  it('an unrelated sentence anywhere in the description never changes the areas', () => {
    fc.assert(
      fc.property(labelled, unrelated, fc.nat(), (d, sentence, at) => {
        const moved = { subject: d.subject, description: insert(d.description, sentence, at) };
        expect(areasOf(moved)).toEqual(areasOf(d));
      }),
      { numRuns: 300 },
    );
  });

  it('letter case and spacing never change the areas', () => {
    fc.assert(
      fc.property(labelled, fc.constantFrom('upper', 'lower', 'spaces'), (d, how) => {
        const change = (s: string) =>
          how === 'upper' ? s.toUpperCase() : how === 'lower' ? s.toLowerCase() : s.replaceAll(' ', '  ');
        expect(areasOf({ subject: change(d.subject), description: change(d.description) })).toEqual(
          areasOf(d),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('every reason quotes words of the case', () => {
    fc.assert(
      fc.property(labelled, unrelated, fc.nat(), (d, sentence, at) => {
        const text = { subject: d.subject, description: insert(d.description, sentence, at) };
        const words = `${text.subject}\n${text.description}`.toLowerCase().replace(/\s+/g, ' ');
        for (const reason of suggestSeverity(text).reasons) {
          const quoted = /\("(.*)"\)$/.exec(reason)?.[1];
          expect(quoted, reason).toBeDefined();
          for (const part of (quoted as string).split('" … "')) expect(words, reason).toContain(part);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('the suggestion and the answers', () => {
  it('never goes below what the answers alone give, and meets every area they meet', () => {
    fc.assert(
      fc.property(labelled, answers, (d, q) => {
        const suggested = suggestSeverity(d, q);
        const alone = classify(q);
        expect(suggested.level).toBeLessThanOrEqual(alone.level);
        for (const area of ['severity', 'breadth', 'urgency', 'visibility'] as const) {
          if (alone.met[area]) expect(suggested.met[area]).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('answered function areas are the areas, whatever the words say', () => {
    fc.assert(
      fc.property(labelled, answers, (d, q) => {
        fc.pre(q.functionAreas !== undefined);
        expect(suggestSeverity(d, q).functionAreas).toEqual(q.functionAreas);
      }),
      { numRuns: 200 },
    );
  });
});

/** Ways of saying an area is not the matter, for each area in words sellers use. */
const areaWords = fc.constantFrom(
  'webhooks',
  'the webhook',
  'the API',
  'API timeouts',
  'payouts',
  'our payout',
  'subscriptions',
  'renewals',
  'the checkout',
  'VAT',
  'license keys',
  'downloads',
  'B2B registration',
  'account ownership',
  'split pay',
);

describe('negation: an area said not to be the matter is not flagged', () => {
  it('"not about", "nothing to do with", "not a … problem", "… work fine", alone or among unrelated sentences', () => {
    fc.assert(
      fc.property(
        areaWords,
        fc.constantFrom(
          'This is not about {x}.',
          'It has nothing to do with {x}.',
          'This is not a {x} problem.',
          'No problem with {x}, they work fine.',
          'Just so you know, {x} work fine.',
        ),
        fc.array(unrelated, { maxLength: 2 }),
        (x, template, around) => {
          const description = [...around, template.replace('{x}', x), 'How do I rename our store?'].join(' ');
          expect(areasOf({ subject: 'A question', description })).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a dismissal added to a description never adds an area', () => {
    fc.assert(
      fc.property(labelled, areaWords, fc.nat(), (d, x, at) => {
        const before = new Set(areasOf(d));
        const after = areasOf({
          subject: d.subject,
          description: insert(d.description, `This is not about ${x}.`, at),
        });
        for (const area of after) expect(before.has(area), area).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
