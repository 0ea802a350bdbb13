import { describe, expect, it } from 'vitest';
import { caseOfSignedMessageIds, signedMessageId } from '../../../shared/adapters/email/message-ids.ts';
import { parseReplyAddress, replyAddress } from '../../../shared/adapters/email/reply-address.ts';
import { changeStatus } from '../../../shared/app/change-status.ts';
import { type MailDeps, MessageInFlightError, receiveMail } from '../../../shared/app/receive-mail.ts';
import { assignCase } from '../../../shared/app/triage.ts';
import type { ArchivedMail, InboundMessage } from '../../../shared/ports/inbound-mail.ts';
import type { OnceLedger } from '../../../shared/ports/once-ledger.ts';
import type { StaffDirectory } from '../../../shared/ports/staff-directory.ts';
import { agent, openConsumerCase } from '../../support/cases.ts';
import { MemoryBlobStore } from '../../support/memory-blob-store.ts';
import { createMemoryOnceLedger } from '../../support/memory-once-ledger.ts';
import { TimerSim } from '../../support/timer-sim.ts';

const DOMAIN = 'mail.casewatch.test';
const KEY = new Uint8Array(32).fill(7);
const OTHER_KEY = new Uint8Array(32).fill(8);
const MESSAGE_ID_KEY = new Uint8Array(32).fill(9);
/** One of our signed Message-IDs, as a mail about this case carries it. */
const ours = (caseId: string, eventPart?: string) =>
  signedMessageId(caseId, eventPart, MESSAGE_ID_KEY, DOMAIN);

function setup(options: { sellers?: Record<string, string>; maxAnswers?: number; ledger?: OnceLedger } = {}) {
  const sim = new TimerSim('2026-12-01T17:00:00.000Z');
  const blobStore = new MemoryBlobStore();
  const blobs = blobStore.objects;
  const archived: ArchivedMail[] = [];
  const deps: MailDeps & { staff: StaffDirectory } = {
    ...sim.appDeps,
    blobs: blobStore,
    archive: {
      keep: async (_raw, entry) => {
        const kept = { id: `a${archived.length + 1}`, ...entry };
        archived.push(kept);
        return kept;
      },
    },
    sellers: { sellerIdOf: async (email) => options.sellers?.[email] ?? null },
    correspondents: sim.correspondents,
    ledger: options.ledger ?? createMemoryOnceLedger(),
    mailDomain: DOMAIN,
    leads: ['Lee@Support.example'],
    caseOfReplyAddress: (address) => parseReplyAddress(address, KEY, DOMAIN),
    caseOfMessageIds: (ids) => caseOfSignedMessageIds(ids, MESSAGE_ID_KEY, DOMAIN),
  };
  return { sim, deps, blobs, archived };
}

let messages = 0;
/** A readable mail; each one a message of its own unless it names its `messageKey`. */
function mail(overrides: Partial<InboundMessage>): InboundMessage {
  return {
    kind: 'mail',
    messageKey: `message-${++messages}`,
    from: 'buyer@example.com',
    to: [],
    subject: 'Hello',
    text: 'Some text',
    attachments: [],
    references: [],
    automatic: false,
    authenticated: true,
    extracted: {},
    ...overrides,
  };
}

const consumerCase = (deps: MailDeps, email = 'buyer@example.com') =>
  openConsumerCase(deps, {
    subject: 'Charged twice',
    description: 'Two charges',
    email,
    billingDescriptor: 'FSPRG',
  });

const raw = Buffer.from('raw');

