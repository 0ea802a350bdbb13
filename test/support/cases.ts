import type { z } from 'zod';
import type { Actor } from '../../shared/app/actor.ts';
import type { AppDeps } from '../../shared/app/deps.ts';
import { type OpenCaseOptions, openCase } from '../../shared/app/open-case.ts';
import {
  type Case,
  type ConsumerCaseInputSchema,
  type NewCaseFacts,
  newCase,
  type SellerCaseInputSchema,
} from '../../shared/domain/case.ts';

/** The support agent the use-case tests act as. */
export const agent: Actor = { kind: 'staff', role: 'agent', email: 'alice@support.example' };

type ConsumerInput = z.infer<typeof ConsumerCaseInputSchema>;
type SellerInput = z.infer<typeof SellerCaseInputSchema>;

/**
 * A buyer's case opened through the `openCase` use case by an anonymous caller, as the API would.
 * The input is a refund question unless `input` says otherwise: its words decide the suggested
 * severity, so a test that asserts on severity or SLA instants keeps the words it was written with.
 */
export async function openConsumerCase(
  deps: AppDeps,
  input: Partial<Omit<ConsumerInput, 'type'>> = {},
  options?: OpenCaseOptions,
): Promise<Case> {
  const opened = await openCase(
    deps,
    { kind: 'anonymous' },
    {
      type: 'consumer',
      subject: 'Refund',
      description: 'Where is my refund?',
      email: 'b@example.com',
      orderNumber: 'FS-1',
      billingDescriptor: 'FS*',
      ...input,
    },
    options,
  );
  return opened.case;
}

/**
 * A seller's case exactly as `newCase` makes it, with fixed facts (id, number, channel, opening
 * instant, requester) that tests assert on; `facts` replaces any of them.
 */
export function newSellerCase(input: Omit<SellerInput, 'type'>, facts: Partial<NewCaseFacts> = {}): Case {
  return newCase(
    { type: 'seller', ...input },
    {
      id: '01JD0000000000000000000000',
      number: 'CW-7KQ2MD',
      channel: 'api',
      openedAt: '2026-11-30T17:00:00.000Z',
      requester: { email: 'a@b.c', sellerId: 's' },
      ...facts,
    },
  );
}
