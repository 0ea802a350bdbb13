import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseOfSignedMessageIds, signedMessageId } from '../../../shared/adapters/email/message-ids.ts';
import { parseReplyAddress, replyAddress, replyToken } from '../../../shared/adapters/email/reply-address.ts';
import { caseNumberFrom } from '../../../shared/domain/case.ts';
import {
  caseIdFromMessageIds,
  caseNumberFromSubject,
  headerSafe,
  ourMessageIds,
  subjectTag,
  withoutSubjectTags,
} from '../../../shared/domain/email/addressing.ts';

const key = new Uint8Array(32).fill(7);
const otherKey = new Uint8Array(32).fill(8);
const domain = 'reply.support.example';
const caseIdArb = fc.stringMatching(/^[0-9A-Za-z_-]{1,40}$/);
const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

describe('reply address', () => {
  it('has the documented shape', () => {
    const a = replyAddress('01JD0000000000000000000000', key, domain);
    expect(a).toMatch(/^case\+01JD0000000000000000000000\.[a-z2-7]{16}@reply\.support\.example$/);
  });

  it('round-trips: parse(format(id)) === id', () => {
    fc.assert(
      fc.property(caseIdArb, (id) => {
        expect(parseReplyAddress(replyAddress(id, key, domain), key, domain)).toBe(id);
      }),
    );
  });

  it('tolerates angle brackets, surrounding space, and letter case in the token and domain', () => {
    const a = replyAddress('01JDABC', key, domain);
    const [local, dom] = a.split('@') as [string, string];
    const [prefix, token] = local.split('.') as [string, string];
    expect(parseReplyAddress(` <${a}> `, key, domain)).toBe('01JDABC');
    expect(parseReplyAddress(`${prefix}.${token.toUpperCase()}@${dom.toUpperCase()}`, key, domain)).toBe(
      '01JDABC',
    );
  });

  it('rejects any single-character change of the token', () => {
    fc.assert(
      fc.property(caseIdArb, fc.nat(), fc.integer({ min: 1, max: 31 }), (id, pos, shift) => {
        const token = replyToken(id, key);
        const i = pos % token.length;
        const old = TOKEN_ALPHABET.indexOf(token[i] as string);
        const changed = TOKEN_ALPHABET[(old + shift) % 32] as string;
        const forged = `case+${id}.${token.slice(0, i)}${changed}${token.slice(i + 1)}@${domain}`;
        expect(parseReplyAddress(forged, key, domain)).toBeNull();
      }),
    );
  });

  it("never accepts case A's token for case B", () => {
    fc.assert(
      fc.property(caseIdArb, caseIdArb, (a, b) => {
        fc.pre(a !== b);
        expect(parseReplyAddress(`case+${b}.${replyToken(a, key)}@${domain}`, key, domain)).toBeNull();
      }),
    );
  });

  it('rejects another key, another domain, and malformed addresses', () => {
    const a = replyAddress('01JDABC', key, domain);
    expect(parseReplyAddress(a, otherKey, domain)).toBeNull();
    expect(parseReplyAddress(a.replace(domain, 'evil.example'), key, domain)).toBeNull();
    expect(parseReplyAddress(a, key, 'other.example')).toBeNull();
    for (const bad of [
      '',
      'case+01JDABC@reply.support.example',
      'case+.abcdefghijklmnop@reply.support.example',
      'case+01JDABC.@reply.support.example',
      'support@reply.support.example',
      a.replace('case+', 'case-'),
      `${a.split('@')[0]}x@${domain}`,
      `${a.slice(0, a.indexOf('@') - 1)}@${domain}`,
      'not an address',
    ])
      expect(parseReplyAddress(bad, key, domain), bad).toBeNull();
  });

  it('refuses to format an id that cannot live in an address', () => {
    expect(() => replyAddress('a.b', key, domain)).toThrow(RangeError);
    expect(() => replyAddress('x', key, 'not a domain')).toThrow(RangeError);
  });
});

const sig = '[a-z2-7]{16}';

