import { FUNCTION_AREAS, type FunctionArea } from '../shared/domain/severity.ts';
import { type CaseText, suggestSeverity } from '../shared/domain/severity-suggestion.ts';
import {
  type LabelledDescription,
  loadLabelledSet,
  type Score,
  type Scores,
  scoreAreas,
} from '../test/support/severity-labelled-set.ts';
import { round } from './stats.ts';

/** The function areas the suggestion reads in a case's words (no answers given). */
const areasOf = (text: CaseText): FunctionArea[] => suggestSeverity(text).functionAreas;

export interface SeverityWordsRow {
  area: FunctionArea | 'overall';
  tuning: Score;
  holdout: Score;
  all: Score;
}

export interface SeverityWordsReport {
  descriptions: { tuning: number; holdout: number; everyday: number };
  rows: SeverityWordsRow[];
  everydayLeftAlone: { tuning: Scores['everydayLeftAlone']; holdout: Scores['everydayLeftAlone'] };
  /** Tuning descriptions the suggestion gets wrong; held-out ones are counted, never listed. */
  tuningMisses: Scores['wrong'];
  holdoutMisses: number;
  /** Mean time to read one description's words, in microseconds. */
  microsPerDescription: number;
}

const rounded = (s: Score): Score => ({
  ...s,
  precision: s.precision === null ? null : round(s.precision, 3),
  recall: s.recall === null ? null : round(s.recall, 3),
});

/**
 * Precision and recall of the function areas the suggestion reads in the labelled set
 * (docs/severity.md#the-labelled-set), tuning and held-out descriptions apart, and what reading costs.
 */
export function benchSeverityWords(): SeverityWordsReport {
  const set = loadLabelledSet();
  const tuning = set.filter((d) => d.split === 'tune');
  const holdout = set.filter((d) => d.split === 'holdout');
  const [t, h, a] = [tuning, holdout, set].map((items: LabelledDescription[]) =>
    scoreAreas(items, areasOf),
  ) as [Scores, Scores, Scores];
  const rows: SeverityWordsRow[] = [
    ...FUNCTION_AREAS.map((area) => ({
      area,
      tuning: rounded(t.byArea[area]),
      holdout: rounded(h.byArea[area]),
      all: rounded(a.byArea[area]),
    })),
    {
      area: 'overall' as const,
      tuning: rounded(t.overall),
      holdout: rounded(h.overall),
      all: rounded(a.overall),
    },
  ];

  const rounds = 20;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) for (const d of set) areasOf(d);
  const micros = ((performance.now() - started) * 1000) / (rounds * set.length);

  return {
    descriptions: {
      tuning: tuning.length,
      holdout: holdout.length,
      everyday: set.filter((d) => d.areas.length === 0).length,
    },
    rows,
    everydayLeftAlone: { tuning: t.everydayLeftAlone, holdout: h.everydayLeftAlone },
    tuningMisses: t.wrong,
    holdoutMisses: h.wrong.length,
    microsPerDescription: round(micros, 1),
  };
}
