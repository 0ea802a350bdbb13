import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CASE_NUMBER_PATTERN,
  caseNumberFrom,
  newCase,
  OpenCaseInputSchema,
} from '../../../shared/domain/case.ts';
import { slaView } from '../../../shared/domain/sla.ts';
import { createSlaPolicy } from '../../../shared/domain/sla-policy.ts';

const consumer = {
  type: 'consumer',
  subject: 'Charged twice for my subscription',
  description: 'I see double billing on my card statement.',
  email: 'Buyer@Example.com',
  orderNumber: 'FS-123',
  billingDescriptor: 'FSPRG*ACME',
};

describe('case input schemas', () => {
  it('accepts a seller case with subject and description', () => {
    expect(
      OpenCaseInputSchema.safeParse({ type: 'seller', subject: 'Hi', description: 'There' }).success,
    ).toBe(true);
  });

  it('names every missing consumer field', () => {
    const r = OpenCaseInputSchema.safeParse({ type: 'consumer', subject: 'x', description: 'y' });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((issue) => issue.path.join('.')).sort();
    expect(paths).toEqual(['billingDescriptor', 'email', 'orderNumber']);
  });

  it.each([
    ['blank subject', { subject: '   ' }, 'subject'],
    ['bad email', { email: 'not-an-email' }, 'email'],
    ['unknown field', { colour: 'red' }, ''],
    ['bad qualifications', { qualifications: { sellersAffected: -2 } }, 'qualifications.sellersAffected'],
    ['overlong subject', { subject: 'x'.repeat(201) }, 'subject'],
  ])('refuses %s', (_name, patch, path) => {
    const r = OpenCaseInputSchema.safeParse({ ...consumer, ...patch });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it('refuses an unknown case type', () => {
    expect(OpenCaseInputSchema.safeParse({ ...consumer, type: 'partner' }).success).toBe(false);
  });
});

describe('newCase', () => {
  const policy = createSlaPolicy();
  const input = OpenCaseInputSchema.parse(consumer);
  const opened = newCase(input, {
    id: '01JD0000000000000000000000',
    number: 'CW-7KQ2MD',
    channel: 'api',
    openedAt: '2026-11-30T17:00:00.000Z',
    requester: { email: null, sellerId: null },
  });

  it('starts new, unassigned, at the suggested severity, with its first-response clock running', () => {
    expect(opened).toMatchObject({
      status: 'new',
      assignee: null,
      orderNumber: 'FS-123',
      billingDescriptor: 'FSPRG*ACME',
      requester: { email: 'buyer@example.com', sellerId: null },
      severity: {
        level: 2,
        label: 'Medium',
        source: 'suggested',
        suggested: { level: 2, reasons: ['severity: subscriptions ("double billing")'] },
      },
      version: 1,
    });
    expect(slaView(opened.sla, policy).firstResponse.dueAt).toBe('2026-12-01T05:00:00.000Z');
  });

  it('a seller case takes its requester from the caller', () => {
    const seller = newCase(
      OpenCaseInputSchema.parse({ type: 'seller', subject: 'Question', description: 'About exports' }),
      {
        id: 'id',
        number: 'CW-000000',
        channel: 'email',
        openedAt: '2026-11-30T17:00:00.000Z',
        requester: { email: 'ops@acme.example', sellerId: 'acme' },
      },
    );
    expect(seller.requester).toEqual({ email: 'ops@acme.example', sellerId: 'acme' });
    expect(seller.orderNumber).toBeNull();
    expect(seller.severity.level).toBe(3);
  });
});

describe('case numbers', () => {
  it('are CW- and six Crockford base32 digits for any entropy', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 16 }), (bytes) => {
        expect(caseNumberFrom(bytes)).toMatch(CASE_NUMBER_PATTERN);
      }),
    );
  });

  it('use 30 bits: different leading bits give different numbers', () => {
    expect(caseNumberFrom(new Uint8Array([0, 0, 0, 0]))).toBe('CW-000000');
    expect(caseNumberFrom(new Uint8Array([255, 255, 255, 255]))).toBe('CW-ZZZZZZ');
    expect(caseNumberFrom(new Uint8Array([0, 0, 0, 4]))).toBe('CW-000001');
  });
});
