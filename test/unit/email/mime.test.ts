import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { type ParsedMail, simpleParser } from 'mailparser';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSesMailer } from '../../../shared/adapters/email/mailer.ts';
import { signedMessageId } from '../../../shared/adapters/email/message-ids.ts';
import { composeMime, type MimeMail } from '../../../shared/adapters/email/mime.ts';
import { replyAddress } from '../../../shared/adapters/email/reply-address.ts';
import { renderNotice } from '../../../shared/adapters/email/templates.ts';
import { newSellerCase } from '../../support/cases.ts';

const domain = 'reply.support.example';
const key = new Uint8Array(32).fill(3);
const c = newSellerCase({
  subject: '<script>alert(1)</script>\r\nBcc: victim@evil.example',
  description: 'no payout this month',
});
const rendered = renderNotice({
  kind: 'acknowledgment',
  eventId: '01JDOPENED',
  case: c,
  firstResponseDueAt: '2026-12-02T01:00:00.000Z',
  missing: [],
  relatedCaseNumber: null,
  requesterText: true,
});
const ack = signedMessageId(c.id, '01JDOPENED', key, domain);
const mail: MimeMail = {
  from: 'casewatch <support@support.example>',
  to: 'a@b.c',
  replyTo: replyAddress(c.id, key, domain),
  subject: rendered.subject,
  text: rendered.text,
  html: rendered.html,
  messageId: signedMessageId(c.id, '01JDMSG', key, domain),
  inReplyTo: ack,
  references: [ack],
  automatic: true,
  date: new Date('2026-11-30T17:00:05.000Z'),
};

const header = (p: ParsedMail, name: string) => p.headers.get(name);

describe('composeMime', () => {
  it('round-trips through a MIME parser with threading, reply and auto-submitted headers', async () => {
    const p = await simpleParser(await composeMime(mail));
    expect(p.messageId).toBe(mail.messageId);
    expect(p.inReplyTo).toBe(ack);
    expect(p.references).toBe(ack);
    expect(p.replyTo?.value[0]?.address).toBe(mail.replyTo);
    expect(header(p, 'auto-submitted')).toBe('auto-generated');
    expect(p.date?.toISOString()).toBe('2026-11-30T17:00:05.000Z');
    expect(p.subject).toBe(rendered.subject);
    expect(p.subject).not.toMatch(/[\r\n]/);
    expect(p.bcc).toBeUndefined();
    expect(header(p, 'bcc')).toBeUndefined();
    expect(p.text).toContain('5:00 PM Pacific Time on Tuesday, December 1');
    expect(p.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(p.html).not.toContain('<script>');
  });

  it('leaves Auto-Submitted off a person’s message and omits empty threading headers', async () => {
    const raw = await composeMime({ ...mail, automatic: false, inReplyTo: null, references: [] });
    const p = await simpleParser(raw);
    expect(header(p, 'auto-submitted')).toBeUndefined();
    expect(p.inReplyTo).toBeUndefined();
    expect(p.references).toBeUndefined();
  });

  it('keeps several references in order', async () => {
    const refs = [ack, '<x@gmail.com>', signedMessageId(c.id, '01JDMSG0', key, domain)];
    const p = await simpleParser(await composeMime({ ...mail, references: refs }));
    expect(p.references).toEqual(refs);
  });
});

describe('SES mailer', () => {
  const ses = mockClient(SESClient);
  beforeEach(() => {
    ses.reset();
    ses.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
  });

  it('sends the composed message as raw data', async () => {
    const mailer = createSesMailer({
      client: new SESClient({ region: 'us-east-1' }),
      configurationSetName: 'cw',
    });
    const out = await mailer.send({ ...mail, tags: { casewatch: 'acknowledgment', 'kind.x': 'a.b' } });
    expect(out).toEqual({ providerMessageId: 'ses-1' });
    const calls = ses.commandCalls(SendRawEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.ConfigurationSetName).toBe('cw');
    expect(input?.Destinations).toEqual(['a@b.c']);
    expect(input?.Source).toBe(mail.from);
    expect(input?.Tags).toEqual([
      { Name: 'casewatch', Value: 'acknowledgment' },
      { Name: 'kind-x', Value: 'a-b' },
    ]);
    const data = input?.RawMessage?.Data;
    expect(data).toBeInstanceOf(Uint8Array);
    const p = await simpleParser(Buffer.from(data as Uint8Array));
    expect(p.messageId).toBe(mail.messageId);
    expect(p.replyTo?.value[0]?.address).toBe(mail.replyTo);
    expect(p.html).toBeTruthy();
    expect(p.text).toBeTruthy();
  });
});
