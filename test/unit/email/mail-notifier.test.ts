import { type ParsedMail, simpleParser } from 'mailparser';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createMailNotifier,
  MailInFlightError,
  type MailNotifierOptions,
} from '../../../shared/adapters/email/mail-notifier.ts';
import type { Mailer, OutboundMail } from '../../../shared/adapters/email/mailer.ts';
import { caseOfSignedMessageIds, signedMessageId } from '../../../shared/adapters/email/message-ids.ts';
import { composeMime } from '../../../shared/adapters/email/mime.ts';
import { createPortalLinks } from '../../../shared/adapters/email/portal-links.ts';
import { parseReplyAddress } from '../../../shared/adapters/email/reply-address.ts';
import type { Case } from '../../../shared/domain/case.ts';
import type { MailScreen, OutgoingMail } from '../../../shared/ports/mail-safeguards.ts';
import type { CustomerNotice, InternalNotice, Notice } from '../../../shared/ports/notifier.ts';
import { CLAIM_LEASE_MS, type OnceLedger } from '../../../shared/ports/once-ledger.ts';
import { newSellerCase } from '../../support/cases.ts';
import { createMemoryOnceLedger } from '../../support/memory-once-ledger.ts';

const domain = 'reply.support.example';
const replyKey = new Uint8Array(32).fill(5);
const messageIdKey = new Uint8Array(32).fill(4);
const leads = ['lena@support.example', 'leo@support.example'];
const from = 'casewatch support <support@support.example>';

const c: Case = newSellerCase(
  { subject: '<script>alert(1)</script> payout missing', description: 'no payout' },
  { requester: { email: 'sam@seller.example', sellerId: 's-1' } },
);
const assigned: Case = { ...c, assignee: 'bob@support.example' };
const root = signedMessageId(c.id, undefined, messageIdKey, domain);

const customerNotices = (k: Case): CustomerNotice[] => [
  {
    kind: 'acknowledgment',
    eventId: '01JDEV0000000000000000000A',
    case: k,
    firstResponseDueAt: '2026-12-02T01:00:00.000Z',
    missing: [],
    relatedCaseNumber: null,
    requesterText: true,
  },
  {
    kind: 'agent.message',
    eventId: '01JDEV0000000000000000000B',
    case: k,
    body: 'Looking into it.',
    author: 'dana@support.example',
    requesterText: true,
  },
  {
    kind: 'pending-closure',
    eventId: '01JDEV0000000000000000000C',
    case: k,
    autoCloseAt: '2026-12-08T01:00:00.000Z',
    note: null,
    requesterText: true,
  },
  { kind: 'closure', eventId: '01JDEV0000000000000000000D', case: k, auto: false, requesterText: true },
  {
    kind: 'survey',
    eventId: '01JDEV0000000000000000000E',
    case: k,
    surveyToken: 'tok-123',
    requesterText: true,
  },
];

/** `run` keeps event ids apart when one test sends the same kinds for several cases. */
const internalNotices = (k: Case, run = '0'): InternalNotice[] => [
  {
    kind: 'sla.at_risk',
    eventId: `01JDEV000000000000000000F${run}`,
    case: k,
    deadline: 'first-response',
    dueAt: '2026-12-02T01:00:00.000Z',
  },
  {
    kind: 'sla.breached',
    eventId: `01JDEV000000000000000000G${run}`,
    case: k,
    deadline: 'first-response',
    dueAt: '2026-12-02T01:00:00.000Z',
    breachedAt: '2026-12-02T01:00:00.000Z',
  },
  { kind: 'escalation.requested', eventId: `01JDEV000000000000000000H${run}`, case: k, reason: 'urgent' },
  { kind: 'customer.replied', eventId: `01JDEV000000000000000000J${run}`, case: k, from: 'pending_closure' },
];

/** Records what it is given; fails the next `failures` sends. */
function recordingMailer() {
  const sent: OutboundMail[] = [];
  let failures = 0;
  const mailer: Mailer & { sent: OutboundMail[]; failNext(n?: number): void } = {
    sent,
    failNext(n = 1) {
      failures = n;
    },
    async send(mail) {
      if (failures > 0) {
        failures--;
        throw new Error('SES is down');
      }
      sent.push(mail);
      return { providerMessageId: `ses-${sent.length}` };
    },
  };
  return mailer;
}

