import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type InboundMail, readInbound } from '../../../shared/adapters/email-inbound/classify.ts';
import { withoutLinkCredentials } from '../../../shared/domain/email/addressing.ts';
import { caseSubjectOfMail, subjectKind } from '../../../shared/domain/email/mail-subject.ts';

/** A one-part mail from `from`, with the given extra header lines. */
const raw = (from: string, headers: string[] = [], text = 'Hello', subject = 'Question') =>
  Buffer.from(
    [
      ...headers,
      `From: ${from}`,
      'To: support@in.casewatch.example',
      `Subject: ${subject}`,
      'Message-ID: <m1@example.com>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      text,
      '',
    ].join('\r\n'),
  );

function mailOf(got: InboundMail) {
  if (got.kind !== 'mail') throw new Error(`expected mail, got ${JSON.stringify(got)}`);
  return got;
}

const AR = 'Authentication-Results: amazonses.com;';

describe('who the sender is (docs/mail.md#who-is-the-sender)', () => {
  it.each([
    [
      'DMARC passes',
      `${AR} spf=pass smtp.mailfrom=a@example.com; dkim=pass header.i=@example.com; dmarc=pass header.from=example.com`,
      true,
    ],
    [
      'DKIM passes for the From domain, no DMARC policy',
      `${AR} spf=none; dkim=pass header.i=@example.com; dmarc=none`,
      true,
    ],
    ['DKIM passes for a parent domain', `${AR} dkim=pass header.d=example.com; dmarc=none`, true],
    [
      'SPF passes for the envelope sender of a subdomain (SES writes it as its own segment)',
      `${AR} spf=pass (spfCheck: domain of mail.example.com designates 203.0.113.9 as permitted sender) client-ip=203.0.113.9; envelope-from=bounce@mail.example.com; helo=mx.example.com; dkim=none; dmarc=none`,
      true,
    ],
    [
      'DKIM passes, but for another domain',
      `${AR} spf=none; dkim=pass header.i=@evil.example; dmarc=none`,
      false,
    ],
    [
      'SPF passes, but for another domain',
      `${AR} spf=pass smtp.mailfrom=x@evil.example; dkim=none; dmarc=none`,
      false,
    ],
    ['nothing passes', `${AR} spf=none; dkim=none; dmarc=none`, false],
    [
      'a domain that only ends like the From domain',
      `${AR} dkim=pass header.d=notexample.com; dmarc=none`,
      false,
    ],
  ])('%s → %s', async (_what, header, authenticated) => {
    expect(mailOf(await readInbound(raw('Pat <pat@example.com>', [header]))).authenticated).toBe(
      authenticated,
    );
  });

  it('a mail nothing is reported about counts as its sender’s only where told so (the local runtime, no SES)', async () => {
    expect(mailOf(await readInbound(raw('pat@example.com'), { trustUnreported: true })).authenticated).toBe(
      true,
    );
    expect(mailOf(await readInbound(raw('pat@example.com'))).authenticated).toBe(false);
  });

  it('believes only SES’s own header, the topmost: one the sender wrote below it, or alone, proves nothing', async () => {
    const forged = `${AR} spf=pass smtp.mailfrom=victim.example; dkim=pass header.d=victim.example; dmarc=pass`;
    const below = raw('ceo@victim.example', [`${AR} spf=none; dkim=none; dmarc=none`, forged]);
    expect(mailOf(await readInbound(below)).authenticated).toBe(false);
    const alone = raw('ceo@victim.example', [forged.replace('amazonses.com', 'mx.attacker.example')]);
    expect(mailOf(await readInbound(alone)).authenticated).toBe(false);
  });

  it.each([
    [
      'a HELO name that reads like a property',
      `${AR} spf=pass (spfCheck: domain of attacker.example designates 192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from=x@attacker.example; helo=mx smtp.mailfrom=victim.example; dkim=none; dmarc=none`,
    ],
    [
      'a quoted envelope sender carrying a property',
      `${AR} spf=pass client-ip=192.0.2.1; envelope-from="a smtp.mailfrom=victim.example "@attacker.example; dkim=none; dmarc=none`,
    ],
    [
      'a quoted envelope sender carrying a whole DKIM result',
      `${AR} spf=pass client-ip=192.0.2.1; envelope-from="x;dkim=pass header.d=victim.example ;"@attacker.example; dkim=none; dmarc=none`,
    ],
    [
      'a comment naming the domain',
      `${AR} spf=pass (header.d=victim.example smtp.mailfrom=victim.example) smtp.mailfrom=attacker.example; dkim=none; dmarc=none`,
    ],
  ])('what the sender chose cannot pass for a check: %s', async (_what, header) => {
    const got = await readInbound(raw('ceo@victim.example', [header]), {
      verdicts: { spf: 'PASS', dkim: 'GRAY', dmarc: 'GRAY' },
    });
    expect(mailOf(got).authenticated).toBe(false);
  });

  it('a DKIM pass the header claims counts only when the receipt’s DKIM verdict agrees', async () => {
    const header = `${AR} spf=none; dkim=pass header.i=@example.com; dmarc=none`;
    const got = await readInbound(raw('pat@example.com', [header]), {
      verdicts: { dkim: 'GRAY', dmarc: 'GRAY' },
    });
    expect(mailOf(got).authenticated).toBe(false);
  });

  it('the receipt’s DMARC pass decides, whatever the headers say', async () => {
    const got = await readInbound(raw('pat@example.com', [`${AR} spf=none; dkim=none; dmarc=none`]), {
      verdicts: { dmarc: 'PASS' },
    });
    expect(mailOf(got).authenticated).toBe(true);
  });

  it('an SPF failure with a DMARC pass (a forwarder) is a mail, not quarantine', async () => {
    const got = await readInbound(
      raw('pat@example.com', [
        `${AR} spf=fail smtp.mailfrom=fwd@forwarder.example; dkim=pass header.i=@example.com; dmarc=pass header.from=example.com`,
      ]),
    );
    expect(got).toMatchObject({ kind: 'mail', authenticated: true });
  });
});

