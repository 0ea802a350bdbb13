import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readInbound } from '../../../shared/adapters/email-inbound/classify.ts';

/** docs/mail.md#duplicates: one key per message, however it travelled. */
function message(lines: {
  from?: string;
  id?: string | null;
  date?: string;
  subject?: string;
  body?: string;
}) {
  return [
    `From: ${lines.from ?? 'pat@example.net'}`,
    'To: support@mail.casewatch.test',
    `Subject: ${lines.subject ?? 'Charged twice'}`,
    ...(lines.id === null ? [] : [`Message-ID: ${lines.id ?? '<m1@example.net>'}`]),
    `Date: ${lines.date ?? 'Mon, 30 Nov 2026 16:00:00 +0000'}`,
    '',
    lines.body ?? 'Please refund one of them.',
    '',
  ].join('\r\n');
}

async function keyOf(raw: string): Promise<string> {
  const mail = await readInbound(Buffer.from(raw));
  if (mail.kind !== 'mail') throw new Error(`not readable: ${mail.reason}`);
  return mail.messageKey;
}

/** What each hop puts on top: a mail server's Received, SES's verdicts. */
const hop = fc.constantFrom(
  'Received: from mx.example.net by inbound-smtp.amazonaws.com; Mon, 30 Nov 2026 16:00:01 +0000\r\n',
  'Received: from relay.example.org (relay.example.org [192.0.2.7]) by mx.example.net\r\n',
  'X-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\n',
  'Authentication-Results: amazonses.com; spf=pass; dkim=pass; dmarc=pass\r\n',
);

describe('messageKey', () => {
  it('is the same for every delivery of one message, whatever the hops added on top', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hop, { maxLength: 4 }), fc.boolean(), async (hops, withId) => {
        const raw = message({ id: withId ? '<m1@example.net>' : null });
        expect(await keyOf(hops.join('') + raw)).toBe(await keyOf(raw));
      }),
    );
  });

  it('names a message by sender and Message-ID together: the same id from someone else is another message', async () => {
    const base = await keyOf(message({}));
    expect(await keyOf(message({ body: 'Edited body, same id' }))).toBe(base);
    expect(await keyOf(message({ from: 'PAT@Example.net' }))).toBe(base);
    expect(await keyOf(message({ from: 'mallory@evil.example' }))).not.toBe(base);
    expect(await keyOf(message({ id: '<m2@example.net>' }))).not.toBe(base);
  });

  it('without a Message-ID: sender, Date, subject and body as sent, whatever the line ends', async () => {
    const base = await keyOf(message({ id: null }));
    expect(await keyOf(message({ id: null }).replace(/\r\n/g, '\n'))).toBe(base);
    expect(await keyOf(message({ id: null, date: 'Mon, 30 Nov 2026 16:05:00 +0000' }))).not.toBe(base);
    expect(await keyOf(message({ id: null, subject: 'Charged three times' }))).not.toBe(base);
    expect(await keyOf(message({ id: null, body: 'Another text.' }))).not.toBe(base);
    expect(await keyOf(message({ id: null, from: 'someone@example.org' }))).not.toBe(base);
    // A Message-ID, when there is one, decides alone.
    expect(await keyOf(message({}))).not.toBe(base);
  });
});
