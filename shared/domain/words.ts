import { stemmer } from 'stemmer';

/**
 * Reading a case's words (docs/severity.md#how-the-words-are-read): sentences of tokens, each token with its
 * Porter stem, so "notifications", "notified" and "notify" meet one pattern; and phrase patterns written as
 * plain words, matched in order with small gaps. Pure: no state beyond the patterns compiled at import.
 */
export interface Token {
  /** The word as written, lower-cased; a contraction's "n't" is its own token, `not`. */
  word: string;
  stem: string;
  /** Where the word is in the text, for quoting it. */
  start: number;
  end: number;
  /** Which clause of its sentence the word is in: commas, colons and "but" start a new one. */
  clause: number;
  /** Which part of its sentence: ", so …" starts a new one (a consequence: "…, so buyers get no keys"). */
  part: number;
}

export interface Sentence {
  tokens: Token[];
  /** The sentence's first token's offset: sentence order in the text. */
  start: number;
  /** It ends with a question mark. */
  question: boolean;
  /** Every stem in it: a phrase none of whose first required words are here is not looked for. */
  stems: ReadonlySet<string>;
}

/** Common misspellings and British spellings, written as the pattern lists spell them. */
const SPELLING: Record<string, string> = {
  recieve: 'receive',
  recieved: 'received',
  reciept: 'receipt',
  reciepts: 'receipts',
  licence: 'license',
  licences: 'licenses',
  organisation: 'organization',
  organisations: 'organizations',
  cancelation: 'cancellation',
  payed: 'paid',
};

/** Contractions written without their apostrophe, as people type them. */
const NOT_CONTRACTIONS: Record<string, string> = {
  cant: 'can',
  dont: 'do',
  doesnt: 'does',
  didnt: 'did',
  havent: 'have',
  hasnt: 'has',
  hadnt: 'had',
  isnt: 'is',
  arent: 'are',
  wasnt: 'was',
  werent: 'were',
  wont: 'will',
  couldnt: 'could',
  wouldnt: 'would',
  shouldnt: 'should',
};

const stems = new Map<string, string>();
/**
 * Plain words are stemmed; dotted names (`order.`) and paths (`/`) are what the tokenizer made them. Remembered:
 * the cues repeat words, and so do cases.
 */
export function stem(word: string): string {
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    stemmed = /^[a-z]+$/.test(word) ? stemmer(SPELLING[word] ?? word) : word;
    // Bounded, so a flood of distinct words (a pasted log) cannot grow it without end.
    if (stems.size < 20_000) stems.set(word, stemmed);
  }
  return stemmed;
}

/**
 * Words (letters, digits, inner apostrophes), dotted names (`order.completed`), URL paths (`/orders`),
 * and sentence ends. Tokenizing is the one place a pattern over characters is the right tool.
 */