describe('automatic replies without the headers that say so', () => {
  it.each([
    'Automatische Antwort: Ihre Anfrage',
    'AUTO: Pat Jones is out of the office (returning 12/14/2026)',
    'Risposta automatica: fuori sede',
    'Respuesta automática: vacaciones',
    'Автоответ: в отпуске',
    '自動応答: 不在のお知らせ',
  ])('%s', async (subject) => {
    expect(mailOf(await readInbound(raw('pat@example.com', [], 'Away.', subject))).automatic).toBe(true);
  });

  it('Exchange’s X-Auto-Response-Suppress marks what it sent on its own', async () => {
    const got = await readInbound(raw('pat@example.com', ['X-Auto-Response-Suppress: All'], 'Away.'));
    expect(mailOf(got).automatic).toBe(true);
  });

  it('a person’s subject that merely mentions an auto-reply is a person’s', async () => {
    const got = await readInbound(raw('pat@example.com', [], 'Help', 'Why did I get an automatic reply?'));
    expect(mailOf(got).automatic).toBe(false);
  });
});

describe('what of a mail’s text is the customer’s', () => {
  it('fields are read from their own lines, not from the quote of our mail they answer between', async () => {
    const text = [
      '> Please reply with the billing descriptor (the text on your statement, e.g. FSPRG*ACME).',
      'It says FSPRG*ACMEPHOTO.',
      '> And the order number?',
      'FS-2612-7781',
    ].join('\r\n');
    const got = mailOf(await readInbound(raw('pat@example.com', [], text, 'Re: [CW-7M24W0] Your case')));
    expect(got.extracted).toEqual({ billingDescriptor: 'FSPRG*ACMEPHOTO', orderNumber: 'FS-2612-7781' });
  });

  it('Outlook’s [cid:…] placeholders of inline images are not words', async () => {
    const got = await readInbound(
      raw('pat@example.com', [], 'Thanks!\r\n\r\nPat\r\n[cid:image001.png@01DB47A1.12345670]'),
    );
    expect(mailOf(got).text).toBe('Thanks!\n\nPat');
  });

  it('a quoted case link loses its token: the timeline never carries a credential', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwMU04UTBHRFEwOVlQMVJ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const text = `Thanks.\r\n\r\n> View case CW-7M24W0: https://portal.example/case/CW-7M24W0#token=${token}\r\n> More.\r\nAnd one more thing.`;
    const got = mailOf(await readInbound(raw('pat@example.com', [], text, 'Re: case')));
    expect(got.text).not.toContain(token);
    expect(got.text).toContain('#token=[removed]');
  });

  it('takes out any signed token however it sits, and leaves other text alone', () => {
    const header = 'eyJhbGciOiJIUzI1NiJ9';
    const jws = `${header}.eyJjYXNlIjoiMDFNOCJ9.AbCdEfGhIjKlMnOp`;
    fc.assert(
      fc.property(
        fc.string({ maxLength: 100 }),
        fc.constantFrom(' ', '=', '%3D', '#token=', '%23token%3D', '/', '\n> '),
        fc.string({ maxLength: 100 }),
        (before, joint, after) => {
          const scrubbed = withoutLinkCredentials(`${before}${joint}${jws}${after}`);
          expect(scrubbed).not.toContain(jws);
          expect(scrubbed).not.toContain(header);
        },
      ),
      { numRuns: 300 },
    );
    // Outlook's SafeLinks, and a plain-text client that wrapped the quoted link.
    const safeLink = `https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fportal.example%2Fcase%2FCW-7M24W0%23token%3D${jws}&data=x`;
    expect(withoutLinkCredentials(safeLink)).not.toContain(header);
    const wrapped = `> View case CW-7M24W0: https://portal.example/case/CW-7M24W0#token=${header}.eyJjYXNl\n> IjoiMDFNOCJ9.AbCdEfGhIjKlMnOp`;
    expect(withoutLinkCredentials(wrapped)).not.toContain(header);
    expect(withoutLinkCredentials(wrapped)).not.toContain('eyJjYXNl');
    for (const ordinary of [
      'Order FS-2612-7781, FSPRG*ACME, see https://acme.example/x?y=1',
      'We use MoneyJarSubscriptions and KeyJumper2000 with it.',
    ])
      expect(withoutLinkCredentials(ordinary)).toBe(ordinary);
  });
});

