import {
  type BreadthThresholds,
  classify,
  DEFAULT_BREADTH_THRESHOLDS,
  type FunctionArea,
  levelForAreasMet,
  type QualificationArea,
  type Qualifications,
  SEVERITY_LABELS,
  type SeverityLevel,
} from './severity.ts';
import { readWords } from './severity-words.ts';

const BREADTH_KEYS = Object.keys(DEFAULT_BREADTH_THRESHOLDS) as (keyof BreadthThresholds)[];

export interface CaseText {
  subject: string;
  description: string;
  stepsToReproduce?: string | null | undefined;
}

export interface SuggestedSeverity {
  level: SeverityLevel;
  label: string;
  met: Record<QualificationArea, boolean>;
  /** The critical function areas, from the answers when given, otherwise from the words. */
  functionAreas: FunctionArea[];
  reasons: string[];
}

/**
 * The suggested severity: the structured answers (when given) plus what the case's words show
 * (docs/severity.md#the-suggested-severity). A question the requester answered, yes or no, is settled by the
 * answer; the words fill in the rest.
 */
export function suggestSeverity(
  text: CaseText,
  answers: Qualifications = {},
  thresholds: BreadthThresholds = DEFAULT_BREADTH_THRESHOLDS,
): SuggestedSeverity {
  const fromAnswers = classify(answers, thresholds);
  const met = { ...fromAnswers.met };
  const reasons = [...fromAnswers.reasons];
  const functionAreas = [...new Set(answers.functionAreas ?? [])];
  const breadthAnswered = BREADTH_KEYS.some((k) => answers[k] !== undefined);
  const words = [text.subject, text.description, text.stepsToReproduce ?? ''].join('\n');
  for (const w of readWords(words)) {
    const e = w.evidence;
    if (e.area === 'severity' && answers.functionAreas !== undefined) continue;
    if (e.area === 'urgency' && answers[e.indicator] !== undefined) continue;
    if (e.area === 'breadth' && breadthAnswered) continue;
    if (e.area === 'visibility' && answers.multipleLiveStores !== undefined) continue;
    if (e.area === 'severity') functionAreas.push(e.functionArea);
    met[e.area] = true;
    reasons.push(w.reason);
  }
  const level = levelForAreasMet(Object.values(met).filter(Boolean).length);
  return { level, label: SEVERITY_LABELS[level], met, functionAreas, reasons };
}
