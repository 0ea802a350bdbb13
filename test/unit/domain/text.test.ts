import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { text } from '../../../shared/domain/case.ts';

const schema = text(200);
const messages = (value: string) => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
};

describe('text a person wrote', () => {
  it('is kept trimmed, with tabs, line breaks, accents, emoji and right-to-left scripts', () => {
    for (const ok of [
      'Charged twice',
      'Zeile 1\r\nZeile 2\tTab',
      'Café ☕ 🇩🇪',
      'مرحبا',
      'a\u200bb',
      '👩‍💻 joined',
    ])
      expect(messages(ok), JSON.stringify(ok)).toEqual([]);
    expect(schema.parse('  Charged twice \n')).toBe('Charged twice');
  });

  it('that shows nothing is empty: blanks, zero-width spaces and joiners, a byte-order mark, bidi marks', () => {
    for (const empty of [
      '',
      '   ',
      '\u200b',
      ' \u200b\u200c\u200d ',
      '\ufeff',
      '\u2060\u200e\u200f',
      '\u00ad',
    ])
      expect(messages(empty), JSON.stringify(empty)).toEqual(['must not be empty']);
  });

  it('refuses control characters (NUL, ESC, DEL, C1) and half surrogate pairs', () => {
    for (const bad of ['a\u0000b', 'colour \u001b[31mred', 'x\u007f', 'next line\u0085', 'form\u000cfeed'])
      expect(messages(bad), JSON.stringify(bad)).toEqual([
        'must not contain control characters (only tabs and line breaks)',
      ]);
    for (const bad of ['broken \ud83d', '\ude00 alone', 'x\udc00\ud800y'])
      expect(messages(bad), JSON.stringify(bad)).toEqual(['must be valid Unicode text']);
  });

  it('property: whatever is accepted has something to read, no control character and encodes to UTF-8 and back', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.oneof(
            fc.constantFrom('\u0000', '\u200b', '\ud800', '\n', ' '),
            fc.string({ unit: 'grapheme', maxLength: 1 }),
          ),
          maxLength: 30,
        }),
        (s) => {
          const result = schema.safeParse(s);
          if (!result.success) return;
          expect(/[^\s\p{Cf}]/u.test(result.data)).toBe(true);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: the property is about control characters.
          expect(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(result.data)).toBe(false);
          expect(Buffer.from(result.data, 'utf8').toString('utf8')).toBe(result.data);
        },
      ),
      { numRuns: 500 },
    );
  });
});