let mailer: ReturnType<typeof recordingMailer>;
let ledger: OnceLedger;
let now: Date;

function notifier(extra: Partial<MailNotifierOptions> = {}) {
  return createMailNotifier({
    mailer,
    ledger,
    clock: { now: () => now },
    from,
    mailDomain: domain,
    replyKey,
    messageIdKey,
    leads,
    surveyUrl: (token) => `https://support.example/survey/${token}`,
    // Waiting on a busy claim takes no real time here (and moves no clock unless a test says so).
    sleep: async () => {},
    ...extra,
  });
}

beforeEach(() => {
  mailer = recordingMailer();
  ledger = createMemoryOnceLedger();
  now = new Date('2026-11-30T17:00:05.000Z');
});

const parse = (mail: OutboundMail): Promise<ParsedMail> => composeMime(mail).then((raw) => simpleParser(raw));
const to = (mail: OutboundMail | undefined) => mail?.to;
const slug = (n: Notice) => `${n.eventId}-${n.kind.replace('.', '-')}`;

describe('customer mail', () => {
  it('the acknowledgment is the thread root, with the signed reply address', async () => {
    const [ack] = customerNotices(c);
    await notifier().notify(ack as Notice);
    expect(mailer.sent).toHaveLength(1);
    const mail = mailer.sent[0] as OutboundMail;
    expect(mail).toMatchObject({ from, to: ['sam@seller.example'], tags: { casewatch: 'acknowledgment' } });
    const p = await parse(mail);
    expect(p.messageId).toBe(root);
    expect(p.inReplyTo).toBeUndefined();
    expect(p.references).toBeUndefined();
    expect(p.headers.get('auto-submitted')).toBe('auto-generated');
    const replyTo = p.replyTo?.value[0]?.address as string;
    expect(parseReplyAddress(replyTo, replyKey, domain)).toBe(c.id);
    expect(parseReplyAddress(replyTo, new Uint8Array(32).fill(6), domain)).toBeNull();
    expect(p.date?.toISOString()).toBe(now.toISOString());
  });

  it.each(customerNotices(c).slice(1))(
    '$kind threads on the root and carries the reply address',
    async (n) => {
      await notifier().notify(n);
      const mail = mailer.sent[0] as OutboundMail;
      expect(to(mail)).toEqual(['sam@seller.example']);
      expect(mail.tags).toEqual({ casewatch: n.kind, case: c.id });
      const p = await parse(mail);
      expect(p.messageId).toBe(signedMessageId(c.id, slug(n), messageIdKey, domain));
      expect(p.inReplyTo).toBe(root);
      expect(p.references).toBe(root);
      expect(
        caseOfSignedMessageIds([p.inReplyTo as string, p.messageId as string], messageIdKey, domain),
      ).toBe(c.id);
      expect(parseReplyAddress(p.replyTo?.value[0]?.address as string, replyKey, domain)).toBe(c.id);
      expect(p.headers.get('auto-submitted')).toBe(n.kind === 'agent.message' ? undefined : 'auto-generated');
    },
  );

  it('escapes a hostile case subject in HTML and keeps it on one header line', async () => {
    for (const n of customerNotices(c)) await notifier().notify(n);
    for (const mail of mailer.sent) {
      const p = await parse(mail);
      expect(p.html || '').not.toContain('<script');
      expect(p.subject).toContain('[CW-7KQ2MD]');
    }
    const ack = await parse(mailer.sent[0] as OutboundMail);
    expect(ack.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(ack.subject).toBe('[CW-7KQ2MD] We received your case: <script>alert(1)</script> payout missing');
  });

  it('links the survey through surveyUrl and signs agent mail with a first name', async () => {
    const [, message, , , survey] = customerNotices(c);
    await notifier().notify(survey as Notice);
    await notifier().notify(message as Notice);
    expect(mailer.sent[0]?.text).toContain('https://support.example/survey/tok-123');
    expect(mailer.sent[0]?.html).toContain('<a href="https://support.example/survey/tok-123">');
    expect(mailer.sent[1]?.text).toContain('Dana wrote on case CW-7KQ2MD:');
  });

  it('links every mail about a case to its portal page: a buyer with their case token, staff and sellers to sign in', async () => {
    const links = createPortalLinks('https://portal.example/', { issue: async (id) => `token-of-${id}` });
    const buyerCase: Case = {
      ...c,
      type: 'consumer',
      requester: { email: 'bo@buyer.example', sellerId: null },
    };
    for (const n of [...customerNotices(buyerCase), ...internalNotices(buyerCase, '1')])
      await notifier({ caseUrl: links.caseUrl, surveyUrl: links.surveyUrl }).notify(n);
    const sellerAck = { ...(customerNotices(c)[0] as Notice), eventId: '01JDEV0000000000000000000Z' };
    await notifier({ caseUrl: links.caseUrl }).notify(sellerAck);
    const linked = mailer.sent.map((m) => /https:\/\/portal\.example\/\S+/.exec(m.text)?.[0]);
    const buyerLink = `https://portal.example/case/${buyerCase.number}#token=token-of-${buyerCase.id}`;
    const staffLink = `https://portal.example/case/${buyerCase.number}`;
    expect(linked).toEqual([
      buyerLink, // acknowledgment
      buyerLink, // agent message
      buyerLink, // pending closure
      buyerLink, // closure
      'https://portal.example/survey#token=tok-123', // the survey mail links its survey
      staffLink, // at risk
      staffLink, // breached
      staffLink, // escalation
      staffLink, // customer replied
      `https://portal.example/case/${c.number}`, // a seller signs in to read their case
    ]);
    // The HTML carries the same link, escaped.
    expect(mailer.sent[0]?.html).toContain(`<a href="${buyerLink}">View case ${buyerCase.number}</a>`);
  });

  it('sends nothing when the requester has no address', async () => {
    const anonymous = { ...c, requester: { email: null, sellerId: 's-1' } };
    for (const n of customerNotices(anonymous)) await notifier().notify(n);
    expect(mailer.sent).toEqual([]);
  });
});

describe('internal mail', () => {
  it('at-risk and customer-replied go to the assignee, or to the leads when nobody is assigned', async () => {
    const [risk, , , replied] = internalNotices(c);
    const [riskA, , , repliedA] = internalNotices(assigned, '1');
    for (const n of [risk, replied, riskA, repliedA]) await notifier().notify(n as Notice);
    expect(mailer.sent.map(to)).toEqual([leads, leads, ['bob@support.example'], ['bob@support.example']]);
  });

  it('a breach goes to the assignee and the leads (once each); an escalation to the leads', async () => {
    const [, breach, escalation] = internalNotices({ ...c, assignee: 'lena@support.example' });
    await notifier().notify(breach as Notice);
    await notifier().notify(escalation as Notice);
    expect(mailer.sent.map(to)).toEqual([leads, leads]);
    const [, breachA] = internalNotices(assigned, '1');
    await notifier().notify(breachA as Notice);
    expect(to(mailer.sent[2])).toEqual(['bob@support.example', ...leads]);
  });

  it.each(internalNotices(assigned))(
    '$kind has its own Message-ID and the case’s reply address',
    async (n) => {
      await notifier().notify(n);
      const mail = mailer.sent[0] as OutboundMail;
      expect(mail.tags).toEqual({ casewatch: n.kind, case: c.id });
      const p = await parse(mail);
      expect(p.messageId).toBe(signedMessageId(c.id, slug(n), messageIdKey, domain));
      // A staff answer comes back to the case, on the mail domain SES receives for (docs/mail.md#staff-replies).
      expect(parseReplyAddress(p.replyTo?.value[0]?.address as string, replyKey, domain)).toBe(c.id);
      expect(p.inReplyTo).toBeUndefined();
      expect(p.headers.get('auto-submitted')).toBe('auto-generated');
      expect(p.html || '').not.toContain('<script');
    },
  );

  it('sends nothing when there is nobody to tell', async () => {
    const n = notifier({ leads: [], surveyUrl: (t) => t });
    for (const notice of internalNotices(c)) await n.notify(notice);
    expect(mailer.sent).toEqual([]);
  });
});

describe('idempotency', () => {
  it('the same notice twice sends one mail; another kind of the same event is another mail', async () => {
    const [ack] = customerNotices(c);
    const n = notifier();
    await n.notify(ack as Notice);
    await n.notify(ack as Notice);
    expect(mailer.sent).toHaveLength(1);
    await n.notify({ ...(ack as Notice), kind: 'closure', auto: false } as Notice);
    expect(mailer.sent).toHaveLength(2);
  });

  it('a failed send releases its claim: the error surfaces and the next delivery sends', async () => {
    const [, message] = customerNotices(c);
    mailer.failNext();
    await expect(notifier().notify(message as Notice)).rejects.toThrow('SES is down');
    expect(mailer.sent).toHaveLength(0);
    await notifier().notify(message as Notice);
    await notifier().notify(message as Notice);
    expect(mailer.sent).toHaveLength(1);
  });

  it('a mail SES refuses for good (bad address) is reported and recorded, not retried forever', async () => {
    const [, message] = customerNotices(c);
    const refused: string[] = [];
    const rejecting: Mailer = {
      send: async () => {
        throw Object.assign(new Error('Illegal address'), { name: 'BadRequestException' });
      },
    };
    const n = notifier({ mailer: rejecting, onUndeliverable: (_, key) => refused.push(key) });
    await n.notify(message as Notice);
    await n.notify(message as Notice);
    expect(refused).toEqual([`${message?.eventId}#agent.message`]);
    expect(await ledger.claim(`${message?.eventId}#agent.message`, now)).toBe('done');
  });

  it('a fresh claim by another sender makes notify throw; an abandoned one is taken over', async () => {
    const [, message] = customerNotices(c);
    const key = `${message?.eventId}#agent.message`;
    expect(await ledger.claim(key, now)).toBe('claimed');
    await expect(notifier().notify(message as Notice)).rejects.toBeInstanceOf(MailInFlightError);
    now = new Date(now.getTime() + CLAIM_LEASE_MS);
    await expect(notifier().notify(message as Notice)).rejects.toBeInstanceOf(MailInFlightError);
    now = new Date(now.getTime() + 1);
    await notifier().notify(message as Notice);
    expect(mailer.sent).toHaveLength(1);
    expect(await ledger.claim(key, now)).toBe('done');
  });

  it('a busy claim whose lease runs out while notify waits is taken over and sent', async () => {
    const [, message] = customerNotices(c);
    const key = `${message?.eventId}#agent.message`;
    expect(await ledger.claim(key, new Date(now.getTime() - CLAIM_LEASE_MS + 5_000))).toBe('claimed');
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
      now = new Date(now.getTime() + ms);
    };
    await notifier({ sleep }).notify(message as Notice);
    expect(mailer.sent).toHaveLength(1);
    expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThan(5_000);
    expect(slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20_000);
  });

  it('a ledger that cannot confirm does not fail a mail that went out', async () => {
    const [ack] = customerNotices(c);
    const failures: string[] = [];
    const memory = createMemoryOnceLedger();
    ledger = {
      ...memory,
      confirm: async () => {
        throw new Error('throttled');
      },
    };
    await notifier({ onConfirmFailed: (_, key) => failures.push(key) }).notify(ack as Notice);
    expect(mailer.sent).toHaveLength(1);
    expect(failures).toEqual([`${ack?.eventId}#acknowledgment`]);
  });
});

