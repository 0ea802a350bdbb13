import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_SCHEMA_DIR, generateEventSchemas } from '../../../openapi/generate.ts';
import {
  createWebhookSecrets,
  signatureHeader,
  signatureProblem,
} from '../../../shared/adapters/webhooks/signing.ts';
import { caseEventDetail, externalView } from '../../../shared/domain/case-events.ts';
import {
  EVENT_TYPES,
  type TimelineEvent,
  type TimelineEventBody,
  type TimelineEventType,
} from '../../../shared/domain/timeline.ts';
import { type Webhook, wants } from '../../../shared/domain/webhook.ts';
import { addressProblem, urlProblem } from '../../../shared/domain/webhook-url.ts';
import { newSellerCase } from '../../support/cases.ts';

const at = '2026-11-30T17:00:00.000Z';
const slot = { start: '2026-12-01T18:00:00.000Z', durationMinutes: 30 };

/** One body of every event type: a type added to the timeline does not compile here until it has one. */
const SAMPLES: { [K in TimelineEventType]: Extract<TimelineEventBody, { type: K }> } = {
  'case.opened': { type: 'case.opened', channel: 'api', level: 2, acknowledge: true },
  'message.posted': { type: 'message.posted', visibility: 'internal', body: 'staff only', channel: 'api' },
  'status.changed': {
    type: 'status.changed',
    from: 'open',
    to: 'working',
    note: 'internal note',
    visibility: 'internal',
  },
  'severity.changed': { type: 'severity.changed', from: 2, to: 1, reason: 'outage' },
  'assignee.changed': { type: 'assignee.changed', from: null, to: 'alice@support.example' },
  'escalation.requested': { type: 'escalation.requested', reason: 'urgent' },
  'workaround.recorded': { type: 'workaround.recorded', note: null },
  'details.added': { type: 'details.added', orderNumber: 'FS-1' },
  'attachment.added': {
    type: 'attachment.added',
    attachmentId: '01M8PPCAM0A8TM6CPX36M5ZZ28',
    fileName: 'trace.har',
    contentType: 'application/json',
    size: 12,
    visibility: 'public',
  },
  'sla.met': { type: 'sla.met', deadline: 'first-response', level: 2 },
  'sla.at_risk': { type: 'sla.at_risk', deadline: 'next-update', dueAt: at, level: 2 },
  'sla.breached': { type: 'sla.breached', deadline: 'first-response', dueAt: at, level: 1 },
  'case.closed': { type: 'case.closed', auto: true },
  'survey.sent': { type: 'survey.sent' },
  'mail.bounced': {
    type: 'mail.bounced',
    recipient: 'a@b.c',
    bounce: 'hard',
    notice: 'acknowledgment',
    diagnostic: null,
    suppressed: true,
  },
  'mail.complained': { type: 'mail.complained', recipient: 'a@b.c', notice: null, suppressed: true },
  'survey.submitted': {
    type: 'survey.submitted',
    ratings: { overall: 5, timeliness: 4, friendliness: 5 },
    comment: null,
  },
  'meeting.proposed': {
    type: 'meeting.proposed',
    meetingId: 'M1',
    topic: 'Walk through it',
    slots: [slot],
    join: { url: 'https://meet.example.com/x', dialIn: null },
  },
  'meeting.scheduled': { type: 'meeting.scheduled', meetingId: 'M1', slot, sequence: 0 },
  'meeting.rescheduled': { type: 'meeting.rescheduled', meetingId: 'M1', from: slot, to: slot, sequence: 1 },
  'meeting.cancelled': { type: 'meeting.cancelled', meetingId: 'M1', reason: null, sequence: 2 },
  'meeting.expired': { type: 'meeting.expired', meetingId: 'M1' },
  'meeting.reminded': { type: 'meeting.reminded', meetingId: 'M1', startsAt: slot.start },
};

const c = newSellerCase({ subject: 'Webhooks fail', description: 'd' });
const eventOf = (body: TimelineEventBody, n = 1): TimelineEvent =>
  ({
    ...body,
    id: `01M8PPCAM0A8TM6CPX36M5ZZ${String(n).padStart(2, '0')}`,
    caseId: c.id,
    at,
    actor: { role: 'agent', id: 'alice@support.example' },
    caseVersion: n,
  }) as TimelineEvent;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
