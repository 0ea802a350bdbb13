import type { FunctionArea } from './severity.ts';
import {
  ALL_WELL,
  AREA_CUES,
  type AreaCue,
  DISMISSALS,
  HOW_TO,
  INDICATOR_CUES,
  type Indicator,
  NEUTRAL,
  PROBLEMS,
  RECURRING,
  VOCABULARY,
} from './severity-cues.ts';
import {
  findAll,
  type Phrase,
  type PhraseMatch,
  phrase,
  quote,
  type ReadText,
  readText,
  type Sentence,
} from './words.ts';

/**
 * What the words of a case say about its severity (docs/severity.md#how-the-words-are-read): a function area
 * needs words that name it and words that say something is wrong with it, in one sentence, unless the words say
 * both at once ("double billing"). The cues themselves are in severity-cues.ts.
 */
export type Evidence = { area: 'severity'; functionArea: FunctionArea } | Indicator;

const compile = (phrases: readonly string[]): Phrase[] => phrases.map((p) => phrase(p, VOCABULARY));

interface CompiledAreaCue extends Omit<AreaCue, 'phrases' | 'onlyWith'> {
  phrases: Phrase[];
  onlyWith: Phrase[] | null;
}

function compileCues() {
  return {
    areas: AREA_CUES.map(
      (cue): CompiledAreaCue => ({
        ...cue,
        phrases: compile(cue.phrases),
        onlyWith: cue.onlyWith ? compile(cue.onlyWith) : null,
      }),
    ),
    problems: PROBLEMS.map((c) => ({ ...c, phrases: compile(c.phrases) })),
    questions: compile(HOW_TO.questions),
    requests: compile(HOW_TO.requests),
    dismissed: compile(DISMISSALS),
    well: compile(ALL_WELL),
    neutral: compile(NEUTRAL),
    recurring: compile(RECURRING),
    indicators: INDICATOR_CUES.map((c) => ({ indicator: c.indicator, phrases: compile(c.phrases) })),
  };
}

let compiled: ReturnType<typeof compileCues> | undefined;
/**
 * The cues as phrases, stemmed on first use rather than at import: the functions that import the case model
 * but never suggest a severity neither pay for it at cold start nor ship it (nothing at the top level runs).
 */
const cues = () => {
  compiled ??= compileCues();
  return compiled;
};

const NEGATIONS = new Set(['not', 'no', 'never']);
/** Words a sentence may open with before it asks or says anything ("Hi team, how do I…"). */
const GREETINGS = new Set([
  'hi',
  'hello',
  'hey',
  'dear',
  'team',
  'there',
  'support',
  'folk',
  'all',
  'thank',
  'thanks',
]);

const URGENCY_WORDS = {
  ongoing: 'ongoing',
  noWorkaround: 'no acceptable workaround',
  churnRisk: 'likely churn or loss of confidence',
  timeDependent: 'time dependency',
} as const;

export interface WordEvidence {
  evidence: Evidence;
  /** The words of the case that showed it, lower-cased; a name and a failure far apart are quoted apart. */
  matched: string;
  reason: string;
}

function evidenceKey(e: Evidence): string {
  if (e.area === 'severity') return `severity:${e.functionArea}`;
  if (e.area === 'urgency') return `urgency:${e.indicator}`;
  return e.area;
}

function describe(e: Evidence): string {
  if (e.area === 'severity') return `severity: ${e.functionArea}`;
  if (e.area === 'urgency') return `urgency: ${URGENCY_WORDS[e.indicator]}`;
  if (e.area === 'breadth') return 'breadth: wide impact';
  return 'visibility: affecting multiple live stores';
}

const anyIn = (flags: readonly boolean[], m: PhraseMatch) => m.at.some((i) => flags[i]);
const overlap = (a: PhraseMatch, b: PhraseMatch) => a.at.some((i) => b.at.includes(i));
/** A failure must bring words of its own: "no keys" is about the keys, "keys" alone is not. */
const within = (problem: PhraseMatch, topic: PhraseMatch) => problem.at.every((i) => topic.at.includes(i));
/** How many words stand between two matches (0: adjacent or overlapping). */
const distance = (a: PhraseMatch, b: PhraseMatch) => Math.max(0, b.first - a.end, a.first - b.end);
/** A quote the reader can take in at a glance: the words from name to failure, or both apart. */
const MAX_QUOTED_WORDS = 10;

/** Does the sentence open (after any greeting) with one of the phrases? */
function opensWith(sentence: Sentence, phrases: readonly Phrase[]): boolean {
  let at = 0;
  while (at < sentence.tokens.length && GREETINGS.has(sentence.tokens[at]?.stem ?? '')) at++;
  return phrases.some((p) => findAll(sentence, p).some((m) => m.first === at));
}

