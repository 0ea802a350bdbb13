import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPlainNotifier } from '../../../shared/adapters/ses/plain-notifier.ts';
import { newCase } from '../../../shared/domain/case.ts';

const ses = mockClient(SESv2Client);
const notifier = createPlainNotifier({
  client: new SESv2Client({ region: 'us-east-1' }),
  from: 'casewatch@support.example',
  leads: ['lena@support.example', 'leo@support.example'],
});
const c = newCase(
  { type: 'seller', subject: 'Payout missing', description: 'no payout this month' },
  {
    id: '01JD0000000000000000000000',
    number: 'CW-7KQ2MD',
    channel: 'api',
    openedAt: '2026-11-30T17:00:00.000Z',
    requester: { email: 'a@b.c', sellerId: 's' },
  },
);

beforeEach(() => {
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
});

const sent = () => ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);

describe('plain SLA notices', () => {
  it('at risk goes to the leads when nobody is assigned, to the assignee otherwise', async () => {
    await notifier.notify({
      kind: 'sla.at_risk',
      case: c,
      deadline: 'first-response',
      dueAt: '2026-12-01T05:00:00.000Z',
    });
    await notifier.notify({
      kind: 'sla.at_risk',
      case: { ...c, assignee: 'bob@support.example' },
      deadline: 'next-update',
      dueAt: 'x',
    });
    expect(sent().map((m) => m.Destination?.ToAddresses)).toEqual([
      ['lena@support.example', 'leo@support.example'],
      ['bob@support.example'],
    ]);
    expect(sent()[0]?.Content?.Simple?.Subject?.Data).toBe(
      '[CW-7KQ2MD] At risk: first response due 2026-12-01T05:00:00.000Z',
    );
  });

  it('a breach goes to the assignee and the leads', async () => {
    await notifier.notify({
      kind: 'sla.breached',
      case: { ...c, assignee: 'bob@support.example' },
      deadline: 'first-response',
      dueAt: '2026-12-01T05:00:00.000Z',
      breachedAt: '2026-12-01T05:00:00.000Z',
    });
    expect(sent()[0]?.Destination?.ToAddresses).toEqual([
      'bob@support.example',
      'lena@support.example',
      'leo@support.example',
    ]);
    expect(sent()[0]?.Content?.Simple?.Body?.Text?.Data).toContain(
      'was breached at 2026-12-01T05:00:00.000Z',
    );
  });
});