/** Each schema compiled once (ajv keeps schemas by `$id`). */
const validatorOf = (name: string) => {
  const schema = JSON.parse(committed[name] as string) as { $id: string };
  return ajv.getSchema(schema.$id) ?? ajv.compile(schema);
};
const committed = Object.fromEntries(
  readdirSync(EVENT_SCHEMA_DIR).map((name) => [name, readFileSync(new URL(name, EVENT_SCHEMA_DIR), 'utf8')]),
);

describe('published event details and their JSON Schemas', () => {
  it('the committed schemas are exactly what the code generates (run `npm run openapi`), one per type', () => {
    expect(committed).toEqual(generateEventSchemas());
    expect(Object.keys(committed).sort()).toEqual(EVENT_TYPES.map((t) => `${t}.schema.json`).sort());
  });

  it.each(EVENT_TYPES)('a %s detail validates against its schema, and not against another type’s', (type) => {
    const detail = caseEventDetail(eventOf(SAMPLES[type]), c);
    const validate = validatorOf(`${type}.schema.json`);
    expect(validate(detail), ajv.errorsText(validate.errors)).toBe(true);
    const other = EVENT_TYPES.find((t) => t !== type) as TimelineEventType;
    expect(validatorOf(`${other}.schema.json`)(detail)).toBe(false);
  });

  it('an internal event never reaches an external subscriber; a public status change loses its internal note', () => {
    for (const type of EVENT_TYPES) {
      const detail = caseEventDetail(eventOf(SAMPLES[type]), c);
      const view = externalView(detail);
      if (detail.visibility === 'internal') expect(view, type).toBeNull();
      expect(JSON.stringify(view ?? {})).not.toContain('staff only');
    }
    const status = caseEventDetail(eventOf(SAMPLES['status.changed']), c);
    expect(status.visibility).toBe('public');
    expect(externalView(status)?.event).toMatchObject({ type: 'status.changed', note: null });
    expect(JSON.stringify(externalView(status))).not.toContain('internal note');
  });
});

describe('which webhook wants which event', () => {
  const hook = (over: Partial<Webhook>): Webhook => ({
    id: 'W',
    url: 'https://hooks.example.com/x',
    events: ['*'],
    filters: {},
    audience: 'external',
    status: 'active',
    createdAt: at,
    createdBy: 'lena@support.example',
    pausedAt: null,
    pausedReason: null,
    ...over,
  });
  const opened = caseEventDetail(eventOf(SAMPLES['case.opened']), c);
  const note = caseEventDetail(eventOf(SAMPLES['message.posted']), c);

  it('by type, audience, status and filters', () => {
    expect(wants(hook({}), opened)).toBe(true);
    expect(wants(hook({ events: ['sla.breached'] }), opened)).toBe(false);
    expect(wants(hook({}), note)).toBe(false);
    expect(wants(hook({ audience: 'internal' }), note)).toBe(true);
    expect(wants(hook({ status: 'paused' }), opened)).toBe(false);
    expect(wants(hook({ filters: { levels: [0, 1] } }), opened)).toBe(c.severity.level <= 1);
    expect(wants(hook({ filters: { sellerId: 'other' } }), opened)).toBe(false);
    expect(wants(hook({ filters: { sellerId: c.requester.sellerId ?? '' } }), opened)).toBe(true);
    expect(wants(hook({ filters: { caseType: 'consumer' } }), opened)).toBe(false);
  });
});

