import { type Case, type Channel, caseNumberFrom, type OpenCaseInput } from '../domain/case.ts';
import { openNewCase } from '../domain/changes/open-case.ts';
import { toInstant } from '../domain/instant.ts';
import type { TimelineEvent } from '../domain/timeline.ts';
import type { Actor } from './actor.ts';
import { attachmentRecords, type StoredFile } from './attachments.ts';
import { eventActor } from './case-access.ts';
import type { AppDeps } from './deps.ts';
import { ConflictError, ForbiddenError, UnauthorizedError } from './errors.ts';

export interface OpenedCase {
  case: Case;
  /** Only for consumer cases: the buyer's credential for this one case. */
  caseToken: string | null;
}

/** Case numbers are random; a collision is rare and simply retried with a fresh number. */
const NUMBER_ATTEMPTS = 5;

export interface OpenCaseOptions {
  channel?: Channel;
  /** The closed case this one follows up (a message on a closed case). */
  relatedCaseId?: string | null;
  /** Files that came with it (a mail's), already stored: public, as the requester's own. */
  attachments?: readonly StoredFile[];
  /** False: record that no acknowledgment may be sent (too many automatic answers to this sender). */
  acknowledge?: boolean;
  /** The id the case will have, when files were stored under it before the case was written. */
  caseId?: string;
  /** See `WriteOptions.onceKey`: a second open under the same key is refused. */
  onceKey?: string | undefined;
}

/**
 * Opens a case: a seller case needs a signed-in seller; a consumer case may come from anyone and gets
 * a case token back. The case starts `new` at its suggested severity with its clock running.
 */
export async function openCase(
  deps: AppDeps,
  actor: Actor,
  input: OpenCaseInput,
  options: OpenCaseOptions = {},
): Promise<OpenedCase> {
  const channel = options.channel ?? 'api';
  if (input.type === 'seller' && actor.kind !== 'seller') {
    if (actor.kind === 'anonymous') throw new UnauthorizedError('a seller case needs a signed-in seller');
    throw new ForbiddenError('only sellers open seller cases');
  }
  const openedAt = toInstant(deps.clock.now());
  const requester =
    actor.kind === 'seller' && input.type === 'seller'
      ? { email: actor.email.toLowerCase(), sellerId: actor.sellerId }
      : { email: null, sellerId: null };
  for (let attempt = 0; attempt < NUMBER_ATTEMPTS; attempt++) {
    const { case: c, events } = openNewCase(input, {
      id: options.caseId ?? deps.ids.next(),
      number: caseNumberFrom(deps.ids.caseNumberEntropy()),
      channel,
      openedAt,
      requester,
      relatedCaseId: options.relatedCaseId ?? null,
      thresholds: deps.thresholds,
      attachments: options.attachments,
      acknowledge: options.acknowledge,
    });
    const by =
      actor.kind === 'staff' || actor.kind === 'seller'
        ? eventActor(actor, c)
        : { role: 'consumer' as const, id: c.requester.email ?? 'consumer' };
    const timeline = events.map(
      (e) =>
        ({
          ...e,
          id: deps.ids.next(),
          caseId: c.id,
          at: openedAt,
          actor: by,
          caseVersion: c.version,
        }) as TimelineEvent,
    );
    const written = {
      ...(options.onceKey ? { onceKey: options.onceKey } : {}),
      ...(options.attachments ? { attachments: attachmentRecords(c.id, options.attachments, 'public') } : {}),
    };
    if (await deps.store.create(c, timeline, written)) {
      const caseToken = c.type === 'consumer' ? await deps.caseTokens.issue(c.id) : null;
      return { case: c, caseToken };
    }
  }
  throw new ConflictError('could not allocate a case number; try again');
}
