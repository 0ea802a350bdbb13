import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  caseFromItem,
  caseIdFromSortKey,
  caseToItem,
  deadlineSortKey,
  eventFromItem,
  eventToItem,
} from '../../../shared/adapters/dynamodb/case-items.ts';
import { createTableInput, KEY_ATTRIBUTES } from '../../../shared/adapters/dynamodb/table-definition.ts';
import { type Case, newCase } from '../../../shared/domain/case.ts';
import { toInstant } from '../../../shared/domain/instant.ts';
import { SEVERITY_LEVELS } from '../../../shared/domain/severity.ts';
import { firstResponseDueAt } from '../../../shared/domain/sla.ts';
import { createSlaPolicy } from '../../../shared/domain/sla-policy.ts';
import { CASE_STATUSES } from '../../../shared/domain/status.ts';
import { isPublicEvent, type TimelineEvent } from '../../../shared/domain/timeline.ts';

const policy = createSlaPolicy();
const openedAt = '2026-03-02T09:00:00.000Z';

function consumerCase(id = '01JD0000000000000000000001'): Case {
  return newCase(
    {
      type: 'consumer',
      subject: 'Charged twice',
      description: 'double billing',
      email: 'Buyer@Example.com',
      orderNumber: 'FS-1',
      billingDescriptor: 'FSPRG',
    },
    { id, number: 'CW-000001', channel: 'email', openedAt, requester: { email: null, sellerId: null } },
  );
}

const caseArb = fc
  .record({
    id: fc.stringMatching(/^[0-9A-Z]{26}$/),
    status: fc.constantFrom(...CASE_STATUSES),
    level: fc.constantFrom(...SEVERITY_LEVELS),
    assignee: fc.option(fc.emailAddress(), { nil: null }),
    minutes: fc.integer({ min: 0, max: 500_000 }),
  })
  .map(({ id, status, level, assignee, minutes }): Case => {
    const c = consumerCase(id);
    return {
      ...c,
      status,
      assignee,
      severity: { ...c.severity, level },
      updatedAt: toInstant(Date.parse(openedAt) + minutes * 60_000),
    };
  });

describe('case items', () => {
  it('round-trip every case exactly, keeping keys out of the domain object', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const item = caseToItem(c, policy);
        expect(caseFromItem(item)).toEqual(c);
        expect(item.gsi1pk).toBe(`Q#${c.status}#${c.severity.level}`);
        expect(caseIdFromSortKey(item.gsi1sk as string)).toBe(c.id);
        expect('gsi2pk' in item).toBe(c.assignee !== null);
        if (c.assignee) expect(item.gsi2pk).toBe(`A#${c.assignee.toLowerCase()}`);
      }),
    );
  });

  it('key a consumer case by its normalised email and a seller case by its seller id', () => {
    expect(caseToItem(consumerCase(), policy).gsi3pk).toBe('R#E#buyer@example.com');
    const seller = {
      ...consumerCase(),
      type: 'seller' as const,
      requester: { email: 'x@y.z', sellerId: 'acme' },
    };
    expect(caseToItem(seller, policy).gsi3pk).toBe('R#S#acme');
  });

  it('sort by the earliest open deadline, a breached one included; closed after everything', () => {
    const c = consumerCase();
    const due = firstResponseDueAt(c.sla, policy);
    expect(deadlineSortKey(c, policy)).toBe(`${due}#${c.id}`);
    const breached = {
      ...c,
      sla: { ...c.sla, firstResponse: { ...c.sla.firstResponse, breachedAt: due, settledDueAt: due } },
    };
    expect(deadlineSortKey(breached, policy)).toBe(`${due}#${c.id}`);
    expect(deadlineSortKey({ ...c, status: 'closed' }, policy)).toBe(`~~${c.updatedAt}#${c.id}`);
  });

  it('refuse ids that would make composite keys ambiguous', () => {
    expect(() => caseToItem(consumerCase('a#b'), policy)).toThrow(RangeError);
  });
});

describe('event items', () => {
  const c = consumerCase();
  const base = { caseId: c.id, at: openedAt, actor: { role: 'agent' as const, id: 'a@support.example' } };
  const events: TimelineEvent[] = [
    { ...base, id: '01JD0000000000000000000010', type: 'message.posted', visibility: 'public', body: 'hi' },
    {
      ...base,
      id: '01JD0000000000000000000011',
      type: 'message.posted',
      visibility: 'internal',
      body: 'psst',
    },
    {
      ...base,
      id: '01JD0000000000000000000012',
      type: 'assignee.changed',
      from: null,
      to: 'a@support.example',
    },
  ];

  it.each(events)('round-trip, and only public ones enter the public timeline index ($type)', (e) => {
    const item = eventToItem(e);
    expect(eventFromItem(item)).toEqual(e);
    expect(item.sk).toBe(`EVENT#${e.id}`);
    expect(item.gsi4pk === c.id && item.gsi4sk === e.id).toBe(isPublicEvent(e));
  });
});

describe('createTableInput', () => {
  it('declares every key attribute as a string and every index with its keys', () => {
    const input = createTableInput('t');
    expect(input.AttributeDefinitions?.map((a) => a.AttributeName).sort()).toEqual(
      [...KEY_ATTRIBUTES].sort(),
    );
    expect(input.GlobalSecondaryIndexes).toHaveLength(4);
    expect(input.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
  });
});
