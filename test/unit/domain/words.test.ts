import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findAll, phrase, quote, readText } from '../../../shared/domain/words.ts';

const words = (text: string) => readText(text).sentences.map((s) => s.tokens.map((t) => t.word));
const first = (text: string) =>
  readText(text).sentences[0] ?? { tokens: [], start: 0, question: false, stems: new Set() };
const finds = (p: string, text: string, vocabulary = {}) =>
  findAll(first(text), phrase(p, vocabulary)).map((m) => quote(readText(text), first(text), m.first, m.end));

describe('reading a text into sentences of words', () => {
  it('ends a sentence at . ! ? ; and at the end of a line, and knows a question', () => {
    const { sentences } = readText('Webhooks fail! Since when?\nSubject line; more');
    expect(sentences.map((s) => s.tokens.map((t) => t.word).join(' '))).toEqual([
      'webhooks fail',
      'since when',
      'subject line',
      'more',
    ]);
    expect(sentences.map((s) => s.question)).toEqual([false, true, false, false]);
  });

  it('reads "n\'t", with or without its apostrophe, as not', () => {
    expect(words("It hasn't arrived, we can't log in, it doesnt work, won't load")).toEqual([
      [
        'it',
        'has',
        'not',
        'arrived',
        'we',
        'can',
        'not',
        'log',
        'in',
        'it',
        'does',
        'not',
        'work',
        'will',
        'not',
        'load',
      ],
    ]);
  });

  it('keeps dotted event names, URL paths and decimals whole', () => {
    const [sentence] = readText(
      'order.completed failed for GET /orders/{id} at 5.9% and 1,200 EUR',
    ).sentences;
    expect(sentence?.tokens.map((t) => [t.word, t.stem])).toEqual([
      ['order.completed', 'order.'],
      ['failed', 'fail'],
      ['for', 'for'],
      ['get', 'get'],
      ['/orders/{id}', '/'],
      ['at', 'at'],
      ['5.9', '5.9'],
      ['and', 'and'],
      ['1,200', '1,200'],
      ['eur', 'eur'],
    ]);
  });

  it('counts clauses at commas and "but", and parts at ", so"', () => {
    const [sentence] = readText('Orders are fine, but the webhook fails, so keys are missing').sentences;
    expect(sentence?.tokens.map((t) => `${t.word}:${t.clause}/${t.part}`).join(' ')).toBe(
      'orders:0/0 are:0/0 fine:0/0 but:2/0 the:2/0 webhook:2/0 fails:2/0 so:3/1 keys:3/1 are:3/1 missing:3/1',
    );
  });

  it('reads a run of words without a sentence end in pieces of 80 words', () => {
    const { sentences } = readText('word '.repeat(200));
    expect(sentences.map((s) => s.tokens.length)).toEqual([80, 80, 40]);
  });

  it('spells common misspellings and British forms as the cues do', () => {
    expect(first('reciept licence organisation').tokens.map((t) => t.stem)).toEqual(
      first('receipt license organization').tokens.map((t) => t.stem),
    );
  });
});

describe('phrases', () => {
  it('match any inflection of their words (stems)', () => {
    expect(finds('renewal fail', 'Renewals failing since Friday')).toEqual(['renewals failing']);
    expect(finds('webhook', 'Our webhooks')).toEqual(['webhooks']);
  });

  it('let up to two fillers stand between words, but no other word', () => {
    expect(finds('charged twice', 'I was charged me twice')).toEqual(['charged me twice']);
    expect(finds('payout missing', 'The payout is still missing')).toEqual(['payout is still missing']);
    expect(finds('payout missing', 'The payout for March is missing')).toEqual([]);
  });

  it('know alternatives, optional words, word lists and short gaps', () => {
    expect(finds('double billing|charge', 'double charge here, double billing there')).toEqual([
      'double charge',
      'double billing',
    ]);
    expect(finds('no acceptable? workaround', 'there is no workaround')).toEqual(['no workaround']);
    expect(finds('@x server', 'our backend server', { x: ['backend'] })).toEqual(['backend server']);
    expect(finds('split … between', 'each sale is split automatically in half between us')).toEqual([
      'split automatically in half between',
    ]);
    expect(() => phrase('@nowhere')).toThrow(/no word list @nowhere/);
  });

  it('take a word marked ^ only right after the one before it', () => {
    const vocabulary = { code: ['500'], counted: ['licences'] };
    expect(finds('@code ^@counted', 'a quote for 500 licences', vocabulary)).toEqual(['500 licences']);
    expect(finds('@code ^@counted', 'HTTP 500 for the licences', vocabulary)).toEqual([]);
  });

  it('do not run on into a consequence (", so …")', () => {
    expect(finds('hear … license', 'our backend never hears about them, so licenses are not made')).toEqual(
      [],
    );
  });

  it('quote the words as written, lower-cased, whatever the spacing', () => {
    fc.assert(
      fc.property(fc.constantFrom(' ', '  ', '\t'), (space) => {
        expect(finds('charged twice', `I was CHARGED${space}TWICE`)).toEqual([`charged twice`]);
      }),
    );
  });
});
