import type { Instant } from './instant.ts';
import type { SeverityLevel } from './severity.ts';
import {
  autoCloseAt,
  firstResponseDueAt,
  nextUpdateDueAt,
  openSla,
  recordPublicUpdate,
  recordStatusChange,
} from './sla.ts';
import type { SlaPolicy } from './sla-policy.ts';

export interface DeadlinePreview {
  firstResponseDueAt: Instant;
  nextUpdateDueAt: Instant;
  autoCloseAt: Instant;
}

/**
 * What the policy promises from one instant (`casewatch deadlines`,
 * docs/service-levels.md#previewing-the-policy): a case opened then, an update given then, a case entering
 * pending closure then. Goes through the same SLA state functions the server uses, so the preview cannot
 * disagree with a live case.
 */
export function previewDeadlines(level: SeverityLevel, from: Instant, policy: SlaPolicy): DeadlinePreview {
  const opened = openSla(from, level);
  const updated = recordPublicUpdate(opened, from, 'working', policy);
  const pending = recordStatusChange(updated, 'working', 'pending_closure', from);
  const next = nextUpdateDueAt(updated, policy);
  const close = autoCloseAt(pending, policy);
  if (next === null || close === null)
    throw new Error('a running update window and pending closure always have deadlines');
  return {
    firstResponseDueAt: firstResponseDueAt(opened, policy),
    nextUpdateDueAt: next,
    autoCloseAt: close,
  };
}