describe('receiveMail: staff answering our notices (docs/mail.md#staff-replies)', () => {
  it('the assignee answering a breach notice adds an internal note by them, opens nothing and mails no one', async () => {
    const { sim, deps } = setup();
    const c = await consumerCase(deps);
    await assignCase(deps, agent, c.id, 'alice@support.example');
    const outcome = await receiveMail(
      deps,
      raw,
      mail({
        from: 'alice@support.example',
        inReplyTo: ours(c.id, 'E7-sla-breached'),
        text: 'On it, calling them now.',
      }),
    );
    expect(outcome).toEqual({ kind: 'noted', caseId: c.id, caseNumber: c.number });
    const last = (sim.store.events.get(c.id) ?? []).at(-1);
    expect(last).toMatchObject({
      type: 'message.posted',
      visibility: 'internal',
      body: 'On it, calling them now.',
      channel: 'email',
      actor: { role: 'agent', id: 'alice@support.example' },
    });
    expect(sim.store.cases.size).toBe(1);
    expect(await deps.correspondents.hasWritten('alice@support.example')).toBe(false);
  });

  it('a lead (by the configured addresses, any letter case) answers as a lead', async () => {
    const { sim, deps } = setup();
    const c = await consumerCase(deps);
    const outcome = await receiveMail(
      deps,
      raw,
      mail({
        from: 'lee@support.example',
        inReplyTo: ours(c.id, 'E8-escalation-requested'),
        text: 'Approved.',
      }),
    );
    expect(outcome).toMatchObject({ kind: 'noted', caseId: c.id });
    expect((sim.store.events.get(c.id) ?? []).at(-1)).toMatchObject({
      visibility: 'internal',
      actor: { role: 'lead', id: 'lee@support.example' },
    });
  });

  it('nobody else, and nobody unauthenticated, is taken for staff: an unassigned agent, a forged assignee', async () => {
    const { sim, deps } = setup();
    const c = await consumerCase(deps);
    await assignCase(deps, agent, c.id, 'alice@support.example');
    const stranger = await receiveMail(
      deps,
      raw,
      mail({ from: 'bob@support.example', inReplyTo: ours(c.id, 'E7-sla-breached'), text: 'x' }),
    );
    const forged = await receiveMail(
      deps,
      raw,
      mail({ from: 'alice@support.example', authenticated: false, inReplyTo: ours(c.id, 'E7-sla-breached') }),
    );
    for (const outcome of [stranger, forged]) expect(outcome).toMatchObject({ kind: 'opened' });
    expect((sim.store.events.get(c.id) ?? []).filter((e) => e.type === 'message.posted')).toEqual([]);
  });

  it('an answer about a case closed since is kept, not added, and opens nothing', async () => {
    const { sim, deps, archived } = setup();
    const c = await consumerCase(deps);
    await assignCase(deps, agent, c.id, 'alice@support.example');
    await changeStatus(deps, agent, c.id, { status: 'closed' });
    const outcome = await receiveMail(
      deps,
      raw,
      mail({ from: 'alice@support.example', inReplyTo: ours(c.id, 'E7-sla-breached'), text: 'late' }),
    );
    expect(outcome).toMatchObject({ kind: 'archived', reason: 'closed' });
    expect(archived.at(-1)).toMatchObject({ reason: 'closed', from: 'alice@support.example' });
    expect(sim.store.cases.size).toBe(1);
  });
});

