import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withLinks } from '../../../shared/domain/links.ts';

describe('web addresses in someone’s words (shared by the portal and our mail)', () => {
  it('finds them up to a space, a quote or a bracket, leaving trailing punctuation as text', () => {
    expect(
      withLinks('Your parcel: https://t.example/1Z?x=1&y=2. Or see (https://help.example/refunds).'),
    ).toEqual([
      { text: 'Your parcel: ' },
      { url: 'https://t.example/1Z?x=1&y=2' },
      { text: '. Or see (' },
      { url: 'https://help.example/refunds' },
      { text: ').' },
    ]);
    expect(withLinks('no address here, nor in http:// alone')).toEqual([
      { text: 'no address here, nor in http:// alone' },
    ]);
  });

  it('loses and adds nothing: the parts, joined, are the text', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 20 }),
            fc.constantFrom('https://a.example/x', 'http://b.example', ' ', '.', '(', '"'),
          ),
          {
            maxLength: 12,
          },
        ),
        (pieces) => {
          const text = pieces.join('');
          const parts = withLinks(text);
          expect(parts.map((p) => ('url' in p ? p.url : p.text)).join('')).toBe(text);
          for (const p of parts) if ('url' in p) expect(p.url).toMatch(/^https?:\/\/[^\s<>"'`()[\]{}]+$/i);
        },
      ),
      { numRuns: 300 },
    );
  });
});