describe('the subject of a case opened by mail (docs/mail.md#new-cases-from-mail)', () => {
  it.each([
    ['Re: Case closed: Fwd: Your ACME Photo Pro receipt', false, 'Your ACME Photo Pro receipt'],
    ['Re: [CW-7M24W0] We received your case: Charged twice', false, 'Charged twice'],
    ['AW: WG: Rechnung 4711', false, 'Rechnung 4711'],
    ['RE[2]: TR: Facture', true, 'Facture'],
    ['R: I: Fattura', true, 'Fattura'],
    ['Re: How did we do? Charged twice', false, 'Charged twice'],
    ['Refund: order FS-1', false, 'Refund: order FS-1'],
    ['Re: ', false, ''],
    // Words and codes people start a new mail with stay, unless the mail answers one of ours.
    ['R: ggplot crashes', false, 'R: ggplot crashes'],
    ['I: cannot log in', false, 'I: cannot log in'],
    ['TR: 808 drum machine', false, 'TR: 808 drum machine'],
    ['VS: Code extension', false, 'VS: Code extension'],
  ])('%s (answering: %s) → %s', (subject, answering, wanted) => {
    expect(caseSubjectOfMail(subject, answering)).toBe(wanted);
  });

  it('tells replies from forwards by the first prefix', () => {
    expect(subjectKind('Fwd: Re: receipt')).toBe('forward');
    expect(subjectKind('Re: Fwd: receipt')).toBe('reply');
    expect(subjectKind('[CW-7M24W0] WG: Rechnung')).toBe('forward');
    expect(subjectKind('Receipt')).toBeNull();
    expect(subjectKind('I: cannot log in')).toBeNull();
    expect(subjectKind('I: Fattura', true)).toBe('forward');
    expect(subjectKind('R: Fattura', true)).toBe('reply');
  });

  it('is already clean once cleaned, and never grows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('Re: ', 'Fwd: ', 'AW: ', 'Case closed: ', '[CW-7M24W0] ', 'RE[3]: ')),
        fc.string({ maxLength: 60 }),
        (prefixes, rest) => {
          const once = caseSubjectOfMail(prefixes.join('') + rest);
          expect(caseSubjectOfMail(once)).toBe(once);
          expect(once.length).toBeLessThanOrEqual((prefixes.join('') + rest).length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