describe('receiveMail: threading (docs/mail.md#threading-keys-and-the-sender-check)', () => {
  it('threads by reply address, by our Message-ID, and by subject tag when the requester writes', async () => {
    const { sim, deps } = setup();
    const c = await consumerCase(deps);
    const byToken = await receiveMail(
      deps,
      raw,
      mail({ replyTokenAddress: replyAddress(c.id, KEY, DOMAIN), text: 'one' }),
    );
    const byHeader = await receiveMail(
      deps,
      raw,
      mail({ inReplyTo: ours(c.id, 'E1-acknowledgment'), text: 'two' }),
    );
    const byTag = await receiveMail(deps, raw, mail({ caseTag: c.number, text: 'three' }));
    for (const outcome of [byToken, byHeader, byTag])
      expect(outcome).toEqual({ kind: 'posted', caseId: c.id, caseNumber: c.number });
    const messages = (sim.store.events.get(c.id) ?? []).filter((e) => e.type === 'message.posted');
    expect(messages.map((m) => [m.body, m.channel, m.actor.role])).toEqual([
      ['one', 'email', 'consumer'],
      ['two', 'email', 'consumer'],
      ['three', 'email', 'consumer'],
    ]);
  });

  it('forgery: the right token from the wrong sender opens a new case, never touches the old one', async () => {
    const { sim, deps } = setup();
    const c = await consumerCase(deps);
    const outcome = await receiveMail(
      deps,
      raw,
      mail({ from: 'mallory@evil.example', replyTokenAddress: replyAddress(c.id, KEY, DOMAIN) }),
    );
    expect(outcome).toMatchObject({ kind: 'opened', relatedCaseId: null });
    expect(outcome.kind === 'opened' && outcome.caseId).not.toBe(c.id);
    expect((sim.store.events.get(c.id) ?? []).map((e) => e.type)).toEqual(['case.opened']);
  });

  it('forgery: a wrong token from the right sender is no key at all', async () => {
    const { sim, deps } = setup();
    const c = await consumerCase(deps);
    const forged = replyAddress(c.id, OTHER_KEY, DOMAIN);
    const outcome = await receiveMail(deps, raw, mail({ replyTokenAddress: forged }));
    expect(outcome).toMatchObject({ kind: 'opened' });
    expect((sim.store.events.get(c.id) ?? []).map((e) => e.type)).toEqual(['case.opened']);
  });

  it('forgery: a genuine token of another case cannot be pointed at this case', async () => {
    const { sim, deps } = setup();
    const mine = await consumerCase(deps);
    const theirs = await consumerCase(deps, 'other@example.com');
    // The other case's token with this case's id swapped in.
    const token = replyAddress(theirs.id, KEY, DOMAIN).replace(theirs.id, mine.id);
    const fromOther = await receiveMail(
      deps,
      raw,
      mail({ from: 'other@example.com', replyTokenAddress: token }),
    );
    expect(fromOther).toMatchObject({ kind: 'opened' });
    // And the genuine token of the other case, sent by this case's requester, does not land there.
    const crossed = await receiveMail(
      deps,
      raw,
      mail({ replyTokenAddress: replyAddress(theirs.id, KEY, DOMAIN) }),
    );
    expect(crossed).toMatchObject({ kind: 'opened' });
    for (const c of [mine, theirs])
      expect((sim.store.events.get(c.id) ?? []).map((e) => e.type)).toEqual(['case.opened']);
  });

  it('a reply reopens a case waiting on the customer', async () => {
    const { sim, deps } = setup();
    const c = await consumerCase(deps);
    await changeStatus(deps, agent, c.id, { status: 'pending_closure' });
    await receiveMail(deps, raw, mail({ caseTag: c.number, text: 'Still broken' }));
    expect(sim.store.cases.get(c.id)?.status).toBe('open');
  });

  it('a reply to a closed case opens a linked follow-up that keeps the purchase details', async () => {
    const { sim, deps } = setup();
    const c = await consumerCase(deps);
    await changeStatus(deps, agent, c.id, { status: 'closed' });
    const outcome = await receiveMail(deps, raw, mail({ caseTag: c.number, subject: `Re: [${c.number}] x` }));
    expect(outcome).toMatchObject({ kind: 'opened', relatedCaseId: c.id });
    const followUp = outcome.kind === 'opened' ? sim.store.cases.get(outcome.caseId) : undefined;
    expect(followUp).toMatchObject({
      relatedCaseId: c.id,
      channel: 'email',
      orderNumber: 'FS-1',
      billingDescriptor: 'FSPRG',
      subject: 'x',
    });
    await sim.drain();
    const followUpMail = sim.customerMail.filter((m) => m.case.id === followUp?.id);
    expect(followUpMail).toEqual([
      expect.objectContaining({ kind: 'acknowledgment', relatedCaseNumber: c.number }),
    ]);
  });
});

