import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { FUNCTION_AREAS, type FunctionArea } from '../../shared/domain/severity.ts';
import type { CaseText } from '../../shared/domain/severity-suggestion.ts';

/**
 * The labelled set of case descriptions (docs/severity.md#the-labelled-set): what sellers and buyers
 * really write, each with the critical function areas it is about. Read by the unit test that holds the
 * suggestion to its precision and recall and by the bench that prints them.
 */
const LabelledDescriptionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+-\d{2}$/),
  who: z.enum(['seller', 'buyer']),
  subject: z.string().min(1),
  description: z.string().min(1),
  areas: z.array(z.enum(FUNCTION_AREAS)),
  /** `holdout` items are not looked at while tuning: their figures say how the suggestion does on new words. */
  split: z.enum(['tune', 'holdout']),
});
export type LabelledDescription = z.infer<typeof LabelledDescriptionSchema>;

const LabelledSetSchema = z.strictObject({
  about: z.string(),
  descriptions: z.array(LabelledDescriptionSchema),
});

export const LABELLED_SET_PATH = new URL('../fixtures/severity/descriptions.json', import.meta.url);

export function loadLabelledSet(): LabelledDescription[] {
  return LabelledSetSchema.parse(JSON.parse(readFileSync(LABELLED_SET_PATH, 'utf8'))).descriptions;
}

/** Counts for one area (or all areas together); precision is null when the area was never suggested. */
export interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Descriptions labelled with the area. */
  labelled: number;
  precision: number | null;
  recall: number | null;
}

export interface Scores {
  byArea: Record<FunctionArea, Score>;
  /** Every area of every description counted together (micro-average). */
  overall: Score;
  /** Descriptions labelled with no area that got none: everyday questions left alone. */
  everydayLeftAlone: { left: number; of: number };
  /** Descriptions whose suggested areas differ from their labels. */
  wrong: { id: string; expected: FunctionArea[]; got: FunctionArea[] }[];
}

function score(tp: number, fp: number, fn: number): Score {
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    labelled: tp + fn,
    precision: tp + fp === 0 ? null : tp / (tp + fp),
    recall: tp + fn === 0 ? null : tp / (tp + fn),
  };
}

/** Precision and recall of `areasOf` (the function areas suggested for a case's words) over `items`. */
export function scoreAreas(
  items: readonly LabelledDescription[],
  areasOf: (text: CaseText) => readonly FunctionArea[],
): Scores {
  const counts = Object.fromEntries(FUNCTION_AREAS.map((a) => [a, { tp: 0, fp: 0, fn: 0 }])) as Record<
    FunctionArea,
    { tp: number; fp: number; fn: number }
  >;
  const wrong: Scores['wrong'] = [];
  let everyday = 0;
  let everydayLeft = 0;
  for (const item of items) {
    const got = new Set(areasOf({ subject: item.subject, description: item.description }));
    const expected = new Set(item.areas);
    for (const area of FUNCTION_AREAS) {
      const c = counts[area];
      if (got.has(area) && expected.has(area)) c.tp++;
      else if (got.has(area)) c.fp++;
      else if (expected.has(area)) c.fn++;
    }
    if (expected.size === 0) {
      everyday++;
      if (got.size === 0) everydayLeft++;
    }
    if (got.size !== expected.size || [...got].some((a) => !expected.has(a))) {
      wrong.push({ id: item.id, expected: [...expected], got: [...got] });
    }
  }
  const all = Object.values(counts).reduce(
    (s, c) => ({ tp: s.tp + c.tp, fp: s.fp + c.fp, fn: s.fn + c.fn }),
    { tp: 0, fp: 0, fn: 0 },
  );
  return {
    byArea: Object.fromEntries(
      FUNCTION_AREAS.map((a) => [a, score(counts[a].tp, counts[a].fp, counts[a].fn)]),
    ) as Record<FunctionArea, Score>,
    overall: score(all.tp, all.fp, all.fn),
    everydayLeftAlone: { left: everydayLeft, of: everyday },
    wrong,
  };
}