interface Found {
  evidence: Evidence;
  matched: string;
  /** Where the cue stands in the lists: the first phrase that showed an area names it. */
  rank: number;
}

interface SentenceReading {
  found: Found[];
  /** Areas the sentence names, whether or not it says anything is wrong with them. */
  named: Set<FunctionArea>;
  /** Everyone's words ("order", "payment") next to a failure: for the area the rest of the case names. */
  generic: Found[];
}

function quoteBoth(text: ReadText, sentence: Sentence, a: PhraseMatch, b: PhraseMatch): string {
  const whole = quote(text, sentence, Math.min(a.first, b.first), Math.max(a.end, b.end));
  const inside = (x: PhraseMatch, y: PhraseMatch) => x.first >= y.first && x.end <= y.end;
  if (whole.split(' ').length <= MAX_QUOTED_WORDS || inside(a, b) || inside(b, a)) return whole;
  return [a, b]
    .sort((x, y) => x.first - y.first)
    .map((q) => quote(text, sentence, q.first, q.end))
    .join('" … "');
}

/** Words that take no part: a clause that says all is well (or was fixed), the rest of a dismissal's clause. */
function quietWords(sentence: Sentence): boolean[] {
  const { tokens } = sentence;
  const quiet = new Array<boolean>(tokens.length).fill(false);
  for (const p of cues().well) {
    for (const m of findAll(sentence, p)) {
      const clause = tokens[m.first]?.clause;
      tokens.forEach((t, i) => {
        if (t.clause === clause) quiet[i] = true;
      });
    }
  }
  for (const p of cues().dismissed) {
    for (const m of findAll(sentence, p)) {
      const clause = tokens[m.first]?.clause;
      for (let i = m.first; i < tokens.length && tokens[i]?.clause === clause; i++) quiet[i] = true;
    }
  }
  return quiet;
}

/**
 * What one sentence says about the function areas. `has` tells whether the whole text has some words (outside
 * quiet clauses).
 */
function readSentence(
  text: ReadText,
  sentence: Sentence,
  quiet: readonly boolean[],
  has: (p: Phrase[]) => boolean,
): SentenceReading {
  const { tokens } = sentence;
  const n = tokens.length;
  const howTo = sentence.question
    ? opensWith(sentence, cues().questions)
    : opensWith(sentence, cues().requests);
  const neutral = new Array<boolean>(n).fill(false);
  for (const p of cues().neutral)
    for (const m of findAll(sentence, p)) for (const i of m.at) neutral[i] = true;
  const allProblems: { m: PhraseMatch; strong: boolean; notFor: readonly FunctionArea[] }[] = [];
  for (const c of cues().problems) {
    if (howTo && !c.strong) continue;
    for (const p of c.phrases) {
      for (const m of findAll(sentence, p)) {
        if (!anyIn(quiet, m) && !anyIn(neutral, m))
          allProblems.push({ m, strong: c.strong, notFor: c.notFor ?? [] });
      }
    }
  }
  // Where strong words and a bare "not" read the same words, the strong reading says what failed.
  const problemsRead = allProblems.filter(
    (q) => q.strong || !allProblems.some((r) => r.strong && overlap(r.m, q.m)),
  );

  const taken = [...neutral];
  /** Words an area's own problem phrase used ("key is missing from the response"): no failure of another. */
  const spoken = new Array<boolean>(n).fill(false);
  const named = new Set<FunctionArea>();
  const found: Found[] = [];
  const topics: { area: FunctionArea; m: PhraseMatch; rank: number }[] = [];
  const generic: PhraseMatch[] = [];
  let genericRank = 0;
  let rank = 0;
  for (const cue of cues().areas) {
    if (cue.onlyWith && !has(cue.onlyWith)) {
      rank += cue.phrases.length;
      continue;
    }
    const area = cue.recurringIsSubscriptions && has(cues().recurring) ? 'subscriptions' : cue.area;
    const givesWay = cue.givesWayTo?.some((a) => named.has(a)) ?? false;
    for (const p of cue.phrases) {
      rank++;
      if (givesWay) continue;
      for (const m of findAll(sentence, p)) {
        if (anyIn(quiet, m) || anyIn(taken, m)) continue;
        for (const i of m.at) taken[i] = true;
        if (cue.kind === 'fallback') {
          generic.push(m);
          genericRank ||= rank;
          continue;
        }
        named.add(area);
        if (cue.kind === 'problem') {
          for (const i of m.at) spoken[i] = true;
          found.push({
            evidence: { area: 'severity', functionArea: area },
            matched: quote(text, sentence, m.first, m.end),
            rank,
          });
        } else {
          topics.push({ area, m, rank });
        }
      }
    }
  }

  const problems = problemsRead.filter((q) => !anyIn(spoken, q.m));
  // Each failure is about the nearest area named in the same part of the sentence (earlier on a tie).
  const owned = new Map<(typeof topics)[number], PhraseMatch>();
  for (const { m: problem, notFor } of problems) {
    const part = tokens[problem.first]?.part;
    const candidates = topics.filter(
      (t) => !within(problem, t.m) && !notFor.includes(t.area) && tokens[t.m.first]?.part === part,
    );
    const owner = candidates.sort(
      (a, b) => distance(a.m, problem) - distance(b.m, problem) || a.m.first - b.m.first,
    )[0];
    if (!owner) continue;
    // The nearest failure names it; of two as near, the one that says more.
    const held = owned.get(owner);
    const nearer =
      !held ||
      distance(owner.m, problem) < distance(owner.m, held) ||
      (distance(owner.m, problem) === distance(owner.m, held) && problem.at.length > held.at.length);
    if (nearer) owned.set(owner, problem);
  }
  for (const [topic, problem] of owned) {
    found.push({
      evidence: { area: 'severity', functionArea: topic.area },
      matched: quoteBoth(text, sentence, topic.m, problem),
      rank: topic.rank,
    });
  }

  const genericFound: Found[] = [];
  for (const m of generic) {
    const part = tokens[m.first]?.part;
    const problem = problems
      .filter((q) => !within(q.m, m) && tokens[q.m.first]?.part === part)
      .sort((a, b) => distance(a.m, m) - distance(b.m, m))[0];
    if (!problem) continue;
    genericFound.push({
      evidence: { area: 'severity', functionArea: 'transactions' },
      matched: quoteBoth(text, sentence, m, problem.m),
      rank: genericRank,
    });
    break;
  }
  return { found, named, generic: genericFound };
}