const TOKEN =
  /\/[a-z0-9{}_\-/]*[a-z0-9}]|[a-z]+(?:\.[a-z]+)+|\d+(?:[.,]\d+)+|[a-z0-9]+(?:['’][a-z]+)?|[.!?;\n]+|[,:()]/g;

/** Words that start a new clause: what follows "but" often takes back what came before. */
const CLAUSE_WORDS = new Set(['but', 'however', 'although', 'though', 'whereas']);

export interface ReadText {
  /** The text lower-cased: what quotes are taken from. */
  lower: string;
  sentences: Sentence[];
}

/**
 * Longer runs of words without a sentence end (a pasted log, a mail without punctuation) are read in pieces of
 * this many words: reading a sentence costs more than its length, reading a text no more than its length.
 */
const MAX_SENTENCE_WORDS = 80;

/** The text's sentences; the end of a line ends a sentence too (subjects, lists). */
export function readText(text: string): ReadText {
  const lower = text.toLowerCase();
  const sentences: Sentence[] = [];
  let tokens: Token[] = [];
  let clause = 0;
  let part = 0;
  let afterComma = false;
  const close = (question: boolean) => {
    if (tokens.length > 0) {
      sentences.push({
        tokens,
        start: tokens[0]?.start ?? 0,
        question,
        stems: new Set(tokens.map((t) => t.stem)),
      });
    }
    tokens = [];
    clause = 0;
    part = 0;
  };
  const push = (word: string, start: number, end: number, stemmed = stem(word)) => {
    if (tokens.length >= MAX_SENTENCE_WORDS) close(false);
    tokens.push({ word, stem: stemmed, start, end, clause, part });
  };
  for (const m of lower.matchAll(TOKEN)) {
    const raw = m[0];
    const start = m.index;
    const end = start + raw.length;
    const comma = afterComma;
    afterComma = raw === ',';
    if (/^[.!?;\n]/.test(raw)) {
      close(raw.includes('?'));
      continue;
    }
    if (/^[,:()]$/.test(raw)) {
      clause++;
      continue;
    }
    if (raw.startsWith('/')) {
      push(raw, start, end, '/');
      continue;
    }
    if (/^[a-z]+\./.test(raw)) {
      // A dotted name reads as its first part and a dot: `order.completed` is `order.`.
      push(raw, start, end, `${raw.slice(0, raw.indexOf('.'))}.`);
      continue;
    }
    const word = raw.replace('’', "'");
    if (CLAUSE_WORDS.has(word)) clause++;
    if (word === 'so' && comma) part++;
    const apostrophe = word.indexOf("'");
    const notContracted = word.endsWith("n't")
      ? word === "can't"
        ? 'can'
        : word === "won't"
          ? 'will'
          : word.slice(0, -3)
      : NOT_CONTRACTIONS[word];
    if (notContracted) {
      push(notContracted, start, end);
      push('not', start, end);
    } else if (apostrophe > 0) {
      // "we've", "it's", "customer's": the word before the apostrophe carries the meaning here.
      push(word.slice(0, apostrophe), start, end);
    } else {
      push(word, start, end);
    }
  }
  close(false);
  return { lower, sentences };
}

/** Words a phrase may skip between two of its words: articles, possessives, pronouns, auxiliaries. */
const FILLER_WORDS =
  'a an the our my your their his her its this that these those some any of to for on in at from with by ' +
  'is are was were be been being has have had do does did it they them we i you us me he she him just ' +
  'still also really even ever yet very all both each every same own';
let fillers: ReadonlySet<string> | undefined;
/** Stemmed on first use: nothing runs when the module is imported (see severity-words.ts). */
const isFiller = (stemmed: string) => {
  fillers ??= new Set(FILLER_WORDS.split(' ').map(stem));
  return fillers.has(stemmed);
};

/** One slot of a phrase: any of these stems, or (`…`) up to six words of anything. */
type Slot =
  | { kind: 'words'; stems: ReadonlySet<string>; optional: boolean; adjacent: boolean }
  | { kind: 'gap' };

export interface Phrase {
  /** As written, for messages. */
  source: string;
  slots: Slot[];
  /** The stems of its first required word: a sentence without any of them cannot hold the phrase. */
  anchor: ReadonlySet<string> | null;
}

/** Named lists of words a phrase can refer to as `@name`. */
export type Vocabulary = Readonly<Record<string, readonly string[]>>;

/**
 * A phrase written as words: `charged twice`, `double billing|billed`, `no acceptable? workaround`, `@notice …
 * @ourSide`. Words are stemmed; `|` separates alternatives; a trailing `?` makes a word optional; `@name`
 * is every word of `vocabulary[name]`; `…` lets up to six words of anything stand between its neighbours.
 * Between two slots, up to two filler words (`the`, `our`, `is`…) may stand, unless the second is written
 * with a leading `^` (right after the first: `@statusCode ^@counted` is "500 licences", not "500 for a licence").
 */
export function phrase(source: string, vocabulary: Vocabulary = {}): Phrase {
  const slots: Slot[] = source
    .split(/\s+/)
    .filter(Boolean)
    .map((part): Slot => {
      if (part === '…') return { kind: 'gap' };
      const optional = part.endsWith('?');
      const adjacent = part.startsWith('^');
      const words = part
        .slice(adjacent ? 1 : 0, optional ? -1 : undefined)
        .split('|')
        .flatMap((alternative) => {
          if (!alternative.startsWith('@')) return [alternative];
          const named = vocabulary[alternative.slice(1)];
          if (!named) throw new Error(`phrase "${source}": no word list ${alternative}`);
          return [...named];
        });
      // A listed multi-word entry ("web hook") is matched by its first word here; write those as phrases.
      return {
        kind: 'words',
        stems: new Set(words.map((w) => stem(w.split(' ')[0] as string))),
        optional,
        adjacent,
      };
    });
  const required = slots.find((s) => s.kind === 'words' && !s.optional);
  return { source, slots, anchor: required?.kind === 'words' ? required.stems : null };
}

export interface PhraseMatch {
  /** Token indices in the sentence, `end` exclusive. */
  first: number;
  end: number;
  /** The tokens that matched a word of the phrase (not fillers, not a `…` gap). */
  at: number[];
}

const MAX_FILLERS = 2;
const MAX_GAP = 6;

/** Matches slots[s..] from token i on: the indices of the tokens that matched words, or null. */
function matchFrom(tokens: readonly Token[], slots: readonly Slot[], s: number, i: number): number[] | null {
  if (s === slots.length) return [];
  const slot = slots[s] as Slot;
  if (slot.kind === 'gap') {
    for (let skip = 0; skip <= MAX_GAP && i + skip <= tokens.length; skip++) {
      const rest = matchFrom(tokens, slots, s + 1, i + skip);
      if (rest) return rest;
    }
    return null;
  }
  // Fillers may stand before any slot but the first (the caller fixes where the first one is).
  for (let skip = 0; skip <= (s === 0 || slot.adjacent ? 0 : MAX_FILLERS); skip++) {
    const at = i + skip;
    if (skip > 0 && !isFiller(tokens[at - 1]?.stem ?? '')) break;
    const token = tokens[at];
    if (token && slot.stems.has(token.stem)) {
      const rest = matchFrom(tokens, slots, s + 1, at + 1);
      if (rest) return [at, ...rest];
    }
  }
  if (slot.optional) return matchFrom(tokens, slots, s + 1, i);
  return null;
}

const NOTHING: readonly PhraseMatch[] = Object.freeze([]);

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) return true;
  return false;
}