describe('receiveMail: new cases', () => {
  it('a known seller’s mail opens a seller case; anyone else’s a consumer case with what was found', async () => {
    const { sim, deps } = setup({ sellers: { 'ops@acme.example': 'acme' } });
    const seller = await receiveMail(deps, raw, mail({ from: 'ops@acme.example', subject: 'API down' }));
    const buyer = await receiveMail(
      deps,
      raw,
      mail({ subject: 'Refund', extracted: { orderNumber: 'FS-9', billingDescriptor: 'FSPRG*ACME' } }),
    );
    const s = seller.kind === 'opened' ? sim.store.cases.get(seller.caseId) : undefined;
    const b = buyer.kind === 'opened' ? sim.store.cases.get(buyer.caseId) : undefined;
    expect(s).toMatchObject({ type: 'seller', requester: { email: 'ops@acme.example', sellerId: 'acme' } });
    expect(b).toMatchObject({ type: 'consumer', orderNumber: 'FS-9', billingDescriptor: 'FSPRG*ACME' });
    await sim.drain();
    expect(sim.customerMail.map((m) => m.kind === 'acknowledgment' && m.missing)).toEqual([[], []]);
  });

  it('missing fields: the case is still created, and the one acknowledgment lists what is missing', async () => {
    const { sim, deps } = setup();
    const outcome = await receiveMail(deps, raw, mail({ subject: 'Help', text: 'I was charged' }));
    const c = outcome.kind === 'opened' ? sim.store.cases.get(outcome.caseId) : undefined;
    expect(c).toMatchObject({ type: 'consumer', orderNumber: null, billingDescriptor: null });
    await sim.drain();
    expect(sim.customerMail).toHaveLength(1);
    expect(sim.customerMail[0]).toMatchObject({ kind: 'acknowledgment' });
    expect(sim.customerMail[0]?.kind === 'acknowledgment' && sim.customerMail[0].missing).toHaveLength(2);
  });

  it('attachments are stored under the case, recorded as public attachment.added, and have file records to download by', async () => {
    const { sim, deps, blobs } = setup();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const outcome = await receiveMail(
      deps,
      raw,
      mail({ attachments: [{ fileName: 'shot.png', contentType: 'image/png', size: 4, content: png }] }),
    );
    const caseId = outcome.kind === 'opened' ? outcome.caseId : '';
    const added = (sim.store.events.get(caseId) ?? []).filter((e) => e.type === 'attachment.added');
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ visibility: 'public' });
    const attachmentId = added[0]?.type === 'attachment.added' ? added[0].attachmentId : '';
    const key = `cases/${caseId}/${attachmentId}/shot.png`;
    expect(blobs.get(key)).toEqual({ content: png, contentType: 'image/png' });
    expect(await sim.store.getAttachment(caseId, attachmentId)).toEqual({
      caseId,
      attachmentId,
      fileName: 'shot.png',
      contentType: 'image/png',
      size: 4,
      visibility: 'public',
      blobKey: key,
    });
  });

  it('a file whose name the rule refuses is kept under a generated name, never refused; so is one without a name', async () => {
    const { sim, deps } = setup();
    const file = (fileName: string, contentType: string) => ({
      fileName,
      contentType,
      size: 1,
      content: Buffer.from('x'),
    });
    const outcome = await receiveMail(
      deps,
      raw,
      mail({
        attachments: [
          file('ok.txt', 'text/plain'),
          file('..', 'application/pdf'),
          file('', 'image/png'),
          file(' \u200b ', 'application/octet-stream'),
        ],
      }),
    );
    const caseId = outcome.kind === 'opened' ? outcome.caseId : '';
    const names = (sim.store.events.get(caseId) ?? []).flatMap((e) =>
      e.type === 'attachment.added' ? [e.fileName] : [],
    );
    expect(names).toEqual(['ok.txt', 'attachment-2.pdf', 'attachment-3.png', 'attachment-4']);
    expect([...sim.store.attachments.values()].map((a) => a.fileName).sort()).toEqual([...names].sort());
  });

  it('the files of a reply to a closed case are recorded on the follow-up case it opens', async () => {
    const { sim, deps } = setup();
    const c = await consumerCase(deps);
    await changeStatus(deps, agent, c.id, { status: 'closed' });
    const outcome = await receiveMail(
      deps,
      raw,
      mail({
        replyTokenAddress: replyAddress(c.id, KEY, DOMAIN),
        attachments: [{ fileName: 'late.png', contentType: 'image/png', size: 1, content: Buffer.from('x') }],
      }),
    );
    const opened = outcome.kind === 'opened' ? outcome.caseId : '';
    expect(opened).not.toBe(c.id);
    const [record] = [...sim.store.attachments.values()];
    expect(record).toMatchObject({ caseId: opened, fileName: 'late.png' });
    expect(record?.blobKey.startsWith('cases/')).toBe(true);
  });

  it('a person’s mail makes its sender someone who has written to us; machine and list mail do not', async () => {
    const { sim, deps } = setup();
    await receiveMail(deps, raw, mail({ from: 'pat@example.net' }));
    await receiveMail(deps, raw, mail({ from: 'robot@example.net', automatic: true }));
    await receiveMail(deps, raw, mail({ from: 'group@example.net', automatic: true, list: true }));
    await receiveMail(deps, raw, { kind: 'quarantine', reason: 'dmarc', from: 'spoofed@example.net' });
    expect([...sim.correspondents.addresses]).toEqual(['pat@example.net']);
    // So the acknowledgment of the case that mail opened may repeat its subject.
    await sim.drain();
    expect(sim.customerMail).toEqual([
      expect.objectContaining({ kind: 'acknowledgment', requesterText: true }),
    ]);
  });
});

