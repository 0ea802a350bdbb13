import * as z from 'zod';

/**
 * Severity levels and the handbook's four qualification areas (docs/severity.md#from-areas-to-a-level). Level
 * = 0 when all four areas are met, 1 for three, 2 for one or two, 3 for none.
 */
export const SEVERITY_LEVELS = [0, 1, 2, 3] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];
export const SEVERITY_LABELS: Record<SeverityLevel, string> = {
  0: 'Highest',
  1: 'High',
  2: 'Medium',
  3: 'Low',
};

export const SeverityLevelSchema = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]);

export const FUNCTION_AREAS = [
  'transactions',
  'subscriptions',
  'webhooks',
  'api',
  'fulfillments',
  'payouts',
  'b2b',
  'accounts',
] as const;
export type FunctionArea = (typeof FUNCTION_AREAS)[number];

export const QUALIFICATION_AREAS = ['severity', 'breadth', 'urgency', 'visibility'] as const;
export type QualificationArea = (typeof QUALIFICATION_AREAS)[number];

const count = z.number().int().min(0).max(1_000_000_000);

/** Structured answers a requester or agent may give; every field optional (email gives none). */
export const QualificationsSchema = z.strictObject({
  functionAreas: z.array(z.enum(FUNCTION_AREAS)).max(FUNCTION_AREAS.length).optional(),
  sellersAffected: count.optional(),
  impactedRevenueUsd: z.number().min(0).max(1e12).optional(),
  transactionsAffected: count.optional(),
  subscriptionInstancesAffected: count.optional(),
  /** Share of all sellers that use the affected functionality, in percent. */
  functionalityUsedBySellersPercent: z.number().min(0).max(100).optional(),
  ongoing: z.boolean().optional(),
  noWorkaround: z.boolean().optional(),
  churnRisk: z.boolean().optional(),
  timeDependent: z.boolean().optional(),
  multipleLiveStores: z.boolean().optional(),
});
export type Qualifications = z.infer<typeof QualificationsSchema>;

/** Breadth thresholds: an indicator holds when the answer is at least the threshold. */
export interface BreadthThresholds {
  sellersAffected: number;
  impactedRevenueUsd: number;
  transactionsAffected: number;
  subscriptionInstancesAffected: number;
  functionalityUsedBySellersPercent: number;
}

export const DEFAULT_BREADTH_THRESHOLDS: BreadthThresholds = {
  sellersAffected: 2,
  impactedRevenueUsd: 1000,
  transactionsAffected: 50,
  subscriptionInstancesAffected: 50,
  functionalityUsedBySellersPercent: 75,
};

export interface Classification {
  level: SeverityLevel;
  label: string;
  met: Record<QualificationArea, boolean>;
  /** Human-readable, one per indicator that held, prefixed with its area. */
  reasons: string[];
}

export function levelForAreasMet(areasMet: number): SeverityLevel {
  if (areasMet >= 4) return 0;
  if (areasMet === 3) return 1;
  if (areasMet >= 1) return 2;
  return 3;
}

const BREADTH_REASONS: Record<keyof BreadthThresholds, (value: number, min: number) => string> = {
  sellersAffected: (v, m) => `breadth: ${v} sellers affected (≥ ${m})`,
  impactedRevenueUsd: (v, m) => `breadth: ${v} USD revenue impacted (≥ ${m})`,
  transactionsAffected: (v, m) => `breadth: ${v} transactions affected (≥ ${m})`,
  subscriptionInstancesAffected: (v, m) => `breadth: ${v} subscription instances affected (≥ ${m})`,
  functionalityUsedBySellersPercent: (v, m) => `breadth: functionality used by ${v}% of sellers (≥ ${m}%)`,
};

const URGENCY_REASONS = {
  ongoing: 'urgency: ongoing',
  noWorkaround: 'urgency: no acceptable workaround',
  churnRisk: 'urgency: likely churn or loss of confidence',
  timeDependent: 'urgency: time dependency',
} as const;

/** Qualification answers → level with the reasons that produced it. Pure; thresholds are configuration. */
export function classify(
  answers: Qualifications,
  thresholds: BreadthThresholds = DEFAULT_BREADTH_THRESHOLDS,
): Classification {
  const reasons: string[] = [];
  for (const area of new Set(answers.functionAreas ?? [])) reasons.push(`severity: ${area}`);
  const severity = reasons.length > 0;

  let breadth = false;
  for (const key of Object.keys(BREADTH_REASONS) as (keyof BreadthThresholds)[]) {
    const value = answers[key];
    if (value !== undefined && value >= thresholds[key]) {
      breadth = true;
      reasons.push(BREADTH_REASONS[key](value, thresholds[key]));
    }
  }

  let urgency = false;
  for (const key of Object.keys(URGENCY_REASONS) as (keyof typeof URGENCY_REASONS)[]) {
    if (answers[key] === true) {
      urgency = true;
      reasons.push(URGENCY_REASONS[key]);
    }
  }

  const visibility = answers.multipleLiveStores === true;
  if (visibility) reasons.push('visibility: affecting multiple live stores');

  const met = { severity, breadth, urgency, visibility };
  const level = levelForAreasMet(Object.values(met).filter(Boolean).length);
  return { level, label: SEVERITY_LABELS[level], met, reasons };
}
