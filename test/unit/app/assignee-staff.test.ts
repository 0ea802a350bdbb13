import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../shared/app/actor.ts';
import {
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../../../shared/app/errors.ts';
import { assignCase } from '../../../shared/app/triage.ts';
import type { StaffDirectory } from '../../../shared/ports/staff-directory.ts';
import { agent, openConsumerCase } from '../../support/cases.ts';
import { TimerSim } from '../../support/timer-sim.ts';

async function setup() {
  const sim = new TimerSim('2026-12-01T17:00:00.000Z');
  const asked: string[] = [];
  const team: Record<string, 'agent' | 'lead'> = {
    'bob@support.example': 'agent',
    'lee@support.example': 'lead',
  };
  const staff: StaffDirectory = {
    roleOf: async (email) => {
      asked.push(email);
      return team[email.toLowerCase()] ?? null;
    },
  };
  const deps = { ...sim.appDeps, staff };
  const c = await openConsumerCase(deps);
  return { sim, deps, id: c.id, asked };
}

describe('only staff may be a case’s assignee', () => {
  it('an agent or lead of the team is assigned; an outside address or a typo is a 400 and writes nothing', async () => {
    const { sim, deps, id } = await setup();
    expect((await assignCase(deps, agent, id, 'Bob@Support.example')).assignee).toBe('bob@support.example');
    expect((await assignCase(deps, agent, id, 'lee@support.example')).assignee).toBe('lee@support.example');
    const before = await sim.store.get(id);
    for (const outsider of ['bob@suport.example', 'evil@attacker.example', 'buyer@example.com']) {
      const refused = assignCase(deps, agent, id, outsider);
      await expect(refused).rejects.toBeInstanceOf(ValidationError);
      await expect(refused).rejects.toMatchObject({
        errors: [{ field: 'assignee', message: `${outsider} is not an agent or lead of this support team` }],
      });
    }
    expect(await sim.store.get(id)).toEqual(before);
  });

  it('a missing case is still a 404 and a stale If-Match a 412, whoever is named', async () => {
    const { deps, id } = await setup();
    await expect(
      assignCase(deps, agent, '01JD0000000000000000000000', 'evil@attacker.example'),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(assignCase(deps, agent, id, 'evil@attacker.example', 7)).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
  });

  it('staff may always take a case themselves, without asking the directory', async () => {
    const { deps, id, asked } = await setup();
    const alice = agent as Extract<Actor, { kind: 'staff' }>;
    expect((await assignCase(deps, agent, id, alice.email.toUpperCase())).assignee).toBe(alice.email);
    expect(asked).toEqual([]);
  });

  it('a requester is refused as before (403, or 404 for a case they cannot see), and the directory is not asked', async () => {
    const { sim, deps, id, asked } = await setup();
    await expect(
      assignCase(deps, { kind: 'consumer', caseId: id }, id, 'bob@support.example'),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const other = await openConsumerCase(deps);
    await expect(
      assignCase(deps, { kind: 'consumer', caseId: other.id }, id, 'evil@attacker.example'),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(asked).toEqual([]);
    expect((await sim.store.get(id))?.assignee ?? null).toBeNull();
  });

  it('property: whatever the address, the case’s assignee is afterwards someone the directory knows, or the assigner', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.emailAddress(), fc.constantFrom('bob@support.example', 'LEE@support.example')), {
          minLength: 1,
          maxLength: 6,
        }),
        async (addresses) => {
          const { sim, deps, id } = await setup();
          for (const address of addresses) await assignCase(deps, agent, id, address).catch(() => undefined);
          const assignee = (await sim.store.get(id))?.assignee;
          if (assignee == null) return;
          const known = (await deps.staff.roleOf(assignee)) !== null;
          expect(known || assignee.toLowerCase() === 'alice@support.example').toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