describe('receiveMail: what never lands on a case', () => {
  it('quarantined and automatic mail is archived with its reason, never answered', async () => {
    const { sim, deps, archived } = setup();
    const c = await consumerCase(deps);
    const q = await receiveMail(deps, raw, { kind: 'quarantine', reason: 'virus' });
    const auto = await receiveMail(deps, raw, mail({ automatic: true, caseTag: c.number }));
    expect(q).toMatchObject({ kind: 'archived', reason: 'virus' });
    expect(auto).toMatchObject({ kind: 'archived', reason: 'automatic' });
    expect(archived.map((a) => a.reason)).toEqual(['virus', 'automatic']);
    expect(sim.store.cases.size).toBe(1);
    expect((sim.store.events.get(c.id) ?? []).map((e) => e.type)).toEqual(['case.opened']);
  });
});

describe('receiveMail: loops and lists', () => {
  it('mail from our own domain or sender address is archived, never a case', async () => {
    const { sim, deps } = setup();
    const c = await consumerCase(deps);
    const own = { ...deps, senderAddress: 'support@support.example' };
    for (const from of [`case+x@${DOMAIN}`, 'Support@Support.example']) {
      const outcome = await receiveMail(own, raw, mail({ from, caseTag: c.number }));
      expect(outcome).toMatchObject({ kind: 'archived', reason: 'automatic' });
    }
    expect(sim.store.cases.size).toBe(1);
  });

  it('list mail from the requester joins their open case; list mail that threads nowhere is archived', async () => {
    const { sim, deps } = setup();
    const c = await consumerCase(deps);
    const joined = await receiveMail(
      deps,
      raw,
      mail({ automatic: true, list: true, caseTag: c.number, text: 'via our group' }),
    );
    expect(joined).toMatchObject({ kind: 'posted', caseId: c.id });
    const stray = await receiveMail(deps, raw, mail({ automatic: true, list: true, subject: 'Newsletter' }));
    expect(stray).toMatchObject({ kind: 'archived', reason: 'automatic' });
    expect(sim.store.cases.size).toBe(1);
  });

  it('asks the seller directory only when the answer matters', async () => {
    const { deps } = setup();
    let lookups = 0;
    const counting = {
      ...deps,
      sellers: {
        sellerIdOf: async () => {
          lookups++;
          return null;
        },
      },
    };
    const c = await consumerCase(deps);
    await receiveMail(counting, raw, mail({ replyTokenAddress: replyAddress(c.id, KEY, DOMAIN) }));
    expect(lookups).toBe(0);
    await receiveMail(counting, raw, mail({ subject: 'new one' }));
    expect(lookups).toBe(1);
  });
});

