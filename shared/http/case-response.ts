import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type Reader, toCaseView } from '../app/case-view.ts';
import type { Case } from '../domain/case.ts';
import type { SlaPolicy } from '../domain/sla-policy.ts';
import { json } from './api-handler.ts';

/** A case as JSON with its version as the ETag, so the next change can send it back in `If-Match`. */
export function caseResponse(
  statusCode: number,
  c: Case,
  policy: SlaPolicy,
  reader: Reader,
  extra: Record<string, unknown> = {},
): APIGatewayProxyStructuredResultV2 {
  return json(statusCode, { ...toCaseView(c, policy, reader), ...extra }, { etag: `"${c.version}"` });
}
