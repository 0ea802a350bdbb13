/** What a meeting link names: one meeting of one case. */
export interface MeetingLinkTarget {
  caseId: string;
  meetingId: string;
}

/**
 * Signed meeting links (docs/meetings.md#the-link): the mailed link is the requester's credential for
 * picking a slot of that one meeting, no account needed; anything else does not verify.
 */
export interface MeetingLinks {
  issue(target: MeetingLinkTarget): Promise<string>;
  /** The meeting named, or null for a forged, altered, expired or foreign token. */
  verify(token: string): Promise<MeetingLinkTarget | null>;
}