describe('the screen (docs/mail.md#limits)', () => {
  it('is asked once per notice, after the claim, with what the mail is; it decides who gets it', async () => {
    const asked: OutgoingMail[] = [];
    const screen: MailScreen = async (mail) => {
      asked.push(mail);
      return mail.to.filter((a) => a !== 'lena@support.example');
    };
    const [ack] = customerNotices(c);
    const [, breach] = internalNotices(assigned);
    const n = notifier({ screen });
    await n.notify(ack as Notice);
    await n.notify(ack as Notice);
    await n.notify(breach as Notice);
    expect(asked.map((m) => [m.notice.kind, m.audience, m.automatic, m.to])).toEqual([
      ['acknowledgment', 'customer', true, ['sam@seller.example']],
      ['sla.breached', 'internal', true, ['bob@support.example', ...leads]],
    ]);
    expect(mailer.sent.map(to)).toEqual([
      ['sam@seller.example'],
      ['bob@support.example', 'leo@support.example'],
    ]);
  });

  it('with nobody left, the notice is done: nothing is sent, now or on a replay', async () => {
    let asked = 0;
    const n = notifier({
      screen: async () => {
        asked++;
        return [];
      },
    });
    const [ack] = customerNotices(c);
    await n.notify(ack as Notice);
    await n.notify(ack as Notice);
    expect(mailer.sent).toEqual([]);
    expect(asked).toBe(1);
  });
});
