import type { Case, Channel } from '../domain/case.ts';
import { recordStatusChange } from '../domain/sla.ts';
import { checkTransition } from '../domain/status.ts';
import type { TimelineEvent } from '../domain/timeline.ts';
import type { Actor } from './actor.ts';
import { isRequester, SYSTEM_ACTOR } from './case-access.ts';
import { type CaseChange, changeCase, type PendingEvent, refuseClosed } from './change-case.ts';
import type { AppDeps } from './deps.ts';
import { ForbiddenError } from './errors.ts';
import { type OpenedCase, openCase, type ReceivedAttachment } from './open-case.ts';
import { givePublicUpdate } from './sla-updates.ts';

/** The message found its case closed: carries the case as the decision found it. */
class CaseClosed extends Error {
  public constructor(public readonly closed: Case) {
    super('the case is closed');
  }
}

export interface PostMessageInput {
  body: string;
  internal?: boolean | undefined;
  /** How it arrived; `email` for a reply the inbound handler threaded onto the case. */
  channel?: Channel;
  /** Files that came with it (email attachments), already stored. */
  attachments?: ReceivedAttachment[];
  /** For a message that opens a follow-up case: may it be acknowledged automatically? */
  acknowledge?: boolean;
  /** See `WriteOptions.onceKey`: the message (or the follow-up case it opens) lands at most once. */
  onceKey?: string | undefined;
  /** Consumer-case details the message supplies; each fills the field only if the case lacks it. */
  details?: { orderNumber?: string | undefined; billingDescriptor?: string | undefined };
}

export type PostedMessage =
  | { kind: 'posted'; case: Case; event: TimelineEvent }
  /** The case was closed: the message opened a new case linked to it (SPEC §2). */
  | { kind: 'reopened-as-new'; closedCaseId: string; closedCaseNumber: string; opened: OpenedCase };

/**
 * A message on a case. Staff messages may be internal; a public one is an update for the SLA. A
 * requester's message on a waiting case (pending closure, on hold) reopens it; on a closed case it
 * opens a new case linked to the old one.
 */
export async function postMessage(
  deps: AppDeps,
  actor: Actor,
  caseId: string,
  input: PostMessageInput,
  ifMatch?: number,
): Promise<PostedMessage> {
  // Settle first: a reply that comes after the auto-close instant finds the case closed, as it is.
  const { case: existing } = await changeCase(deps, actor, caseId, ifMatch, (c) => ({
    next: c,
    events: [],
  }));
  const fromRequester = isRequester(actor, existing);
  if (input.internal && actor.kind !== 'staff')
    throw new ForbiddenError('only agents and leads post internal notes');
  const posted = await changeCase(
    deps,
    actor,
    caseId,
    undefined,
    (fresh, now): CaseChange => {
      let c = fresh;
      if (c.status === 'closed') throw new CaseClosed(c);
      const visibility = input.internal ? 'internal' : 'public';
      const message: PendingEvent = {
        type: 'message.posted',
        visibility,
        body: input.body,
        ...(input.channel === 'email' ? { channel: 'email' as const } : {}),
      };
      const files: PendingEvent[] = (input.attachments ?? []).map((a) => ({
        type: 'attachment.added',
        ...a,
      }));
      const filled = fillMissingDetails(c, input.details);
      if (filled) {
        c = filled.case;
        files.push(filled.event);
      }
      if (actor.kind === 'staff' && !input.internal) {
        const update = givePublicUpdate(c, now, deps.policy);
        return { next: { ...c, sla: update.sla }, events: [message, ...files, ...update.events] };
      }
      if (
        fromRequester &&
        checkTransition({ from: c.status, to: 'open', actor: 'system', systemReason: 'customer-replied' }).ok
      ) {
        const reopened: PendingEvent = {
          type: 'status.changed',
          from: c.status,
          to: 'open',
          note: null,
          visibility: 'public',
          actor: SYSTEM_ACTOR,
        };
        return {
          next: { ...c, status: 'open', sla: recordStatusChange(c.sla, c.status, 'open', now) },
          events: [message, ...files, reopened],
        };
      }
      return { next: c, events: [message, ...files] };
    },
    // The settled case is as stored now: deciding on it saves a second read (a lost race re-reads).
    { onceKey: input.onceKey, stored: existing },
  ).catch((error: unknown) => {
    if (error instanceof CaseClosed) return error;
    throw error;
  });
  // Closed already, or between the reads of a lost race: a requester's message opens a linked case.
  if (posted instanceof CaseClosed) {
    if (!fromRequester) refuseClosed(posted.closed);
    return reopenAsNewCase(deps, actor, posted.closed, input);
  }
  // The message itself, not a deadline event settled in the same write (those are internal).
  const message = posted.events.find((e) => e.type === 'message.posted') as TimelineEvent;
  return { kind: 'posted', case: posted.case, event: message };
}

async function reopenAsNewCase(
  deps: AppDeps,
  actor: Actor,
  closed: Case,
  message: PostMessageInput,
): Promise<PostedMessage> {
  const body = message.body;
  const subject = closed.subject.startsWith('Re: ') ? closed.subject : `Re: ${closed.subject}`;
  const common = {
    subject: subject.slice(0, 200),
    description: body,
    stepsToReproduce: undefined,
    qualifications: undefined,
  };
  const input =
    closed.type === 'seller'
      ? { type: 'seller' as const, ...common }
      : {
          type: 'consumer' as const,
          ...common,
          email: closed.requester.email ?? '',
          orderNumber: closed.orderNumber ?? '',
          billingDescriptor: closed.billingDescriptor ?? '',
        };
  const opened = await openCase(deps, actor.kind === 'consumer' ? { kind: 'anonymous' } : actor, input, {
    channel: message.channel ?? 'api',
    relatedCaseId: closed.id,
    ...(message.attachments ? { attachments: message.attachments } : {}),
    ...(message.acknowledge === false ? { acknowledge: false } : {}),
    onceKey: message.onceKey,
  });
  return { kind: 'reopened-as-new', closedCaseId: closed.id, closedCaseNumber: closed.number, opened };
}

/** The details a consumer case lacks and the message supplies, as the case with them and its event. */
function fillMissingDetails(
  c: Case,
  details: PostMessageInput['details'],
): { case: Case; event: PendingEvent } | null {
  if (c.type !== 'consumer' || !details) return null;
  const orderNumber = c.orderNumber === null ? details.orderNumber : undefined;
  const billingDescriptor = c.billingDescriptor === null ? details.billingDescriptor : undefined;
  if (!orderNumber && !billingDescriptor) return null;
  return {
    case: {
      ...c,
      orderNumber: c.orderNumber ?? orderNumber ?? null,
      billingDescriptor: c.billingDescriptor ?? billingDescriptor ?? null,
    },
    event: {
      type: 'details.added',
      ...(orderNumber ? { orderNumber } : {}),
      ...(billingDescriptor ? { billingDescriptor } : {}),
    },
  };
}