/** Urgency, breadth and visibility: each phrase anywhere in the text, unless a negation stands just before it. */
function readIndicators(text: ReadText, quiet: readonly (readonly boolean[])[]): Found[] {
  const found: Found[] = [];
  let rank = 1000;
  for (const { indicator, phrases } of cues().indicators) {
    for (const p of phrases) {
      rank++;
      for (const [s, sentence] of text.sentences.entries()) {
        for (const m of findAll(sentence, p)) {
          if (anyIn(quiet[s] ?? [], m)) continue;
          const before = sentence.tokens.slice(Math.max(0, m.first - 2), m.first);
          if (before.some((t) => NEGATIONS.has(t.stem))) continue;
          found.push({ evidence: indicator, matched: quote(text, sentence, m.first, m.end), rank });
        }
      }
    }
  }
  return found;
}

/** Each area or indicator the text speaks of, once, with the words that showed it. */
export function readWords(text: string): WordEvidence[] {
  const read = readText(text);
  const quiet = read.sentences.map(quietWords);
  const cache = new Map<Phrase[], boolean>();
  const has = (phrases: Phrase[]) => {
    let yes = cache.get(phrases);
    if (yes === undefined) {
      yes = read.sentences.some((s, i) =>
        phrases.some((p) => findAll(s, p).some((m) => !anyIn(quiet[i] ?? [], m))),
      );
      cache.set(phrases, yes);
    }
    return yes;
  };
  const readings = read.sentences.map((s, i) => readSentence(read, s, quiet[i] ?? [], has));
  const named = new Set(readings.flatMap((r) => [...r.named]));
  // Everyone's words show a failure in the one area the case names, or in transactions if it names none.
  const genericArea: FunctionArea | null =
    named.size === 0 ? 'transactions' : named.size === 1 ? ([...named][0] ?? null) : null;
  const generic = genericArea
    ? readings.flatMap((r) =>
        r.generic.map((f) => ({ ...f, evidence: { area: 'severity' as const, functionArea: genericArea } })),
      )
    : [];
  const all = [...readings.flatMap((r) => r.found), ...generic, ...readIndicators(read, quiet)];
  // Most specific cue first; among equals, the earliest words (sort is stable).
  all.sort((a, b) => a.rank - b.rank);
  const seen = new Set<string>();
  const words: WordEvidence[] = [];
  for (const f of all) {
    const key = evidenceKey(f.evidence);
    if (seen.has(key)) continue;
    seen.add(key);
    words.push({
      evidence: f.evidence,
      matched: f.matched,
      reason: `${describe(f.evidence)} ("${f.matched}")`,
    });
  }
  return words;
}