describe('receiveMail: mail at the limits', () => {
  it('a very long (non-ASCII) file name still gets a storable key; more than 40 files keep 40 and say so', async () => {
    const { sim, deps, blobs } = setup();
    const long = `${'報告書'.repeat(80)}.pdf`;
    const files = Array.from({ length: 43 }, (_, i) => ({
      fileName: i === 0 ? long : `f${i}.txt`,
      contentType: 'text/plain',
      size: 1,
      content: Buffer.from('x'),
    }));
    const outcome = await receiveMail(deps, raw, mail({ attachments: files, text: 'Files' }));
    const caseId = outcome.kind === 'opened' ? outcome.caseId : '';
    expect([...blobs.keys()]).toHaveLength(40);
    for (const key of blobs.keys()) expect(Buffer.byteLength(key)).toBeLessThan(255);
    expect([...blobs.keys()][0]).toMatch(/\.pdf$/);
    const c = sim.store.cases.get(caseId);
    expect(c?.description).toContain('3 more attached files were not kept');
    const added = (sim.store.events.get(caseId) ?? []).filter((e) => e.type === 'attachment.added');
    expect(added).toHaveLength(40);
    expect(added[0]).toMatchObject({ fileName: long });
  });
});

describe('receiveMail: completing a case', () => {
  it('a reply with the missing order number and descriptor fills them in, once, with details.added', async () => {
    const { sim, deps } = setup();
    const opened = await receiveMail(deps, raw, mail({ subject: 'Refund', text: 'charged twice' }));
    const id = opened.kind === 'opened' ? opened.caseId : '';
    const c = sim.store.cases.get(id);
    await receiveMail(
      deps,
      raw,
      mail({ caseTag: c?.number, extracted: { orderNumber: 'FS-555', billingDescriptor: 'FSPRG*ACME' } }),
    );
    // A later mail naming another order does not overwrite what the case now has.
    await receiveMail(deps, raw, mail({ caseTag: c?.number, extracted: { orderNumber: 'FS-999' } }));
    expect(sim.store.cases.get(id)).toMatchObject({ orderNumber: 'FS-555', billingDescriptor: 'FSPRG*ACME' });
    const added = (sim.store.events.get(id) ?? []).filter((e) => e.type === 'details.added');
    expect(added).toEqual([
      expect.objectContaining({
        orderNumber: 'FS-555',
        billingDescriptor: 'FSPRG*ACME',
        actor: { role: 'consumer', id: 'buyer@example.com' },
      }),
    ]);
  });
});

