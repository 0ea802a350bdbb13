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
