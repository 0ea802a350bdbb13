import type { Case } from '../api.ts';
import { LEVEL_LABELS } from '../format.ts';
import { type SlaState, slaState } from '../sla.ts';

export function SeverityBadge({ level }: { level: Case['severity']['level'] }) {
  return <span className={`badge level-${level}`}>{LEVEL_LABELS[level]}</span>;
}

const SLA_TEXT: Record<SlaState, string | null> = {
  breached: 'Breached',
  'at-risk': 'At risk',
  ok: null,
  none: null,
};

export function SlaBadge({ c }: { c: Case }) {
  const state = slaState(c);
  const text = SLA_TEXT[state];
  return text ? <span className={`badge sla-${state}`}>{text}</span> : null;
}
