import { type Channel, type NewCaseFacts, newCase, type OpenCaseInput } from '../case.ts';
import { type AttachedFile, fileAdded } from './attachment.ts';
import type { DecidedEvent, Decision } from './decision.ts';

export interface OpeningFacts extends NewCaseFacts {
  channel: Channel;
  /** Files that arrived with it (email attachments), already stored; public, as the requester's own. */
  attachments?: readonly AttachedFile[] | undefined;
  /** False: no automatic acknowledgment may go out (too many automatic answers to this sender). */
  acknowledge?: boolean | undefined;
}

/** A new case and the events it opens with: `case.opened` (at the level it opened with) and its files. */
export function openNewCase(input: OpenCaseInput, facts: OpeningFacts): Decision {
  const c = newCase(input, facts);
  const events: DecidedEvent[] = [
    {
      type: 'case.opened',
      channel: facts.channel,
      level: c.severity.level,
      ...(facts.acknowledge === false ? { acknowledge: false } : {}),
    },
    ...(facts.attachments ?? []).map((a) => fileAdded(a, 'public')),
  ];
  return { case: c, events };
}
