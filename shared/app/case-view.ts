import type { Case } from '../domain/case.ts';
import { type SlaView, slaView } from '../domain/sla.ts';
import type { SlaPolicy } from '../domain/sla-policy.ts';

/**
 * A case as every endpoint returns it (docs/cases.md#the-case-record): the stored facts plus the derived SLA
 * block.
 */
export type CaseView = Omit<Case, 'sla' | 'channel'> & { channel: Case['channel']; sla: SlaView };

export function toCaseView(c: Case, policy: SlaPolicy): CaseView {
  const { sla, ...rest } = c;
  return { ...rest, sla: slaView(sla, policy) };
}
