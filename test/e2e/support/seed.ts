import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createCaseStore } from '../../../shared/adapters/dynamodb/case-store.ts';
import { createUlidIds } from '../../../shared/adapters/ulid-ids.ts';
import { type Case, caseNumberFrom, newCase } from '../../../shared/domain/case.ts';
import { toInstant } from '../../../shared/domain/instant.ts';
import { createSlaPolicy } from '../../../shared/domain/sla-policy.ts';
import type { LocalApi } from './local-api.ts';

/**
 * `count` open consumer cases of `requester`, written straight to the runtime's store at its now, 25 at a
 * time (through the API each would mail an acknowledgment): same deadline, so the queue orders them by id.
 * Subjects are `<subject> <n>`.
 */
export async function seedOpenCases(
  api: LocalApi,
  requester: string,
  count: number,
  subject = 'Seeded case',
): Promise<Case[]> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: api.runtime.dynamodbEndpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const store = createCaseStore({ client, tableName: api.runtime.tableName, policy: createSlaPolicy() });
  const ids = createUlidIds(api.runtime.clock);
  const openedAt = toInstant(api.runtime.clock.now());
  const cases = Array.from({ length: count }, (_, i) =>
    newCase(
      {
        type: 'consumer',
        subject: `${subject} ${i}`,
        description: 'Charged twice.',
        email: requester,
        orderNumber: `FS-${i}`,
        billingDescriptor: 'FSPRG',
      },
      {
        id: ids.next(),
        number: caseNumberFrom(ids.caseNumberEntropy()),
        channel: 'api',
        openedAt,
        requester: { email: requester, sellerId: null },
      },
    ),
  );
  for (let i = 0; i < cases.length; i += 25)
    await Promise.all(
      cases.slice(i, i + 25).map((c) =>
        store.create(c, [
          {
            id: ids.next(),
            caseId: c.id,
            type: 'case.opened',
            channel: 'api',
            // No acknowledgment mail for seeded cases.
            acknowledge: false,
            at: openedAt,
            actor: { role: 'consumer', id: requester },
          },
        ]),
      ),
    );
  client.destroy();
  return cases;
}
