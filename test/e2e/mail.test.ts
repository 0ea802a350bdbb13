import { describe, expect, it } from 'vitest';
import { surveyLinkIn } from '../support/mail-links.ts';
import {
  consumerCase,
  credential,
  dataOf,
  type LocalApi,
  type StoredEmail,
  useLocalApi,
} from './support/local-api.ts';

/**
 * docs/mail.md and docs/survey.md end to end: mail out through the local SES, mail in through the local SMTP
 * server, into the same Lambda handlers AWS runs.
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

/** A case as staff read it; `id` comes from a list a test expects the case in. */
async function readCase(id: string | undefined) {
  if (!id) throw new Error('no case to read');
  return dataOf(await api.client.GET('/cases/{id}', { params: { path: { id } }, headers: asAgent }));
}

async function events(id: string) {
  const page = await api.client.GET('/cases/{id}/events', {
    params: { path: { id }, query: { limit: 100 } },
    headers: asAgent,
  });
  return dataOf(page).items;
}

const close = (id: string) =>
  api.client.POST('/cases/{id}/status', {
    params: { path: { id } },
    headers: asAgent,
    body: { status: 'closed' },
  });

/** Cases this requester opened, newest last (agents list everything; the requester filter is client-side). */
async function casesOf(email: string) {
  const page = dataOf(
    await api.client.GET('/cases', { params: { query: { limit: 100 } }, headers: asAgent }),
  );
  return page.items
    .filter((c) => c.requester.email === email)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

const ack = (mails: StoredEmail[], number: string) =>
  mails.find((m) => m.subject.includes(`[${number}]`) && m.subject.includes('We received'));

describe('outbound: what the requester receives', () => {
  it('an API case is acknowledged with its number, severity and first-response time, and a signed reply address', async () => {
    const c = await openByApi('ack@example.com');
    const mail = ack(await api.mailTo('ack@example.com'), c.number);
    expect(mail).toBeDefined();
    expect(mail?.replyTo[0]).toMatch(new RegExp(`^case\\+${c.id}\\.[a-z2-7]{16}@${domain}$`));
    expect(mail?.body.text).toContain(`Your case number is ${c.number}`);
    expect(mail?.body.text).toMatch(/First response by: \d{1,2}:\d{2} (AM|PM) Pacific Time on \w+day/);
    expect(mail?.body.html).toContain(c.number);
  });
});

describe('inbound: replies land on their case (docs/mail.md#threading-keys-and-the-sender-check)', () => {
  it('a reply to the signed address, sent over SMTP, becomes a customer message with its attachment', async () => {
    const c = await openByApi('reply@example.com');
    const replyTo = ack(await api.mailTo('reply@example.com'), c.number)?.replyTo[0] as string;
    await api.smtp({
      from: 'Reply Person <reply@example.com>',
      to: replyTo,
      subject: `Re: [${c.number}] We received your case`,
      text: 'Here is the screenshot.\n\nOn Mon, Nov 30, 2026 casewatch wrote:\n> Thank you for contacting',
      attachments: [
        { filename: 'shot.png', content: Buffer.from('89504e47', 'hex'), contentType: 'image/png' },
      ],
    });
    const timeline = await events(c.id);
    const message = timeline.find((e) => e.type === 'message.posted');
    expect(message).toMatchObject({
      body: 'Here is the screenshot.',
      channel: 'email',
      visibility: 'public',
    });
    expect(timeline.find((e) => e.type === 'attachment.added')).toMatchObject({
      fileName: 'shot.png',
      contentType: 'image/png',
      size: 4,
    });
  });

  it('threads by In-Reply-To alone, and by the subject tag alone', async () => {
    const c = await openByApi('thread@example.com');
    await api.smtp({
      from: 'thread@example.com',
      to: `support@${domain}`,
      subject: 'no tag here',
      text: 'by header',
      inReplyTo: `<case.${c.id}@${domain}>`,
    });
    await api.smtp({
      from: 'thread@example.com',
      to: `support@${domain}`,
      subject: `Still waiting [#${c.number}]`,
      text: 'by tag',
    });
    const bodies = (await events(c.id)).filter((e) => e.type === 'message.posted').map((e) => e.body);
    expect(bodies).toEqual(['by header', 'by tag']);
  });

  it('forgery: someone else writing to the signed address opens their own case, never touches this one', async () => {
    const c = await openByApi('victim@example.com');
    const replyTo = ack(await api.mailTo('victim@example.com'), c.number)?.replyTo[0] as string;
    await api.smtp({
      from: 'mallory@evil.example',
      to: replyTo,
      subject: `Re: [${c.number}] close this`,
      text: 'Please close my case',
    });
    expect((await events(c.id)).map((e) => e.type)).toEqual(['case.opened']);
    const mallory = await casesOf('mallory@evil.example');
    expect(mallory).toHaveLength(1);
    expect(mallory[0]?.id).not.toBe(c.id);
  });
});

describe('inbound: new cases from mail', () => {
  it('a complete consumer mail opens a case and is acknowledged with nothing missing', async () => {
    await api.smtp({
      from: 'complete@example.com',
      to: `support@${domain}`,
      subject: 'Charged twice',
      text: 'Hi, order number FS-77123 shows twice on my statement as FSPRG*ACME. Please refund one.',
    });
    const [c] = await casesOf('complete@example.com');
    expect(await readCase(c?.id)).toMatchObject({
      type: 'consumer',
      channel: 'email',
      orderNumber: 'FS-77123',
      billingDescriptor: 'FSPRG*ACME',
    });
    const mails = await api.mailTo('complete@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.body.text).not.toContain('could not find');
  });

  it('missing fields: the case is created anyway and the sender gets one reply listing what is missing', async () => {
    await api.smtp({
      from: 'missing@example.com',
      to: `support@${domain}`,
      subject: 'Refund please',
      text: 'I want my money back.',
    });
    const [c] = await casesOf('missing@example.com');
    expect(await readCase(c?.id)).toMatchObject({
      orderNumber: null,
      billingDescriptor: null,
      status: 'new',
    });
    const mails = await api.mailTo('missing@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.body.text).toMatch(
      /could not find your order or invoice number and billing descriptor \(the text on your card/,
    );
    // Answering that mail completes the case.
    await api.smtp({
      from: 'missing@example.com',
      to: mails[0]?.replyTo[0] as string,
      subject: `Re: ${mails[0]?.subject}`,
      text: 'Sorry! Order number FS-4242, and my statement says FSPRG*ACME.',
    });
    const completed = await readCase(c?.id);
    expect(completed).toMatchObject({ orderNumber: 'FS-4242', billingDescriptor: 'FSPRG*ACME' });
    expect((await events(c?.id as string)).map((e) => e.type)).toContain('details.added');
  });

  it('a reply to a closed case opens a linked case and says so; the closed case stays closed', async () => {
    const c = await openByApi('closed@example.com');
    const replyTo = ack(await api.mailTo('closed@example.com'), c.number)?.replyTo[0] as string;
    await close(c.id);
    await settle();
    await api.smtp({
      from: 'closed@example.com',
      to: replyTo,
      subject: `Re: [${c.number}] Case closed`,
      text: 'It is happening again.',
    });
    const cases = await casesOf('closed@example.com');
    expect(cases).toHaveLength(2);
    const followUp = await readCase(cases[1]?.id);
    expect(followUp).toMatchObject({ relatedCaseId: c.id, channel: 'email', orderNumber: 'FS-123' });
    expect((await readCase(c.id)).status).toBe('closed');
    const followUpAck = ack(await api.mailTo('closed@example.com'), followUp.number);
    expect(followUpAck?.body.text).toContain(`Your earlier case ${c.number} was closed`);
  });
});

describe('what is never answered', () => {
  it('an out-of-office reply becomes an internal note; spam and stray machine mail are archived; nothing is answered', async () => {
    const c = await openByApi('ooo@example.com');
    const replyTo = ack(await api.mailTo('ooo@example.com'), c.number)?.replyTo[0] as string;
    const before = (await api.inbox()).length;
    await api.smtp({
      from: 'ooo@example.com',
      to: replyTo,
      subject: `Automatic reply: [${c.number}] We received your case`,
      text: 'I am out of the office until Monday.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    // Machine mail that names no case of ours by a key nobody can forge is kept aside.
    await api.smtp({
      from: 'ooo@example.com',
      to: `support@${domain}`,
      subject: `Automatic reply: [${c.number}] anything`,
      text: 'Out of office.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    const spam = [
      'From: spammer@example.net',
      `To: support@${domain}`,
      'Subject: Cheap pills',
      'X-SES-Spam-Verdict: FAIL',
      'Message-ID: <spam-1@example.net>',
      '',
      'Buy now',
      '',
    ].join('\r\n');
    const inbound = await api.call('POST', '/_local/inbound', {
      rawBody: spam,
      headers: { 'content-type': 'message/rfc822' },
    });
    expect(inbound.status).toBe(200);
    expect(inbound.body.results).toEqual([expect.objectContaining({ kind: 'archived', reason: 'spam' })]);
    await settle();
    const timeline = await events(c.id);
    expect(timeline.map((e) => e.type)).toEqual(['case.opened', 'message.posted']);
    expect(timeline[1]).toMatchObject({
      visibility: 'internal',
      actor: { role: 'system' },
      body: expect.stringContaining('out of the office until Monday'),
    });
    expect((await readCase(c.id)).status).toBe('new');
    expect(await casesOf('spammer@example.net')).toEqual([]);
    expect(await casesOf('ooo@example.com')).toHaveLength(1);
    expect((await api.inbox()).length).toBe(before);
    const archive = (await api.call('GET', '/_local/mail/archive')).body.archived as { reason: string }[];
    expect(archive.map((a) => a.reason)).toEqual(expect.arrayContaining(['automatic', 'spam']));
  });
});

describe('the end-of-case survey (docs/survey.md)', () => {
  it('closing sends the closure and one survey link; the link takes one answer, the second is a 409', async () => {
    const c = await openByApi('survey@example.com');
    await close(c.id);
    await settle();
    const mails = await api.mailTo('survey@example.com');
    expect(mails.map((m) => m.subject)).toEqual([
      expect.stringContaining('We received your case'),
      expect.stringContaining('Case closed'),
      expect.stringContaining('How did we do?'),
    ]);
    // The survey mail links to the portal's survey page, the token in the fragment.
    const link = surveyLinkIn(mails[2]?.body.text);
    expect(link?.url.pathname).toBe('/survey');
    const token = link?.token as string;
    const survey = { params: { path: { token } } };
    const read = await api.client.GET('/surveys/{token}', survey);
    expect(read.response.status).toBe(200);
    const view = dataOf(read);
    // The document answers the survey as JSON, or as HTML to a browser: this client is no browser.
    if (typeof view === 'string') throw new Error(`expected the survey as JSON, got ${view}`);
    expect(view).toMatchObject({ caseNumber: c.number, submitted: false });
    expect(view.questions).toHaveLength(3);
    const answer = { ratings: { overall: 5, timeliness: 4, friendliness: 5 }, comment: 'Quick & kind' };
    expect((await api.client.POST('/surveys/{token}', { ...survey, body: answer })).response.status).toBe(
      201,
    );
    const again = await api.client.POST('/surveys/{token}', { ...survey, body: answer });
    expect(again.response.status).toBe(409);
    expect(again.response.headers.get('content-type')).toContain('application/problem+json');
    const stored = await readCase(c.id);
    expect(stored.survey).toMatchObject({ ratings: answer.ratings, comment: 'Quick & kind' });
    expect((await events(c.id)).map((e) => e.type)).toEqual(
      expect.arrayContaining(['case.closed', 'survey.sent', 'survey.submitted']),
    );
    // Replays and later clock moves send no second survey.
    await api.advance('P1D');
    expect(
      (await api.mailTo('survey@example.com')).filter((m) => m.subject.includes('How did we do?')),
    ).toHaveLength(1);
  });
});