/**
 * Every place the phrase occurs in the sentence, leftmost first, not overlapping, each within one part of the
 * sentence (a phrase does not run on into ", so …").
 */
export function findAll(sentence: Sentence, p: Phrase): readonly PhraseMatch[] {
  // Most phrases are not in most sentences: answer those without allocating.
  if (p.anchor && !intersects(p.anchor, sentence.stems)) return NOTHING;
  const found: PhraseMatch[] = [];
  const { tokens } = sentence;
  let from = 0;
  while (from < tokens.length) {
    let to = from;
    while (to < tokens.length && tokens[to]?.part === tokens[from]?.part) to++;
    const part = tokens.slice(from, to);
    for (let i = 0; i < part.length; i++) {
      const at = matchFrom(part, p.slots, 0, i);
      if (at && at.length > 0) {
        const end = (at[at.length - 1] as number) + 1;
        found.push({ first: from + (at[0] as number), end: from + end, at: at.map((j) => from + j) });
        i = end - 1;
      }
    }
    from = to;
  }
  return found;
}

/** The words of the sentence from token `first` to token `end` (exclusive), as written, lower-cased. */
export function quote(text: ReadText, sentence: Sentence, first: number, end: number): string {
  const from = sentence.tokens[first]?.start ?? 0;
  const to = sentence.tokens[end - 1]?.end ?? from;
  return text.lower.slice(from, to).replace(/\s+/g, ' ');
}
