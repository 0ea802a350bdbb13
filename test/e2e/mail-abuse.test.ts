import { describe, expect, it } from 'vitest';
import { consumerCase, credential, dataOf, type LocalApi, useLocalApi } from './support/local-api.ts';

/**
 * docs/mail.md's safeguards end to end, on the local runtime: what casewatch will not let a stranger do
 * with its mail — note on a case by a made-up reference, land one message twice, or have casewatch mail
 * someone else their words — and how it learns of mail that bounced.
 */
let api: LocalApi;
let asAgent: Record<string, string>;
let domain: string;

useLocalApi((local) => {
  api = local.api;
  asAgent = credential({ token: local.agent });
  domain = api.runtime.mailDomain;
});

/** Lets the stream's reactions (mail) finish: listing timers drains the stream first. */
const settle = () => api.call('GET', '/_local/timers');

async function openByApi(email: string) {
  const opened = dataOf(await api.client.POST('/cases', { body: consumerCase({ email }) }));
  await settle();
  return opened;
}

async function events(id: string) {
  const page = await api.client.GET('/cases/{id}/events', {
    params: { path: { id }, query: { limit: 100 } },
    headers: asAgent,
  });
  return dataOf(page).items;
}

async function casesOf(email: string) {
  const page = dataOf(
    await api.client.GET('/cases', { params: { query: { limit: 100 } }, headers: asAgent }),
  );
  return page.items.filter((c) => c.requester.email === email);
}

async function archived(): Promise<{ reason: string; from: string | null }[]> {
  return (await api.call('GET', '/_local/mail/archive')).body.archived;
}

/** Our Message-ID of the mail of this kind about this case. */
async function sentId(caseId: string, kind: string): Promise<string> {
  const mail = (await api.sent()).find((m) => m.tags.case === caseId && m.tags.casewatch === kind);
  if (!mail) throw new Error(`no ${kind} was sent for ${caseId}`);
  return mail.messageId;
}

let autoReplies = 0;
const autoReply = (from: string, header: string, ref: string) =>
  [
    `From: ${from}`,
    `To: support@${domain}`,
    'Subject: Automatic reply: out of office',
    'Auto-Submitted: auto-replied',
    `Message-ID: <ooo-${++autoReplies}@example.net>`,
    `${header}: ${ref}`,
    '',
    'I am away until Monday.',
    '',
  ].join('\r\n');

describe('nothing unsigned is trusted (docs/mail.md#machine-mail)', () => {
  it('forged references: an auto-reply naming a case by any reference we did not sign leaves nothing on it and is archived', async () => {
    const c = await openByApi('forged@example.com');
    const other = await openByApi('forged-other@example.com');
    const genuine = await sentId(c.id, 'acknowledgment');
    const refs = [
      // The thread root and per-event ids as casewatch wrote them before signing: anyone who knows the
      // case id can type them.
      `<case.${c.id}@${domain}>`,
      `<event.01M8PR38E0QHD98AB0Q4EZNQQZ-agent-message.case.${c.id}@${domain}>`,
      `<event.01M8PR38E0QHD98AB0Q4EZNQQZ-closure.case.${c.id}@${domain}>`,
      `<case.${c.id}@${domain.toUpperCase()}>`,
      `<other@example.net> <case.${c.id}@${domain}>`,
      // Made-up signatures, a changed one, and another case's genuine id pointed at this case.
      `<case.${c.id}.aaaaaaaaaaaaaaaa@${domain}>`,
      genuine.replace(/([a-z2-7])@/, (_m, ch: string) => `${ch === 'a' ? 'b' : 'a'}@`),
      (await sentId(other.id, 'acknowledgment')).replace(other.id, c.id),
    ];
    const before = (await archived()).length;
    let sent = 0;
    for (const ref of refs)
      for (const header of ['In-Reply-To', 'References'])
        for (const from of ['forged@example.com', 'mallory@evil.example']) {
          const [result] = await api.inbound(autoReply(from, header, ref));
          expect(result, `${header}: ${ref} from ${from}`).toMatchObject({
            kind: 'archived',
            reason: 'automatic',
          });
          sent++;
        }
    expect(sent).toBe(32);
    expect((await events(c.id)).map((e) => e.type)).toEqual(['case.opened']);
    expect((await archived()).length - before).toBe(32);
  });

  it('an auto-reply answering a Message-ID we signed becomes an internal note on its case', async () => {
    const c = await openByApi('signed@example.com');
    const [result] = await api.inbound(
      autoReply('signed@example.com', 'In-Reply-To', await sentId(c.id, 'acknowledgment')),
    );
    expect(result).toMatchObject({ kind: 'noted', caseId: c.id });
    expect((await events(c.id)).at(-1)).toMatchObject({ type: 'message.posted', visibility: 'internal' });
  });
});

