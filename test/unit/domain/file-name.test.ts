import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFileName, MAX_FILE_NAME, mailAttachmentName } from '../../../shared/domain/file-name.ts';

/** Characters a kept name never holds: invisible ones, and every space but the plain one. */
const NEVER_KEPT = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}/\\]|(?! )\p{Zs}/u;

/** Any string, from every corner of Unicode (lone surrogates and controls included). */
const anyName = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({
    unit: fc.constantFrom('.', ' ', '\u00a0', '\u3000', '\t', '\u2028', '\u200b', '\u202e'),
    maxLength: 20,
  }),
  fc.string({ maxLength: 300 }),
);

/** Only what can never name a file: dots, every kind of space, invisible characters. */
const noName = fc.string({
  unit: fc.constantFrom(
    '.',
    ' ',
    '\u00a0',
    '\u2003',
    '\u3000',
    '\t',
    '\n',
    '\u0000',
    '\u007f',
    '\u0085',
    '\u2028',
    '\u2029',
    '\u200b',
    '\u200e',
    '\u202e',
    '\ufeff',
  ),
  maxLength: 40,
});

describe('file names (docs/cases.md#file-names)', () => {
  it('a kept name is NFC, trimmed, non-empty, at most 255 long, not only dots and spaces, with nothing invisible and no path', () => {
    fc.assert(
      fc.property(anyName, (raw) => {
        const checked = checkFileName(raw);
        if (!checked.ok) return;
        const { name } = checked;
        expect(name.length).toBeGreaterThan(0);
        expect(name.length).toBeLessThanOrEqual(MAX_FILE_NAME);
        expect(name).toBe(name.normalize('NFC'));
        expect(name).toBe(name.trim());
        expect(name).not.toMatch(/^[. ]*$/);
        expect(name).not.toMatch(NEVER_KEPT);
      }),
      { numRuns: 2000 },
    );
  });

  it('the rule is idempotent: a kept name is kept unchanged', () => {
    fc.assert(
      fc.property(anyName, (raw) => {
        const first = checkFileName(raw);
        if (first.ok) expect(checkFileName(first.name)).toEqual(first);
      }),
      { numRuns: 2000 },
    );
  });

  it('a name of dots, spaces and invisible characters only is refused, whatever the mix', () => {
    fc.assert(
      fc.property(noName, (raw) => {
        expect(checkFileName(raw).ok).toBe(false);
      }),
    );
  });

  it('a path is refused, wherever its separator stands', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('/', '\\'), fc.string(), (a, separator, b) => {
        expect(checkFileName(`${a}${separator}${b}`)).toEqual({
          ok: false,
          reason: 'must be a file name, not a path',
        });
      }),
    );
  });

  it('a plain name passes unchanged', () => {
    const plain = fc.stringMatching(/^[A-Za-z0-9][\w \-()]{0,60}\.[a-z]{1,4}$/);
    fc.assert(
      fc.property(plain, (name) => {
        expect(checkFileName(name)).toEqual({ ok: true, name: name.trim() });
      }),
    );
  });

  it.each([
    ['.', false],
    ['..', false],
    [' . ', false],
    ['\u3000', false],
    ['\u202e', false],
    ['.bashrc', true],
    ['Übersicht März.pdf', true],
  ])('%j is %s', (raw, ok) => {
    expect(checkFileName(raw).ok).toBe(ok);
  });

  it('spells names the same whatever the composition, and drops what cannot be seen', () => {
    expect(checkFileName('Cafe\u0301 menu.pdf')).toEqual({ ok: true, name: 'Café menu.pdf' });
    expect(checkFileName('invoice\u202efdp.exe')).toEqual({ ok: true, name: 'invoicefdp.exe' });
    expect(checkFileName('\u00a0report\u3000final.txt\n')).toEqual({ ok: true, name: 'report final.txt' });
  });

  it('shortens a long name to 255, keeping its extension and never splitting a character', () => {
    const checked = checkFileName(`${'😀'.repeat(200)}.pdf`);
    expect(checked.ok && checked.name.length).toBeLessThanOrEqual(MAX_FILE_NAME);
    expect(checked.ok && checked.name.endsWith('😀.pdf')).toBe(true);
    expect(checked.ok && checked.name).not.toMatch(/\p{Cs}/u);
  });
});

describe('mail attachment names', () => {
  it('always give a name the rule keeps, whatever the mail said', () => {
    fc.assert(
      fc.property(
        anyName,
        fc.integer({ min: 1, max: 50 }),
        fc.constantFrom('application/pdf', 'image/png', 'application/octet-stream', 'x/y'),
        (raw, position, type) => {
          const name = mailAttachmentName(raw, position, type);
          expect(checkFileName(name)).toEqual({ ok: true, name });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keep a usable name as the rule keeps it', () => {
    expect(mailAttachmentName(' shot.png ', 1, 'image/png')).toBe('shot.png');
  });

  it('replace an unusable one by attachment-<n>, with the extension its name or its type gives', () => {
    expect(mailAttachmentName('..', 2, 'application/pdf')).toBe('attachment-2.pdf');
    expect(mailAttachmentName('', 1, 'image/jpeg')).toBe('attachment-1.jpg');
    expect(mailAttachmentName('C:\\Users\\dana\\report.PDF', 3, 'application/octet-stream')).toBe(
      'attachment-3.pdf',
    );
    expect(mailAttachmentName('\u200b', 4, 'application/x-unknown')).toBe('attachment-4');
  });
});
