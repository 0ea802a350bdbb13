import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReplyAddress, replyAddress, replyToken } from '../../../shared/adapters/email/reply-address.ts';
import { caseNumberFrom } from '../../../shared/domain/case.ts';
import {
  caseIdFromMessageIds,
  caseNumberFromSubject,
  headerSafe,
  messageId,
  subjectTag,
  threadRootId,
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

describe('Message-ID', () => {
  it('has the documented shape', () => {
    expect(messageId('01JDCASE', '01JDEVENT', 'mail.example')).toBe(
      '<event.01JDEVENT.case.01JDCASE@mail.example>',
    );
  });

  it('round-trips through In-Reply-To and References', () => {
    fc.assert(
      fc.property(caseIdArb, caseIdArb, (caseId, eventId) => {
        const id = messageId(caseId, eventId, domain);
        expect(caseIdFromMessageIds(id, domain)).toBe(caseId);
        expect(caseIdFromMessageIds(`<foreign@gmail.com> ${id} <other@x.y>`, domain)).toBe(caseId);
        expect(caseIdFromMessageIds(['<foreign@gmail.com>', id], domain)).toBe(caseId);
      }),
    );
  });

  it('takes the latest of ours and ignores foreign domains and noise', () => {
    const older = messageId('CASEA', 'E1', domain);
    const newer = messageId('CASEB', 'E2', domain);
    expect(caseIdFromMessageIds(`${older} ${newer}`, domain)).toBe('CASEB');
    expect(caseIdFromMessageIds(messageId('CASEA', 'E1', 'evil.example'), domain)).toBeNull();
    expect(caseIdFromMessageIds('<abc@gmail.com>', domain)).toBeNull();
    expect(caseIdFromMessageIds(undefined, domain)).toBeNull();
    expect(caseIdFromMessageIds([], domain)).toBeNull();
  });
});

describe('thread root Message-ID', () => {
  it('has the documented shape', () => {
    expect(threadRootId('01JDCASE', 'mail.example')).toBe('<case.01JDCASE@mail.example>');
  });

  it('round-trips alone and among other ids', () => {
    fc.assert(
      fc.property(caseIdArb, (caseId) => {
        const root = threadRootId(caseId, domain);
        expect(caseIdFromMessageIds(root, domain)).toBe(caseId);
        expect(caseIdFromMessageIds(`<foreign@gmail.com> ${root}`, domain)).toBe(caseId);
        expect(caseIdFromMessageIds(['<a@b.c>', root.toUpperCase()], domain)).toBe(caseId.toUpperCase());
      }),
    );
  });

  it('counts in order with per-event ids, and is ignored on another domain', () => {
    const root = threadRootId('CASEA', domain);
    const event = messageId('CASEB', 'E1', domain);
    expect(caseIdFromMessageIds(`${root} ${event}`, domain)).toBe('CASEB');
    expect(caseIdFromMessageIds(`${event} ${root}`, domain)).toBe('CASEA');
    expect(caseIdFromMessageIds(threadRootId('CASEA', 'evil.example'), domain)).toBeNull();
    expect(
      caseIdFromMessageIds('<case.@reply.support.example> <case.a.b@reply.support.example>', domain),
    ).toBeNull();
  });

  it('refuses a case id or domain that cannot go in it', () => {
    expect(() => threadRootId('a.b', domain)).toThrow(RangeError);
    expect(() => threadRootId('a>b', domain)).toThrow(RangeError);
    expect(() => threadRootId('CASEA', 'not a domain')).toThrow(RangeError);
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