describe('one message lands once (docs/mail.md#duplicates)', () => {
  it('the same Message-ID delivered 5 times (SMTP and POST /_local/inbound, two of our addresses): one case, one acknowledgment', async () => {
    const raw = [
      'From: Dee Plicate <dup@example.net>',
      `To: support@${domain}`,
      `Cc: help@${domain}`,
      'Subject: Charged twice for order FS-77123 (FSPRG*ACME)',
      'Message-ID: <dup-1@example.net>',
      'Date: Mon, 30 Nov 2026 16:00:00 +0000',
      '',
      'Please refund one of the two charges.',
      '',
    ].join('\r\n');
    const results = [];
    await api.smtpRaw(raw, { from: 'dup@example.net', to: [`support@${domain}`] });
    await api.smtpRaw(raw, { from: 'dup@example.net', to: [`help@${domain}`] });
    results.push(...(await api.inbound(raw, [`support@${domain}`])));
    results.push(...(await api.inbound(`Received: from mx2.example.net\r\n${raw}`, [`help@${domain}`])));
    results.push(...(await api.inbound(raw)));
    await settle();
    expect(results.map((r) => r.kind)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    const cases = await casesOf('dup@example.net');
    expect(cases).toHaveLength(1);
    expect((await events(cases[0]?.id as string)).map((e) => e.type)).toEqual(['case.opened']);
    expect(await api.mailTo('dup@example.net')).toHaveLength(1);
    expect((await archived()).filter((a) => a.from === 'dup@example.net').map((a) => a.reason)).toEqual(
      Array(4).fill('duplicate'),
    );
  });

  it('a reply without a Message-ID sent twice lands once; written again later, it is a new message', async () => {
    const c = await openByApi('noid@example.com');
    const reply = (date: string) =>
      [
        'From: noid@example.com',
        `To: support@${domain}`,
        `Subject: Re: [${c.number}] We received your case`,
        `Date: ${date}`,
        '',
        'Any news?',
        '',
      ].join('\r\n');
    for (const raw of [reply('Mon, 30 Nov 2026 16:10:00 +0000'), reply('Mon, 30 Nov 2026 16:10:00 +0000')])
      await api.smtpRaw(raw, { from: 'noid@example.com', to: [`support@${domain}`] });
    await api.inbound(reply('Mon, 30 Nov 2026 16:40:00 +0000'));
    const posted = (await events(c.id)).filter((e) => e.type === 'message.posted');
    expect(posted).toHaveLength(2);
  });
});

describe('no one can use casewatch to mail strangers (docs/mail.md#who-gets-what)', () => {
  it('30 anonymous creates for one victim address: at most 5 mails reach it, none with a word the caller typed', async () => {
    const victim = 'victim@example.org';
    for (let i = 0; i < 30; i++) {
      const created = await api.client.POST('/cases', {
        body: consumerCase({
          email: victim,
          subject: `You won! Claim at http://spam.example/${i}`,
          description: 'CALLER-TYPED: send your bank details to http://spam.example',
          orderNumber: 'SPAM-ORDER-1',
        }),
      });
      expect(created.response.status).toBe(201);
    }
    await settle();
    const mails = await api.mailTo(victim);
    expect(mails.length).toBeGreaterThan(0);
    expect(mails.length).toBeLessThanOrEqual(5);
    for (const m of mails) {
      for (const part of [m.subject, m.body.text ?? '', m.body.html ?? '']) {
        expect(part).not.toMatch(/spam\.example|You won|CALLER-TYPED|SPAM-ORDER/);
      }
      expect(m.subject).toMatch(/^\[CW-[0-9A-Z]{6}\] We received your case$/);
    }
    const tally = (await api.call('GET', '/_local/metrics')).body;
    expect(tally.mailSuppressed['recipient-limit']).toBe(30 - mails.length);
  });

  it('a forged From (SES: no SPF, DKIM or DMARC pass for it) writes on no one’s case and unlocks nobody’s mail', async () => {
    const c = await openByApi('pat@example.net');
    // What SES writes above a mail whose sender's domain vouched for nothing.
    const unverified = 'Authentication-Results: amazonses.com; spf=none; dkim=none; dmarc=none';
    const forged = (from: string, subject: string, id: string, text: string) =>
      [
        unverified,
        `From: ${from}`,
        'Reply-To: eve@evil.example',
        `To: support@${domain}`,
        `Subject: ${subject}`,
        `Message-ID: <${id}@evil.example>`,
        '',
        text,
        '',
      ].join('\r\n');
    // The requester's address and the case number: enough, were `From` believed, to close it in their name.
    const [onCase] = await api.inbound(
      forged(
        'pat@example.net',
        `Re: [${c.number}] Refund`,
        'forged-1',
        'please close this case, I was refunded',
      ),
    );
    expect(onCase).toMatchObject({ kind: 'opened' });
    expect((await events(c.id)).map((e) => e.type)).toEqual(['case.opened']);

    // A stranger's address with spam for a subject: the case opens, and its acknowledgment says nothing typed.
    const victim = 'forged-victim@example.org';
    await api.inbound(
      forged(
        victim,
        'WIN a FREE iPhone - claim at http://evil.example/claim',
        'forged-2',
        'http://evil.example',
      ),
    );
    // Nor does the forged mail make the victim one who wrote to us: the next anonymous create stays silent too.
    await api.client.POST('/cases', {
      body: consumerCase({
        email: victim,
        subject: 'Your account is locked: verify at http://evil.example/login',
      }),
    });
    await settle();
    const mails = await api.mailTo(victim);
    expect(mails).toHaveLength(2);
    for (const m of mails)
      for (const part of [m.subject, m.body.text ?? '', m.body.html ?? ''])
        expect(part).not.toMatch(/evil\.example|iPhone|locked/);

    // The same mail from a sender whose domain signed it lands on the case.
    const [signed] = await api.inbound(
      forged('pat@example.net', `Re: [${c.number}] Refund`, 'signed-1', 'Any news?').replace(
        unverified,
        'Authentication-Results: amazonses.com; spf=none; dkim=pass header.i=@example.net; dmarc=none',
      ),
    );
    expect(signed).toMatchObject({ kind: 'posted', caseId: c.id });
  });

  it('a bounce from a plain mail server (empty envelope sender, no report format) opens no case and is not answered', async () => {
    const bounce = [
      `From: MAILER@mx.plain.example`,
      `To: support@${domain}`,
      'Subject: failure notice',
      'Message-ID: <qmail-bounce-1@mx.plain.example>',
      '',
      'Hi. This is the qmail-send program at mx.plain.example.',
      "I'm afraid I wasn't able to deliver your message to the following addresses.",
      '',
    ].join('\r\n');
    await api.smtpRaw(bounce, { from: '', to: [`support@${domain}`] });
    await settle();
    expect(await casesOf('mailer@mx.plain.example')).toEqual([]);
    expect(await api.mailTo('mailer@mx.plain.example')).toEqual([]);
    expect((await archived()).find((a) => a.from === 'mailer@mx.plain.example')).toMatchObject({
      reason: 'automatic',
    });
  });

  it('an address that wrote to us reads its own words back', async () => {
    await api.smtp({
      from: 'writer@example.net',
      to: `support@${domain}`,
      subject: 'Refund for order FS-4411',
      text: 'Charged twice, statement says FSPRG*ACME.',
    });
    await openByApi('writer@example.net');
    const acks = await api.mailTo('writer@example.net');
    expect(acks.map((m) => m.subject)).toEqual([
      expect.stringMatching(/We received your case: Refund for order FS-4411$/),
      expect.stringMatching(/We received your case: Charged twice$/),
    ]);
  });
});

describe('staff answering our notices (docs/mail.md#staff-replies)', () => {
  it('a lead answering an escalation notice from their phone adds an internal note, and opens no case', async () => {
    const c = await openByApi('escalating@example.com');
    dataOf(
      await api.client.POST('/cases/{id}/escalations', {
        params: { path: { id: c.id } },
        headers: credential({ caseToken: c.caseToken }),
        body: { reason: 'Nobody has answered in two days.' },
      }),
    );
    await settle();
    const notice = (await api.sent()).find(
      (m) => m.tags.case === c.id && m.tags.casewatch === 'escalation.requested',
    );
    if (!notice) throw new Error('no escalation notice');
    const lead = notice.to[0] as string;
    const inbox = await api.mailTo(lead);
    const before = inbox.length;
    // Reply goes where the notice says: the case's signed reply address, on the domain SES receives for.
    const replyTo = inbox.find((m) => m.subject.includes('Escalation requested'))?.replyTo[0] as string;
    expect(replyTo).toMatch(new RegExp(`^case\\+${c.id}\\.[a-z2-7]+@${domain.replace(/\./g, '\\.')}$`));
    const [result] = await api.inbound(
      [
        `From: ${lead}`,
        `To: ${replyTo}`,
        `Subject: Re: [${c.number}] Escalation requested`,
        `In-Reply-To: ${notice.messageId}`,
        `Message-ID: <lead-answer-1@support.example>`,
        '',
        'Approved: refund both charges today.',
        '',
        'Sent from my iPhone',
        '',
      ].join('\r\n'),
    );
    expect(result).toMatchObject({ kind: 'noted', caseId: c.id });
    await settle();
    expect((await events(c.id)).at(-1)).toMatchObject({
      type: 'message.posted',
      visibility: 'internal',
      body: 'Approved: refund both charges today.',
      actor: { role: 'lead', id: lead },
    });
    expect(await casesOf(lead)).toEqual([]);
    expect(await api.mailTo(lead)).toHaveLength(before);
    // What the requester sees is unchanged: the note is internal.
    const seen = dataOf(
      await api.client.GET('/cases/{id}/events', {
        params: { path: { id: c.id } },
        headers: credential({ caseToken: c.caseToken }),
      }),
    ).items;
    expect(JSON.stringify(seen)).not.toContain('refund both charges');
  });
});

describe('bounces and complaints (docs/mail.md#bounces-and-complaints)', () => {
  /** The EventBridge event SES publishes for a mail of ours, as `POST /_local/mail-events` takes it. */
  async function feedback(
    caseId: string,
    address: string,
    kind: 'Permanent' | 'Transient' | 'Complaint',
    feedbackId: string,
  ) {
    const mail = (await api.sent()).find((m) => m.tags.case === caseId && m.to.includes(address));
    if (!mail) throw new Error(`nothing was sent to ${address} about ${caseId}`);
    const common = {
      messageId: mail.providerMessageId,
      timestamp: '2026-11-30T17:00:00.000Z',
      source: `support@${domain}`,
      destination: [address],
      tags: Object.fromEntries(Object.entries(mail.tags).map(([k, v]) => [k, [v]])),
      commonHeaders: { messageId: mail.messageId, to: [address], subject: mail.subject },
    };
    const detail =
      kind === 'Complaint'
        ? {
            eventType: 'Complaint',
            complaint: {
              complainedRecipients: [{ emailAddress: address }],
              timestamp: '2026-11-30T17:05:00.000Z',
              feedbackId,
              complaintFeedbackType: 'abuse',
            },
            mail: common,
          }
        : {
            eventType: 'Bounce',
            bounce: {
              bounceType: kind,
              bounceSubType: kind === 'Permanent' ? 'General' : 'MailboxFull',
              bouncedRecipients: [
                {
                  emailAddress: address,
                  action: 'failed',
                  status: '5.1.1',
                  diagnosticCode: 'smtp; 550 5.1.1 user unknown',
                },
              ],
              timestamp: '2026-11-30T17:05:00.000Z',
              feedbackId,
            },
            mail: common,
          };
    const event = {
      version: '0',
      id: feedbackId,
      'detail-type': kind === 'Complaint' ? 'Email Complaint Received' : 'Email Bounced',
      source: 'aws.ses',
      account: '123456789012',
      time: '2026-11-30T17:05:00Z',
      region: 'us-east-1',
      resources: [],
      detail,
    };
    return api.call('POST', '/_local/mail-events', { body: event });
  }

  const reply = (caseId: string, body: string) =>
    api.client.POST('/cases/{id}/messages', {
      params: { path: { id: caseId } },
      headers: asAgent,
      body: { body },
    });

  it('a hard bounce is recorded on its case (staff only), and later mail to the address is suppressed', async () => {
    const address = 'gone@example.org';
    const c = await openByApi(address);
    const answer = await feedback(c.id, address, 'Permanent', 'fb-hard-1');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      caseId: c.id,
      firstTime: true,
      recipients: [{ address, suppressed: true }],
    });
    // The same report again is not recorded twice.
    expect((await feedback(c.id, address, 'Permanent', 'fb-hard-1')).body).toMatchObject({
      firstTime: false,
    });
    const bounced = (await events(c.id)).filter((e) => e.type === 'mail.bounced');
    expect(bounced).toEqual([
      expect.objectContaining({
        recipient: address,
        bounce: 'hard',
        notice: 'acknowledgment',
        diagnostic: 'smtp; 550 5.1.1 user unknown',
        suppressed: true,
        actor: { role: 'system', id: 'casewatch' },
      }),
    ]);
    await reply(c.id, 'We are on it.');
    await openByApi(address);
    await settle();
    expect(await api.mailTo(address)).toHaveLength(1);
    const tally = (await api.call('GET', '/_local/metrics')).body;
    expect(tally.mailSuppressed.bounced).toBe(2);
    expect(tally.mailFeedback['hard-bounce']).toBe(1);
  });

  it('a soft bounce is recorded, and the address keeps getting mail', async () => {
    const address = 'full@example.org';
    const c = await openByApi(address);
    expect((await feedback(c.id, address, 'Transient', 'fb-soft-1')).body).toMatchObject({
      recipients: [{ address, suppressed: false }],
    });
    expect((await events(c.id)).filter((e) => e.type === 'mail.bounced')).toEqual([
      expect.objectContaining({ bounce: 'soft', suppressed: false }),
    ]);
    await reply(c.id, 'We are on it.');
    await settle();
    expect(await api.mailTo(address)).toHaveLength(2);
  });

  it('a complaint is recorded and suppresses; none of it is on the requester’s timeline', async () => {
    const address = 'angry@example.org';
    const opened = dataOf(await api.client.POST('/cases', { body: consumerCase({ email: address }) }));
    await settle();
    await feedback(opened.id, address, 'Complaint', 'fb-complaint-1');
    expect((await events(opened.id)).map((e) => e.type)).toContain('mail.complained');
    const own = await api.client.GET('/cases/{id}/events', {
      params: { path: { id: opened.id }, query: { limit: 100 } },
      headers: credential({ caseToken: opened.caseToken ?? '' }),
    });
    expect(dataOf(own).items.map((e) => e.type)).toEqual(['case.opened']);
    await reply(opened.id, 'Sorry to hear.');
    await settle();
    expect(await api.mailTo(address)).toHaveLength(1);
  });

  it('anything but an SES bounce or complaint event is a 400 problem', async () => {
    const answer = await api.call('POST', '/_local/mail-events', {
      body: { source: 'aws.ses', 'detail-type': 'Email Bounced', detail: { eventType: 'Bounce' } },
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect((await api.call('POST', '/_local/mail-events', { rawBody: 'not json' })).status).toBe(400);
  });
});
