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

/**
 * What the words of a case suggest about its severity, for cases that arrive without answers (email) or
 * with partial ones. Phrases follow the handbook's example problems per function area.
 */
type Evidence =
  | { area: 'severity'; functionArea: FunctionArea }
  | { area: 'urgency'; indicator: 'ongoing' | 'noWorkaround' | 'churnRisk' | 'timeDependent' }
  | { area: 'breadth' | 'visibility' };

interface KeywordRule {
  pattern: RegExp;
  evidence: Evidence;
}

const area = (functionArea: FunctionArea): Evidence => ({ area: 'severity', functionArea });

/** Ordered most specific first: the first rule that matches for an area or indicator names the reason. */
const RULES: KeywordRule[] = [
  // Subscriptions: rebills, double billing/taxes, prorations, cancellations.
  { pattern: /\bdouble[- ]?(billing|billed|charges?|charged|rebills?)\b/, evidence: area('subscriptions') },
  { pattern: /\bcharged twice\b/, evidence: area('subscriptions') },
  { pattern: /\bre-?bill(s|ing|ed)?\b/, evidence: area('subscriptions') },
  { pattern: /\b(double|zero) tax(es)?\b/, evidence: area('subscriptions') },
  { pattern: /\bprorat(e|ed|es|ion|ions)\b/, evidence: area('subscriptions') },
  { pattern: /\bincorrect(ly)? (billing|billed|charged?)\b/, evidence: area('subscriptions') },
  { pattern: /\bsubscriptions?\b/, evidence: area('subscriptions') },
  { pattern: /\b(cancell?ations?|renewals?)\b/, evidence: area('subscriptions') },
  // Transactions: math, orders not going through, tax/VAT, receipts, refunds.
  {
    pattern:
      /\b(orders?|transactions?|purchases?|payments?|checkouts?) (is |are )?(not going through|failing|failed|declined|stuck)\b/,
    evidence: area('transactions'),
  },
  { pattern: /\bpayment (failures?|errors?)\b/, evidence: area('transactions') },
  { pattern: /\b(math|amount|total|price)s? (is |are )?(incorrect|wrong)\b/, evidence: area('transactions') },
  { pattern: /\b(incomplete orders?|order errors?)\b/, evidence: area('transactions') },
  { pattern: /\b(vat|gst|sales tax|tax)\b/, evidence: area('transactions') },
  { pattern: /\bstore ?builder\b/, evidence: area('transactions') },
  { pattern: /\brefund(s|ed|ing)?\b/, evidence: area('transactions') },
  { pattern: /\b(invoices?|receipts?|checkout)\b/, evidence: area('transactions') },
  // Webhooks.
  { pattern: /\bweb ?hooks?\b/, evidence: area('webhooks') },
  // API: timeouts, format changes, missing keys.
  { pattern: /\b(time ?outs?|timed out|timing out)\b/, evidence: area('api') },
  { pattern: /\bapi\b/, evidence: area('api') },
  { pattern: /\b5\d\d (errors?|responses?)\b/, evidence: area('api') },
  // Fulfillments: license keys, downloads.
  { pattern: /\blicen[cs]e ?keys?\b/, evidence: area('fulfillments') },
  { pattern: /\bfulfill?ments?\b/, evidence: area('fulfillments') },
  { pattern: /\bdownload (links?|urls?)\b/, evidence: area('fulfillments') },
  // Payouts.
  { pattern: /\bpay-?outs?\b/, evidence: area('payouts') },
  { pattern: /\bdisbursements?\b/, evidence: area('payouts') },
  // B2B.
  { pattern: /\bb2b\b/, evidence: area('b2b') },
  { pattern: /\b(portal registration|purchase orders?)\b/, evidence: area('b2b') },
  // Accounts.
  {
    pattern: /\b(account ownership|ownership dispute|contact rates?|split[- ]?pay)\b/,
    evidence: area('accounts'),
  },
  { pattern: /\b(locked out|can'?t log ?in|cannot log ?in)\b/, evidence: area('accounts') },
  // Urgency.
  {
    pattern: /\b(ongoing|still (happening|failing|broken|down)|right now|keeps? (happening|failing))\b/,
    evidence: { area: 'urgency', indicator: 'ongoing' },
  },
  {
    pattern: /\b(no (acceptable )?work-?arounds?|completely (blocked|broken|down))\b/,
    evidence: { area: 'urgency', indicator: 'noWorkaround' },
  },
  {
    pattern: /\b(churn|losing (customers|trust|confidence)|switch(ing)? (providers?|platforms?))\b/,
    evidence: { area: 'urgency', indicator: 'churnRisk' },
  },
  {
    pattern: /\b(urgent|asap|deadline|time[- ]sensitive|by (today|tomorrow|end of day|eod))\b/,
    evidence: { area: 'urgency', indicator: 'timeDependent' },
  },
  // Breadth and visibility.
  {
    pattern:
      /\b((all|every) (of )?(our |my )?(customers|buyers|orders|transactions|subscriptions|subscribers|sellers)|(hundreds|thousands) of)\b/,
    evidence: { area: 'breadth' },
  },
  { pattern: /\b(multiple|several|all (of )?(our|my)) (live )?stores\b/, evidence: { area: 'visibility' } },
];

const URGENCY_WORDS = {
  ongoing: 'ongoing',
  noWorkaround: 'no acceptable workaround',
  churnRisk: 'likely churn or loss of confidence',
  timeDependent: 'time dependency',
} as const;

export interface KeywordMatch {
  evidence: Evidence;
  /** The words of the case that matched, lower-cased. */
  matched: string;
  reason: string;
}

function evidenceKey(e: Evidence): string {
  if (e.area === 'severity') return `severity:${e.functionArea}`;
  if (e.area === 'urgency') return `urgency:${e.indicator}`;
  return e.area;
}

/** Each area or indicator the text speaks of, once, with the words that showed it. */
export function matchKeywords(text: string): KeywordMatch[] {
  const haystack = text.toLowerCase();
  const seen = new Set<string>();
  const matches: KeywordMatch[] = [];
  for (const rule of RULES) {
    const key = evidenceKey(rule.evidence);
    if (seen.has(key)) continue;
    const m = rule.pattern.exec(haystack);
    if (!m) continue;
    seen.add(key);
    const matched = m[0];
    const e = rule.evidence;
    const what =
      e.area === 'severity'
        ? `severity: ${e.functionArea}`
        : e.area === 'urgency'
          ? `urgency: ${URGENCY_WORDS[e.indicator]}`
          : e.area === 'breadth'
            ? 'breadth: wide impact'
            : 'visibility: affecting multiple live stores';
    matches.push({ evidence: e, matched, reason: `${what} ("${matched}")` });
  }
  return matches;
}

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
  reasons: string[];
}

/**
 * The suggested severity: the structured answers (when given) plus what the case's words show. A
 * question the requester answered, yes or no, is settled by the answer; the words fill in the rest.
 */
export function suggestSeverity(
  text: CaseText,
  answers: Qualifications = {},
  thresholds: BreadthThresholds = DEFAULT_BREADTH_THRESHOLDS,
): SuggestedSeverity {
  const fromAnswers = classify(answers, thresholds);
  const met = { ...fromAnswers.met };
  const reasons = [...fromAnswers.reasons];
  const breadthAnswered = BREADTH_KEYS.some((k) => answers[k] !== undefined);
  const words = [text.subject, text.description, text.stepsToReproduce ?? ''].join('\n');
  for (const m of matchKeywords(words)) {
    const e = m.evidence;
    if (e.area === 'severity' && answers.functionAreas !== undefined) continue;
    if (e.area === 'urgency' && answers[e.indicator] !== undefined) continue;
    if (e.area === 'breadth' && breadthAnswered) continue;
    if (e.area === 'visibility' && answers.multipleLiveStores !== undefined) continue;
    met[e.area] = true;
    reasons.push(m.reason);
  }
  const level = levelForAreasMet(Object.values(met).filter(Boolean).length);
  return { level, label: SEVERITY_LABELS[level], met, reasons };
}