describe('Message-ID', () => {
  it('has the documented shape: what it names, then its signature', () => {
    expect(signedMessageId('01JDCASE', '01JDEVENT', key, 'mail.example')).toMatch(
      new RegExp(`^<event\\.01JDEVENT\\.case\\.01JDCASE\\.${sig}@mail\\.example>$`),
    );
    expect(signedMessageId('01JDCASE', undefined, key, 'mail.example')).toMatch(
      new RegExp(`^<case\\.01JDCASE\\.${sig}@mail\\.example>$`),
    );
  });

  it('round-trips through In-Reply-To and References, per event and as the thread root', () => {
    fc.assert(
      fc.property(caseIdArb, fc.option(caseIdArb, { nil: undefined }), (caseId, eventPart) => {
        const id = signedMessageId(caseId, eventPart, key, domain);
        for (const values of [id, `<foreign@gmail.com> ${id} <other@x.y>`, ['<foreign@gmail.com>', id]]) {
          expect(caseOfSignedMessageIds(values, key, domain)).toBe(caseId);
          expect(caseIdFromMessageIds(values, domain)).toBe(caseId);
        }
      }),
    );
  });

  it('never accepts a changed id: any character of what it names or of its signature', () => {
    fc.assert(
      fc.property(
        caseIdArb,
        fc.option(caseIdArb, { nil: undefined }),
        fc.nat(),
        fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ234567.-_'),
        (caseId, eventPart, at, replacement) => {
          const id = signedMessageId(caseId, eventPart, key, domain);
          // `<` … `@`: everything the signature covers, and the signature itself.
          const i = 1 + (at % (id.indexOf('@') - 1));
          fc.pre(id[i] !== replacement);
          const changed = `${id.slice(0, i)}${replacement}${id.slice(i + 1)}`;
          expect(caseOfSignedMessageIds(changed, key, domain)).toBeNull();
        },
      ),
    );
  });

  it('never accepts one case’s id pointed at another, or an id signed under another key', () => {
    fc.assert(
      fc.property(caseIdArb, caseIdArb, fc.option(caseIdArb, { nil: undefined }), (a, b, eventPart) => {
        fc.pre(a !== b && !a.includes(b) && !b.includes(a));
        const swapped = signedMessageId(a, eventPart, key, domain).replace(`case.${a}.`, `case.${b}.`);
        expect(caseOfSignedMessageIds(swapped, key, domain)).toBeNull();
        expect(
          caseOfSignedMessageIds(signedMessageId(b, eventPart, otherKey, domain), key, domain),
        ).toBeNull();
      }),
    );
  });

  it('unsigned ids (as sent before signing) are ours but never verified', () => {
    const legacy = '<event.E1-closure.case.CASEA@reply.support.example>';
    expect(caseIdFromMessageIds(legacy, domain)).toBe('CASEA');
    expect(caseIdFromMessageIds('<case.CASEA@reply.support.example>', domain)).toBe('CASEA');
    expect(caseOfSignedMessageIds(legacy, key, domain)).toBeNull();
    expect(ourMessageIds(legacy, domain)).toEqual([
      { base: 'event.E1-closure.case.CASEA', caseId: 'CASEA', signature: null },
    ]);
  });

  it('takes the latest of ours (the latest genuine one when verifying) and ignores foreign domains and noise', () => {
    const older = signedMessageId('CASEA', 'E1', key, domain);
    const newer = signedMessageId('CASEB', 'E2', key, domain);
    expect(caseIdFromMessageIds(`${older} ${newer}`, domain)).toBe('CASEB');
    expect(caseOfSignedMessageIds(`${older} ${newer}`, key, domain)).toBe('CASEB');
    expect(caseOfSignedMessageIds(`${older} <case.CASEC@${domain}>`, key, domain)).toBe('CASEA');
    expect(caseIdFromMessageIds(`${older} <case.CASEC@${domain}>`, domain)).toBe('CASEC');
    expect(caseIdFromMessageIds(signedMessageId('CASEA', 'E1', key, 'evil.example'), domain)).toBeNull();
    expect(
      caseOfSignedMessageIds(signedMessageId('CASEA', 'E1', key, 'evil.example'), key, domain),
    ).toBeNull();
    expect(caseIdFromMessageIds('<abc@gmail.com>', domain)).toBeNull();
    expect(caseIdFromMessageIds(undefined, domain)).toBeNull();
    expect(caseIdFromMessageIds([], domain)).toBeNull();
    expect(
      caseIdFromMessageIds('<case.@reply.support.example> <case.a.b@reply.support.example>', domain),
    ).toBeNull();
  });

  it('refuses a case id, event part or domain that cannot go in it', () => {
    expect(() => signedMessageId('a.b', undefined, key, domain)).toThrow(RangeError);
    expect(() => signedMessageId('a>b', undefined, key, domain)).toThrow(RangeError);
    expect(() => signedMessageId('CASEA', 'e.1', key, domain)).toThrow(RangeError);
    expect(() => signedMessageId('CASEA', undefined, key, 'not a domain')).toThrow(RangeError);
  });
});

describe('subject tag and header safety', () => {
  it('finds the case number in [CW-…] or [#CW-…]', () => {
    expect(caseNumberFromSubject('Re: [CW-7KQ2MD] Payout missing')).toBe('CW-7KQ2MD');
    expect(caseNumberFromSubject('RE: [#cw-7kq2md] hi')).toBe('CW-7KQ2MD');
    expect(caseNumberFromSubject('CW-7KQ2MD without brackets')).toBeNull();
    expect(caseNumberFromSubject('[CW-7KQ2MI] I is not Crockford')).toBeNull();
    expect(caseNumberFromSubject('AW: [ CW-7KQ2MD ] spaces some clients add')).toBe('CW-7KQ2MD');
  });

  it('a subject without its tags keeps every other word, once spaced', () => {
    expect(withoutSubjectTags('Re: [CW-7KQ2MD] Payout [#cw-7kq2md] missing')).toBe('Re: Payout missing');
    expect(withoutSubjectTags('[ CW-7KQ2MD ]')).toBe('');
    expect(withoutSubjectTags('[CW-7KQ2MI] not a tag')).toBe('[CW-7KQ2MI] not a tag');
  });

  it('every subject casewatch writes gives its case number back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.string(), (bytes, words) => {
        const number = caseNumberFrom(bytes);
        expect(caseNumberFromSubject(`Re: ${subjectTag(number)} ${words}`)).toBe(number);
      }),
    );
  });

  it('strips CR, LF and other control characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect([...headerSafe(s)].some((ch) => ch < ' ' || ch === '\u2028' || ch === '\u2029')).toBe(false);
      }),
    );
    expect(headerSafe('hi\r\nBcc: x@evil.example')).toBe('hi Bcc: x@evil.example');
  });
});