describe('receiveMail: one message, however often it is delivered (docs/mail.md#duplicates)', () => {
  it('the same message opens one case and posts one message; every later delivery is archived as a duplicate', async () => {
    const { sim, deps, archived } = setup();
    const first = await receiveMail(deps, raw, mail({ subject: 'New', messageKey: 'm1' }));
    const again = await receiveMail(deps, raw, mail({ subject: 'New', messageKey: 'm1' }));
    expect(first).toMatchObject({ kind: 'opened' });
    expect(again).toEqual({ kind: 'duplicate', archiveId: expect.any(String) });
    expect(archived.map((a) => a.reason)).toEqual(['duplicate']);
    expect(sim.store.cases.size).toBe(1);

    const number = first.kind === 'opened' ? first.caseNumber : '';
    const id = first.kind === 'opened' ? first.caseId : '';
    for (let i = 0; i < 3; i++)
      await receiveMail(deps, raw, mail({ caseTag: number, text: 'reply', messageKey: 'm2' }));
    const replies = (sim.store.events.get(id) ?? []).filter((e) => e.type === 'message.posted');
    expect(replies).toHaveLength(1);
    // Another message is another message, whatever it says.
    await receiveMail(deps, raw, mail({ caseTag: number, text: 'reply', messageKey: 'm3' }));
    expect((sim.store.events.get(id) ?? []).filter((e) => e.type === 'message.posted')).toHaveLength(2);
    // Machine mail too: archived once as what it is, then as duplicates.
    await receiveMail(deps, raw, mail({ automatic: true, messageKey: 'm4' }));
    await receiveMail(deps, raw, mail({ automatic: true, messageKey: 'm4' }));
    expect(archived.map((a) => a.reason)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'automatic',
      'duplicate',
    ]);
  });

  it('a delivery whose earlier attempt wrote but died before recording it is a duplicate, not a second case', async () => {
    // A ledger that lost the first claim (it was never confirmed): only the case write's once-key is left.
    const forgetful: OnceLedger = {
      claim: async () => 'claimed',
      confirm: async () => {},
      release: async () => {},
    };
    const { sim, deps } = setup({ ledger: forgetful });
    expect(await receiveMail(deps, raw, mail({ messageKey: 'm1' }))).toMatchObject({ kind: 'opened' });
    expect(await receiveMail(deps, raw, mail({ messageKey: 'm1' }))).toMatchObject({ kind: 'duplicate' });
    expect(sim.store.cases.size).toBe(1);
  });

  it('a message another delivery is handling right now fails this one, to be retried (never dropped)', async () => {
    const busy: OnceLedger = { claim: async () => 'busy', confirm: async () => {}, release: async () => {} };
    const { sim, deps, archived } = setup({ ledger: busy });
    await expect(receiveMail(deps, raw, mail({}))).rejects.toBeInstanceOf(MessageInFlightError);
    expect(sim.store.cases.size).toBe(0);
    expect(archived).toEqual([]);
  });

  it('quarantined copies are all kept, each as it came', async () => {
    const { deps, archived } = setup();
    await receiveMail(deps, raw, { kind: 'quarantine', reason: 'spam', from: 'x@spam.example' });
    await receiveMail(deps, raw, { kind: 'quarantine', reason: 'spam', from: 'x@spam.example' });
    expect(archived.map((a) => a.reason)).toEqual(['spam', 'spam']);
  });
});

