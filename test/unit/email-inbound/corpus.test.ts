import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type InboundMail, readInbound } from '../../../shared/adapters/email-inbound/classify.ts';

const dir = new URL('../../fixtures/mail/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.eml'))
  .sort();

type Expectation =
  | { kind: 'quarantine'; reason: string }
  | {
      kind: 'mail';
      from: string;
      automatic: boolean;
      caseTag: string | null;
      inReplyTo: boolean;
      replyToken: boolean;
      extracted: { orderNumber?: string; billingDescriptor?: string };
      attachments: number;
      textContains: string;
      textNotContains?: string;
      /** The text exactly, when it matters that nothing else is there. */
      text?: string;
      /** Whether SPF, DKIM and DMARC vouch for the sender, when the fixture is about that. */
      authenticated?: boolean;
    };

const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Record<
  string,
  Expectation
>;

const load = (file: string) => readFileSync(new URL(file, dir));

describe('inbound mail corpus', () => {
  it('has at least 25 fixtures, each with an expectation and no stale expectations', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
    expect(fixtures.filter((f) => !(f in expected))).toEqual([]);
    expect(Object.keys(expected).filter((f) => !fixtures.includes(f))).toEqual([]);
  });

  it.each(fixtures)('%s', async (file) => {
    const want = expected[file];
    if (want === undefined) throw new Error(`${file} has no entry in expected.json`);
    const got = await readInbound(load(file));
    if (want.kind === 'quarantine') {
      expect(got).toMatchObject({ kind: 'quarantine', reason: want.reason });
      // Readable quarantined mail keeps who sent it, for triage; unparseable mail cannot say.
      if (want.reason !== 'unparseable') expect(got).toMatchObject({ from: expect.stringContaining('@') });
      return;
    }
    if (got.kind !== 'mail') throw new Error(`${file}: expected mail, got ${JSON.stringify(got)}`);
    expect(got.from).toBe(want.from);
    expect(got.automatic).toBe(want.automatic);
    expect(got.caseTag ?? null).toBe(want.caseTag);
    expect(got.inReplyTo !== undefined).toBe(want.inReplyTo);
    expect(got.replyTokenAddress !== undefined).toBe(want.replyToken);
    expect(got.extracted).toEqual(want.extracted);
    expect(got.attachments).toHaveLength(want.attachments);
    for (const a of got.attachments) {
      expect(a.size).toBe(a.content.length);
      expect(a.fileName).not.toBe('');
    }
    expect(got.text).toContain(want.textContains);
    if (want.textNotContains !== undefined) expect(got.text).not.toContain(want.textNotContains);
    if (want.text !== undefined) expect(got.text).toBe(want.text);
    if (want.authenticated !== undefined) expect(got.authenticated).toBe(want.authenticated);
    expect(got.to.every((a) => a === a.toLowerCase())).toBe(true);
  });
});

describe('verdicts passed in (the SES Lambda event)', () => {
  const clean = load('07-new-consumer-complete.eml');

  it.each([
    ['spam', 'FAIL'],
    ['virus', 'FAIL'],
    ['spf', 'FAIL'],
    ['dkim', 'FAIL'],
    ['dmarc', 'FAIL'],
  ] as const)('%s=%s quarantines a clean-looking message (DMARC not passing)', async (name, verdict) => {
    expect(await readInbound(clean, { verdicts: { dmarc: 'GRAY', [name]: verdict } })).toMatchObject({
      kind: 'quarantine',
      reason: name,
    });
  });

  it.each(['spf', 'dkim'] as const)(
    'a DMARC pass outweighs %s=FAIL (forwarding breaks SPF; another signature may pass)',
    async (name) => {
      const got = await readInbound(clean, { verdicts: { dmarc: 'PASS', [name]: 'FAIL' } });
      expect(got).toMatchObject({ kind: 'mail', authenticated: true });
    },
  );

  it('names the virus before anything else when several fail', async () => {
    const got = await readInbound(clean, { verdicts: { spam: 'FAIL', virus: 'FAIL', dmarc: 'FAIL' } });
    expect(got).toMatchObject({ kind: 'quarantine', reason: 'virus' });
  });

  it('does not quarantine gray or unavailable verdicts', async () => {
    const got = await readInbound(clean, {
      verdicts: { spam: 'GRAY', virus: 'PROCESSING_FAILED', spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY' },
    });
    expect(got.kind).toBe('mail');
  });

  it('lets the event verdicts override the stored headers', async () => {
    const got = await readInbound(load('24-spam-verdict-fail.eml'), { verdicts: { spam: 'PASS' } });
    expect(got.kind).toBe('mail');
  });

  it('finds a Bcc-ed reply address among the envelope recipients', async () => {
    const address = 'case+01JD3ZK8Q4W5X6Y7Z8A9B0C1D2.sig@in.casewatch.example';
    const got = await readInbound(clean, { recipients: ['support@in.casewatch.example', address] });
    expect(got.kind === 'mail' && got.replyTokenAddress).toBe(address);
  });
});

const expectResult = (got: InboundMail) => {
  expect(['mail', 'quarantine']).toContain(got.kind);
  if (got.kind === 'mail') {
    expect(typeof got.from).toBe('string');
    expect(typeof got.text).toBe('string');
    expect(Array.isArray(got.references)).toBe(true);
  }
};

const HEADER_NAMES = [
  'From',
  'To',
  'Cc',
  'Subject',
  'Message-ID',
  'In-Reply-To',
  'References',
  'Content-Type',
  'Content-Transfer-Encoding',
  'MIME-Version',
  'Return-Path',
  'Auto-Submitted',
  'Precedence',
  'List-Id',
  'X-SES-Spam-Verdict',
  'X-SES-Virus-Verdict',
  'Authentication-Results',
  'Received-SPF',
];
const HEADER_VALUES = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom(
    'multipart/mixed; boundary="b"',
    'multipart/report; report-type=delivery-status; boundary=x',
    'text/plain; charset=x-unknown',
    'text/html; charset=ISO-2022-JP',
    'base64',
    'quoted-printable',
    '=?UTF-8?B?@@@?=',
    '=?ISO-8859-1?Q?=E9=?=',
    '<>',
    'a@b',
    '"Name" <case+x.y@in.example>',
    'amazonses.com; spf=fail; dkim=; dmarc',
    'FAIL',
    'PASS',
  ),
);
const HEADER_SOUP = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...HEADER_NAMES), HEADER_VALUES), { maxLength: 12 }),
    fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom('--b\r\n\r\nhi\r\n--b--', '--x\r\nContent-Type:'),
    ),
    fc.constantFrom('\r\n', '\n'),
  )
  .map(([headers, body, eol]) =>
    Buffer.from(`${headers.map(([k, v]) => `${k}: ${v}`).join(eol)}${eol}${eol}${body}`),
  );

describe('never throws', () => {
  it('on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        expectResult(await readInbound(Buffer.from(bytes)));
      }),
      { numRuns: 200 },
    );
  });

  it('on random header soup', async () => {
    await fc.assert(
      fc.asyncProperty(HEADER_SOUP, async (raw) => {
        expectResult(await readInbound(raw));
      }),
      { numRuns: 300 },
    );
  });

  it('on every prefix of a real message (truncation anywhere)', async () => {
    const raw = load('10-attachment-png-screenshot.eml');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: raw.length }), async (cut) => {
        expectResult(await readInbound(raw.subarray(0, cut)));
      }),
      { numRuns: 150 },
    );
  });
});
