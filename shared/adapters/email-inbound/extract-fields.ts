/**
 * Best-effort extraction of the consumer-case fields (docs/mail.md#missing-fields) from the words of an
 * inbound mail. Nothing here is authoritative: a missing field is reported back to the sender, never guessed.
 */
export interface ExtractedFields {
  orderNumber?: string;
  billingDescriptor?: string;
}

const hasDigit = (s: string) => /\d/.test(s);

/** "order number: X", "order #X", "invoice no. X", "my order number is X". */
const LABELLED_ORDER =
  /\b(?:order|invoice)\s*(?:number|no\.?|num\.?|#|id|ref(?:erence)?)?\s*(?:is\s*)?[:#]?\s*([A-Z0-9][A-Z0-9-]{3,40})\b/gi;
/** FastSpring-shaped order references: FS-123…, FS123…, FSP…, FUR…-…-… */
const BARE_ORDER = /\b(FS-?\d[A-Z0-9-]{3,40}|FSP[A-Z0-9][A-Z0-9-]{3,40}|FUR\d{6}-\d{4}-\d{4,6}[A-Z0-9-]*)\b/g;

export function extractOrderNumber(text: string): string | undefined {
  for (const m of text.matchAll(LABELLED_ORDER)) {
    const candidate = m[1];
    if (candidate !== undefined && hasDigit(candidate)) return candidate.toUpperCase();
  }
  for (const m of text.matchAll(BARE_ORDER)) {
    const candidate = m[1];
    if (candidate !== undefined && hasDigit(candidate)) return candidate;
  }
  return undefined;
}

/** Most specific first: a descriptor naming the company beats the bare processor name. */
const DESCRIPTORS = [
  /\bFSPRG\*[A-Z0-9][A-Z0-9.&-]*/i,
  /\bFS\*[A-Z0-9][A-Z0-9.&-]*/i,
  /\bFSPRG\b/i,
  /\bFastSpring(?:\.com)?\b/i,
  /\bFS\*/i,
];

export function extractBillingDescriptor(text: string): string | undefined {
  for (const pattern of DESCRIPTORS) {
    const m = pattern.exec(text);
    // A sentence may end right after the descriptor: "… is FS*LOGICIELS."
    if (m) return m[0].replace(/[.&-]+$/, '');
  }
  return undefined;
}

export function extractFields(subject: string, text: string): ExtractedFields {
  const haystack = `${subject}\n${text}`;
  const fields: ExtractedFields = {};
  const orderNumber = extractOrderNumber(haystack);
  if (orderNumber !== undefined) fields.orderNumber = orderNumber;
  const billingDescriptor = extractBillingDescriptor(haystack);
  if (billingDescriptor !== undefined) fields.billingDescriptor = billingDescriptor;
  return fields;
}