describe('webhook URLs', () => {
  const aws = { allowLoopbackHttp: false };
  const local = { allowLoopbackHttp: true };

  it.each([
    ['https://hooks.example.com/x', ['93.184.216.34'], null],
    ['http://hooks.example.com/x', ['93.184.216.34'], 'only https URLs are accepted'],
    ['https://a.example/x', ['10.0.0.5'], 'a.example resolves to 10.0.0.5 is a private address'],
    [
      'https://a.example/x',
      ['93.184.216.34', '192.168.1.1'],
      'a.example resolves to 192.168.1.1 is a private address',
    ],
    [
      'https://a.example/x',
      ['169.254.169.254'],
      'a.example resolves to 169.254.169.254 is a link-local address (as the cloud metadata service is)',
    ],
    [
      'https://a.example/x',
      ['::ffff:127.0.0.1'],
      'a.example resolves to ::ffff:127.0.0.1 is a loopback address',
    ],
    ['https://a.example/x', ['fd12::1'], 'a.example resolves to fd12::1 is a private (unique-local) address'],
    [
      'https://a.example/x',
      ['100.64.0.1'],
      'a.example resolves to 100.64.0.1 is a carrier-grade NAT address',
    ],
    ['https://a.example/x', [], 'a.example does not resolve'],
    ['https://10.1.2.3/x', ['10.1.2.3'], '10.1.2.3 is a private address'],
    [
      'https://[::ffff:169.254.169.254]/x',
      ['::ffff:169.254.169.254'],
      '::ffff:169.254.169.254 is a link-local address (as the cloud metadata service is)',
    ],
    ['ftp://a.example/x', ['93.184.216.34'], 'only https URLs are accepted'],
  ])('%s → %j in AWS', (url, addresses, problem) => {
    expect(urlProblem(url, addresses, aws)).toBe(problem);
  });

  it('locally, plain http to loopback is allowed so tests can receive; to anything else it is not', () => {
    expect(urlProblem('http://127.0.0.1:8080/hook', ['127.0.0.1'], local)).toBeNull();
    expect(urlProblem('http://127.0.0.1:8080/hook', ['127.0.0.1'], aws)).toBe('only https URLs are accepted');
    expect(urlProblem('http://hooks.example.com/x', ['93.184.216.34'], local)).toBe(
      'only https URLs are accepted',
    );
  });

  it('no address in a private IPv4 range passes (property)', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const privateIp = fc.oneof(
      fc.tuple(octet, octet, octet).map(([b, c2, d]) => `10.${b}.${c2}.${d}`),
      fc.tuple(fc.integer({ min: 16, max: 31 }), octet, octet).map(([b, c2, d]) => `172.${b}.${c2}.${d}`),
      fc.tuple(octet, octet).map(([c2, d]) => `192.168.${c2}.${d}`),
      fc.tuple(octet, octet, octet).map(([b, c2, d]) => `127.${b}.${c2}.${d}`),
      fc.tuple(octet, octet).map(([c2, d]) => `169.254.${c2}.${d}`),
    );
    fc.assert(
      fc.property(
        privateIp,
        (ip) => addressProblem(ip, aws) !== null && addressProblem(`::ffff:${ip}`, aws) !== null,
      ),
    );
  });
});

describe('the delivery signature', () => {
  const secrets = createWebhookSecrets(new Uint8Array(32).fill(7));

  it('each webhook has its own secret, the same every time', () => {
    expect(secrets.secretFor('A')).toBe(secrets.secretFor('A'));
    expect(secrets.secretFor('A')).not.toBe(secrets.secretFor('B'));
    expect(secrets.secretFor('A')).toMatch(/^whsec_[\w-]{43}$/);
  });

  it('verifies what was signed, within the window, and nothing altered (property)', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ minLength: 1 }),
        fc.integer({ min: 1_700_000_000, max: 2_000_000_000 }),
        (body, extra, t) => {
          const secret = secrets.secretFor('W');
          const header = signatureHeader(secret, t, body);
          expect(signatureProblem(secret, header, body, t + 299)).toBeNull();
          expect(signatureProblem(secret, header, body + extra, t)).toBe('a signature that does not match');
          expect(signatureProblem(secrets.secretFor('X'), header, body, t)).toBe(
            'a signature that does not match',
          );
          expect(signatureProblem(secret, header, body, t + 301)).toBe(
            'a signature outside the replay window',
          );
        },
      ),
    );
    expect(signatureProblem('s', undefined, '', 0)).toBe('no signature');
    expect(signatureProblem('s', 't=abc', '', 0)).toBe('a malformed signature');
  });
});
