import type { Case, Channel } from '../case.ts';
import type { Instant } from '../instant.ts';
import type { SlaPolicy } from '../sla-policy.ts';
import type { Visibility } from '../timeline.ts';
import { type AttachedFile, fileAdded } from './attachment.ts';
import { type DecidedEvent, isRefusal, type Outcome, refuseIfClosed } from './decision.ts';
import { moveStatus } from './move-status.ts';
import { givePublicUpdate } from './public-update.ts';

/** Consumer-case details a message supplies; each fills its field only if the case lacks it. */
export interface SuppliedDetails {
  orderNumber?: string | undefined;
  billingDescriptor?: string | undefined;
}

export interface MessageInput {
  body: string;
  visibility: Visibility;
  /** Staff (a public message is an update), the requester (it reopens a waiting case), or casewatch. */
  author: 'staff' | 'requester' | 'system';
  /** How it arrived: the API, mail, or the portal. */
  channel: Channel;
  /** Files that came with it (a mail's), already stored; they are as visible as the message. */
  attachments?: readonly AttachedFile[] | undefined;
  details?: SuppliedDetails | undefined;
}

/**
 * A message on a case: the `message.posted` event, its files, any order details it completes; a public
 * staff message meets the deadline it answers; a requester's message on a waiting case (pending
 * closure, on hold) moves it back to open. A closed case refuses (the caller opens a follow-up case).
 */
export function postMessage(c: Case, input: MessageInput, at: Instant, policy: SlaPolicy): Outcome {
  const closed = refuseIfClosed(c);
  if (closed) return closed;
  const message: DecidedEvent = {
    type: 'message.posted',
    visibility: input.visibility,
    body: input.body,
    channel: input.channel,
  };
  const files: DecidedEvent[] = (input.attachments ?? []).map((a) => fileAdded(a, input.visibility));
  let next = c;
  const filled = fillMissingDetails(c, input.details);
  if (filled) {
    next = filled.case;
    files.push(filled.event);
  }
  if (input.author === 'staff' && input.visibility === 'public') {
    const update = givePublicUpdate(next, at, policy);
    return { case: { ...next, sla: update.sla }, events: [message, ...files, ...update.events] };
  }
  if (input.author === 'requester') {
    const reopened = moveStatus(next, { to: 'open', by: 'system', reason: 'customer-replied' }, at, policy);
    if (!isRefusal(reopened)) return { case: reopened.case, events: [message, ...files, ...reopened.events] };
  }
  return { case: next, events: [message, ...files] };
}

/** The details a consumer case lacks and the message supplies, as the case with them and its event. */
function fillMissingDetails(
  c: Case,
  details: SuppliedDetails | undefined,
): { case: Case; event: DecidedEvent } | null {
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
