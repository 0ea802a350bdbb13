import type { Case } from '../domain/case.ts';
import type { SeverityLevel } from '../domain/severity.ts';
import type { BacklogStatus } from '../domain/status.ts';
import type { TimelineEvent } from '../domain/timeline.ts';

/**
 * One change read from the table's stream, as the domain knows it: what the after-write reactions
 * (timers, mail, metrics) are given, whichever stream delivered it (DynamoDB Streams, the local poller).
 */
export type StoredChange =
  | { kind: 'case'; before: Case | null; after: Case | null }
  | { kind: 'event'; event: TimelineEvent }
  /** A backlog counter (open cases by status × severity) after a change: published as a gauge. */
  | { kind: 'counter'; status: BacklogStatus; level: SeverityLevel; count: number }
  | { kind: 'other' };