describe('receiveMail: machine mail about a case', () => {
  it('an auto-reply to the signed address (or our Message-ID) becomes an internal note; no answer, no move', async () => {
    const { sim, deps } = setup();
    const c = await consumerCase(deps);
    await changeStatus(deps, agent, c.id, { status: 'pending_closure' });
    const outcome = await receiveMail(
      deps,
      raw,
      mail({
        automatic: true,
        replyTokenAddress: replyAddress(c.id, KEY, DOMAIN),
        subject: 'Automatic reply: case',
        text: 'I am out of the office until Monday.',
      }),
    );
    expect(outcome).toEqual({ kind: 'noted', caseId: c.id, caseNumber: c.number });
    const stored = sim.store.cases.get(c.id);
    expect(stored?.status).toBe('pending_closure');
    const note = (sim.store.events.get(c.id) ?? []).at(-1);
    expect(note).toMatchObject({
      type: 'message.posted',
      visibility: 'internal',
      actor: { role: 'system' },
      body: expect.stringContaining('I am out of the office until Monday.'),
    });
    await sim.drain();
    // Only what the case's own life sent: nothing answers the auto-reply.
    expect(sim.customerMail.filter((m) => m.case.id === c.id).map((m) => m.kind)).toEqual([
      'acknowledgment',
      'pending-closure',
    ]);
    expect(sim.notices).toEqual([]);
    // The same for an auto-reply that names the case only by answering our Message-ID.
    const byHeader = await receiveMail(
      deps,
      raw,
      mail({
        automatic: true,
        inReplyTo: ours(c.id, 'E1-pending-closure'),
        subject: 'Automatic reply: case',
        text: 'Back on Monday.',
      }),
    );
    expect(byHeader).toEqual({ kind: 'noted', caseId: c.id, caseNumber: c.number });
    expect(sim.store.cases.get(c.id)?.status).toBe('pending_closure');
    expect((sim.store.events.get(c.id) ?? []).at(-1)).toMatchObject({
      type: 'message.posted',
      visibility: 'internal',
      body: expect.stringContaining('Back on Monday.'),
    });
  });

  it('a forged token, a subject tag alone, or a closed case: machine mail is only archived', async () => {
    const { sim, deps, archived } = setup();
    const c = await consumerCase(deps);
    const forged = replyAddress(c.id, OTHER_KEY, DOMAIN);
    expect(await receiveMail(deps, raw, mail({ automatic: true, replyTokenAddress: forged }))).toMatchObject({
      kind: 'archived',
    });
    expect(await receiveMail(deps, raw, mail({ automatic: true, caseTag: c.number }))).toMatchObject({
      kind: 'archived',
    });
    await changeStatus(deps, agent, c.id, { status: 'closed' });
    const token = replyAddress(c.id, KEY, DOMAIN);
    expect(await receiveMail(deps, raw, mail({ automatic: true, replyTokenAddress: token }))).toMatchObject({
      kind: 'archived',
    });
    expect(archived).toHaveLength(3);
    expect((sim.store.events.get(c.id) ?? []).filter((e) => e.type === 'message.posted')).toEqual([]);
  });

  it('machine mail names a case only by a Message-ID we signed: unsigned, altered or foreign-signed ids are archived', async () => {
    const { sim, deps, archived } = setup();
    const c = await consumerCase(deps);
    const other = await consumerCase(deps, 'other@example.com');
    const genuine = ours(c.id, 'E1-acknowledgment');
    const unsigned = [`<case.${c.id}@${DOMAIN}>`, `<event.E1-closure.case.${c.id}@${DOMAIN}>`];
    const forged = [
      ...unsigned,
      // The other case's genuine id with this case's id swapped in.
      ours(other.id).replace(other.id, c.id),
      // One character of the signature changed.
      genuine.replace(/([a-z2-7])@/, (_m, ch: string) => `${ch === 'a' ? 'b' : 'a'}@`),
      // Signed under another secret (or before a rotation).
      signedMessageId(c.id, 'E1-acknowledgment', OTHER_KEY, DOMAIN),
      // Ours, on someone else's domain.
      signedMessageId(c.id, undefined, MESSAGE_ID_KEY, 'evil.example'),
    ];
    for (const ref of forged) {
      for (const header of [{ inReplyTo: ref }, { references: ['<a@b.example>', ref] }]) {
        for (const from of ['buyer@example.com', 'mallory@evil.example']) {
          const outcome = await receiveMail(deps, raw, mail({ automatic: true, from, ...header }));
          expect(outcome, ref).toMatchObject({ kind: 'archived', reason: 'automatic' });
        }
      }
    }
    expect(archived).toHaveLength(forged.length * 4);
    expect((sim.store.events.get(c.id) ?? []).map((e) => e.type)).toEqual(['case.opened']);
    // The genuine one, in References after a foreign id, is a note.
    const noted = await receiveMail(
      deps,
      raw,
      mail({ automatic: true, references: ['<x@y.example>', genuine] }),
    );
    expect(noted).toEqual({ kind: 'noted', caseId: c.id, caseNumber: c.number });
  });

  it('a person may still reply by an unsigned id of ours (mail sent before signing), but only as its requester', async () => {
    const { sim, deps } = setup();
    const c = await consumerCase(deps);
    const legacy = `<case.${c.id}@${DOMAIN}>`;
    expect(await receiveMail(deps, raw, mail({ inReplyTo: legacy, text: 'still here' }))).toEqual({
      kind: 'posted',
      caseId: c.id,
      caseNumber: c.number,
    });
    const stranger = await receiveMail(deps, raw, mail({ from: 'mallory@evil.example', inReplyTo: legacy }));
    expect(stranger).toMatchObject({ kind: 'opened' });
    expect((sim.store.events.get(c.id) ?? []).filter((e) => e.type === 'message.posted')).toHaveLength(1);
  });
});
