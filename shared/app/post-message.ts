import type { Case, Channel } from '../domain/case.ts';
import { postMessage as post, type SuppliedDetails } from '../domain/changes/post-message.ts';
import type { TimelineEvent } from '../domain/timeline.ts';
import type { Actor } from './actor.ts';
import { attachmentRecords, type StoredFile } from './attachments.ts';
import { isRequester } from './case-access.ts';
import { changeCase } from './change-case.ts';
import type { AppDeps } from './deps.ts';
import { ConflictError, ForbiddenError } from './errors.ts';
import { type OpenedCase, openCase } from './open-case.ts';

export interface PostMessageInput {
  body: string;
  internal?: boolean | undefined;
  /** How it arrived; `email` for a reply the inbound handler threaded onto the case. */
  channel?: Channel;
  /** Files that came with it (email attachments), already stored; as visible as the message. */
  attachments?: readonly StoredFile[];
  /** For a message that opens a follow-up case: may it be acknowledged automatically? */
  acknowledge?: boolean;
  /** See `WriteOptions.onceKey`: the message (or the follow-up case it opens) lands at most once. */
  onceKey?: string | undefined;
  /** Consumer-case details the message supplies; each fills the field only if the case lacks it. */
  details?: SuppliedDetails;
}

export type PostedMessage =
  | { kind: 'posted'; case: Case; event: TimelineEvent }
  /** The case was closed: the message opened a new case linked to it. */
  | { kind: 'reopened-as-new'; closedCaseId: string; closedCaseNumber: string; opened: OpenedCase };

/**
 * A message on a case (`postMessage` in the domain decides what it does). Only staff write internal
 * notes. The case is settled first, so a reply after the auto-close instant finds it closed, as it is:
 * a requester's message on a closed case opens a new case linked to the old one; anyone else's is a 409.
 */
export async function postMessage(
  deps: AppDeps,
  actor: Actor,
  caseId: string,
  input: PostMessageInput,
  ifMatch?: number,
): Promise<PostedMessage> {
  let fromRequester = false;
  try {
    const posted = await changeCase(
      deps,
      actor,
      caseId,
      ifMatch,
      (c, now) => {
        fromRequester = isRequester(actor, c);
        if (input.internal && actor.kind !== 'staff')
          throw new ForbiddenError('only agents and leads post internal notes');
        return post(
          c,
          {
            body: input.body,
            visibility: input.internal ? 'internal' : 'public',
            author: actor.kind === 'staff' ? 'staff' : fromRequester ? 'requester' : 'system',
            channel: input.channel ?? 'api',
            attachments: input.attachments,
            details: input.details,
          },
          now,
          deps.policy,
        );
      },
      {
        onceKey: input.onceKey,
        attachments: attachmentRecords(
          caseId,
          input.attachments ?? [],
          input.internal ? 'internal' : 'public',
        ),
      },
    );
    // The message itself, not a deadline event settled in the same write (those are internal).
    const message = posted.events.find((e) => e.type === 'message.posted') as TimelineEvent;
    return { kind: 'posted', case: posted.case, event: message };
  } catch (error) {
    const refused = error instanceof ConflictError ? error.refused : undefined;
    if (refused?.refusal.refused !== 'closed' || !fromRequester) throw error;
    return reopenAsNewCase(deps, actor, refused.case, input);
  }
}

async function reopenAsNewCase(
  deps: AppDeps,
  actor: Actor,
  closed: Case,
  message: PostMessageInput,
): Promise<PostedMessage> {
  const subject = closed.subject.startsWith('Re: ') ? closed.subject : `Re: ${closed.subject}`;
  const common = {
    subject: subject.slice(0, 200),
    description: message.body,
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
