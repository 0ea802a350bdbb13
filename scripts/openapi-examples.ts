import { writeFileSync } from 'node:fs';
import { startLocalRuntime } from '../local/runtime.ts';
import { ARTIFACTS } from '../openapi/generate.ts';
import { OPERATIONS } from '../shared/http/api-contract.ts';
import type { ResponseExamples } from '../shared/http/openapi.ts';
import { ROUTES } from '../shared/http/routes.ts';

/**
 * `npm run openapi:examples`: real answers of the local runtime for the API document. Starts a fresh
 * runtime on a manual clock (Monday 2026-11-30 09:00 Pacific), plays a support session through every
 * route — successes and the refusals a client meets — and keeps the first answer of each operation and
 * status, and the request of its first success, in openapi/examples.json; `npm run openapi` then puts
 * them beside the schemas (Redocly checks every example against its schema).
 */
const runtime = await startLocalRuntime({
  port: 0,
  dynamodbPort: 0,
  sesPort: 0,
  smtpPort: 0,
  clock: 'manual',
  start: new Date('2026-11-30T17:00:00Z'),
});
const examples: ResponseExamples = {};
const compiled = ROUTES.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}$`),
}));

type Json = Record<string, unknown>;

/** The first link of this shape in the local SES inbox, waiting (boundedly) for the stream to mail it. */
async function mailedLink(pattern: RegExp): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const inbox = (await (await fetch(`${runtime.sesUrl}/store`)).json()) as {
      emails: { body: { text?: string } }[];
    };
    const link = inbox.emails.map((m) => pattern.exec(m.body.text ?? '')?.[1]).find(Boolean);
    if (link) return link;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`no mailed link matching ${pattern}`);
}
interface Options {
  token?: string;
  caseToken?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

async function call(
  method: string,
  path: string,
  options: Options = {},
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.caseToken) headers['x-case-token'] = options.caseToken;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${runtime.apiUrl}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const body = (text ? JSON.parse(text) : null) as Json;
  const route = compiled.find(
    (c) => c.route.method === method && c.pattern.test(new URL(path, 'http://x').pathname),
  );
  const operation = route ? OPERATIONS[route.route.routeKey]?.operationId : undefined;
  if (operation) {
    examples[operation] ??= {};
    const own = examples[operation] as Json;
    own[String(response.status)] ??= body;
    // The request of the first success, one per kind of body (a seller's case and a buyer's).
    if (response.ok && isJson(options.body)) {
      const kind = typeof options.body.type === 'string' ? options.body.type : 'example';
      own[`request:${kind}`] ??= options.body;
    }
  }
  return { status: response.status, body };
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function token(role: string, email: string, sellerId?: string): Promise<string> {
  return (await call('POST', '/_local/tokens', { body: { role, email, sellerId } })).body.token as string;
}

try {
  const seller = await token('seller', 'dana@acme.example', 'acme');
  const otherSeller = await token('seller', 'sam@globex.example', 'globex');
  const agent = await token('agent', 'alice@support.example');
  const lead = await token('lead', 'lena@support.example');
  const webhooks = {
    type: 'seller',
    subject: 'Webhooks not delivered since 08:00',
    description: 'Order webhooks stopped reaching our endpoint; live stores are missing orders.',
    qualifications: { functionAreas: ['webhooks'], ongoing: true, noWorkaround: true },
  };

  // Opening cases, and what refuses one.
  const { body: sellerCase } = await call('POST', '/cases', { token: seller, body: webhooks });
  const { body: buyerCase } = await call('POST', '/cases', {
    body: {
      type: 'consumer',
      subject: 'Charged twice for my subscription',
      description: 'My card shows double billing for order FS-123.',
      requester: { email: 'buyer@example.com' },
      orderNumber: 'FS-123',
      billingDescriptor: 'FSPRG*ACME',
    },
  });
  const id = sellerCase.id as string;
  const buyer = buyerCase.caseToken as string;
  await call('POST', '/cases', {
    body: { type: 'consumer', subject: 'Refund?', description: '', email: 'nope' },
  });
  await call('POST', '/cases', { body: webhooks });
  await call('POST', '/cases', { token: agent, body: webhooks });

  // Reading.
  await call('GET', `/cases/${id}`, { token: seller });
  await call('GET', `/cases/${id}`, { token: otherSeller });
  await call('GET', `/cases/${id}`);
  await call('GET', '/cases?limit=2', { token: agent });
  await call('GET', '/cases?cursor=forged', { token: agent });
  await call('GET', '/cases');

  // Triage and work.
  await call('PUT', `/cases/${id}/assignee`, { token: agent, body: { assignee: 'alice@support.example' } });
  await call('PUT', `/cases/${id}/severity`, { token: seller, body: { level: 0, reason: 'urgent' } });
  await call('PUT', `/cases/${id}/severity`, { token: agent, body: { level: 7 } });
  await call('PUT', `/cases/${id}/severity`, {
    token: agent,
    body: { level: 1, reason: 'several live stores lose orders' },
  });
  await call('POST', `/cases/${id}/messages`, {
    token: agent,
    body: { body: 'We are looking into it; retries are queued on our side.' },
  });
  await call('POST', `/cases/${id}/messages`, { token: seller, body: { body: 'x', internal: true } });
  await call('POST', `/cases/${id}/messages`, { token: agent, body: {} });
  await call('POST', `/cases/${id}/status`, {
    token: agent,
    headers: { 'if-match': '"1"' },
    body: { status: 'working' },
  });
  await call('POST', `/cases/${id}/status`, { token: agent, body: { status: 'new' } });
  await call('POST', `/cases/${id}/status`, {
    token: agent,
    body: { status: 'working', note: 'Reproduced; a fix is being deployed.', public: true },
  });
  await call('POST', `/cases/${id}/status`, { token: agent, body: { status: 'sleeping' } });
  await call('POST', `/cases/${id}/workaround`, {
    token: agent,
    body: { note: 'Replay missed webhooks from the dashboard.' },
  });
  await call('POST', `/cases/${id}/workaround`, { token: agent, body: { note: '' } });
  await call('PUT', `/cases/${id}/assignee`, { token: agent, body: { assignee: 'bob' } });
  await call('POST', `/cases/${id}/escalations`, {
    token: seller,
    body: { reason: 'Black Friday orders are at stake.' },
  });
  await call('POST', `/cases/${id}/escalations`, { token: agent, body: { reason: 'x' } });
  await call('POST', `/cases/${id}/escalations`, { token: seller, body: {} });
  const { body: upload } = await call('POST', `/cases/${id}/attachments`, {
    token: seller,
    body: { fileName: 'webhook-log.txt', contentType: 'text/plain', size: 12 },
  });
  await fetch(upload.uploadUrl as string, {
    method: 'PUT',
    headers: { 'content-type': 'text/plain' },
    body: 'POST 503 x3\n',
  });
  await call('GET', `/cases/${id}/attachments/${upload.attachmentId}`, { token: agent });
  await call('GET', `/cases/${id}/attachments/01M8PPCAM0AAAAAAAAAAAAAAAA`, { token: seller });
  await call('POST', `/cases/${id}/attachments`, {
    token: seller,
    body: { fileName: '../x', contentType: 'png', size: 0 },
  });
  await call('GET', `/cases/${id}/events?limit=3`, { token: seller });
  await call('GET', `/cases/${id}/events?limit=0`, { token: seller });

  // A meeting: the agent proposes two slots (a Saturday is refused), the seller picks by the mailed
  // link and moves it; a second proposal is picked in the portal, then cancelled.
  const slots = [
    { start: '2026-12-01T10:00:00-08:00', durationMinutes: 30 },
    { start: '2026-12-02T14:00:00-08:00', durationMinutes: 45 },
  ];
  const join = { url: 'https://meet.example.com/cw-webhooks', dialIn: '+1 555 0100, code 4711#' };
  const topic = 'Walk through the webhook settings together';
  const { body: proposed } = await call('POST', `/cases/${id}/meetings`, {
    token: agent,
    body: { topic, join, slots },
  });
  await call('POST', `/cases/${id}/meetings`, {
    token: agent,
    body: { topic, join, slots: [{ start: '2026-12-05T10:00:00-08:00', durationMinutes: 30 }] },
  });
  await call('POST', `/cases/${id}/meetings`, { token: seller, body: { topic, join, slots } });
  const meetingId = (proposed.meeting as Json).id as string;
  const meetingLink = await mailedLink(/\/meeting#token=([\w.-]+)/);
  await call('GET', `/meetings/${meetingLink}`);
  await call('POST', `/meetings/${meetingLink}`, { body: { start: '2026-12-03T18:00:00Z' } });
  await call('POST', `/meetings/${meetingLink}`, { body: { start: slots[0]?.start } });
  await call('POST', `/meetings/${meetingLink}`, { body: { start: 'tomorrow' } });
  await call('GET', '/meetings/not.a.link');
  await call('POST', `/cases/${id}/meetings/${meetingId}/reschedule`, {
    token: seller,
    body: { start: '2026-12-01T11:00:00-08:00', durationMinutes: 30 },
  });
  await call('POST', `/cases/${id}/meetings/${meetingId}/reschedule`, {
    token: seller,
    body: { start: '2026-12-01T16:45:00-08:00', durationMinutes: 30 },
  });
  await call('POST', `/cases/${id}/meetings/${meetingId}/reschedule`, {
    token: seller,
    body: { start: '2026-12-01T11:00:00-08:00', durationMinutes: 30 },
  });
  const { body: second } = await call('POST', `/cases/${id}/meetings`, {
    token: agent,
    body: { topic: 'Check the fix on your staging store', join, slots: [slots[1]] },
  });
  const secondId = (second.meeting as Json).id as string;
  await call('POST', `/cases/${id}/meetings/${secondId}/pick`, {
    token: seller,
    body: { start: slots[1]?.start },
  });
  await call('POST', `/cases/${id}/meetings/${secondId}/pick`, {
    token: seller,
    body: { start: slots[0]?.start },
  });
  await call('POST', `/cases/${id}/meetings/${secondId}/pick`, { token: seller, body: {} });
  await call('POST', `/cases/${id}/meetings/${secondId}/cancel`, {
    token: seller,
    body: { reason: 'Solved by mail in the meantime' },
  });
  await call('POST', `/cases/${id}/meetings/${secondId}/cancel`, { token: agent, body: {} });
  await call('POST', `/cases/${id}/meetings/${secondId}/cancel`, { token: agent, body: { reason: '' } });

  // The buyer's case closes; the survey; a message on the closed case opens a follow-up.
  await call('POST', `/cases/${buyerCase.id}/status`, { token: agent, body: { status: 'closed' } });
  await call('POST', `/cases/${buyerCase.id}/status`, { token: agent, body: { status: 'open' } });
  await call('POST', `/cases/${buyerCase.id}/escalations`, {
    caseToken: buyer,
    body: { reason: 'still unhappy' },
  });
  await call('POST', `/_local/clock`, { body: { advance: 'PT1M' } });
  await call('POST', `/cases/${buyerCase.id}/messages`, {
    caseToken: buyer,
    body: { body: 'It happened again.' },
  });
  const link = await mailedLink(/\/survey#token=([\w.-]+)/);
  await call('GET', `/surveys/${link}`);
  await call('POST', `/surveys/${link}`, { body: { ratings: { overall: 6 } } });
  await call('POST', `/surveys/${link}`, {
    body: { ratings: { overall: 5, timeliness: 4, friendliness: 5 }, comment: 'Quick and kind.' },
  });
  await call('POST', `/surveys/${link}`, {
    body: { ratings: { overall: 5, timeliness: 4, friendliness: 5 } },
  });
  await call('GET', '/surveys/not.a.link');
  await call('POST', '/surveys/not.a.link', {
    body: { ratings: { overall: 5, timeliness: 4, friendliness: 5 } },
  });
  await call('GET', `/cases/${id}`, { token: lead });

  // The leads' figures: the seller's escalation waits, the buyer's survey is in; agents are refused.
  await call('GET', '/stats', { token: lead });
  await call('GET', '/stats', { token: agent });
  await call('GET', '/stats');

  // The seller answers their case's survey in the portal: not before it is sent, once after.
  const answer = { ratings: { overall: 4, timeliness: 3, friendliness: 5 }, comment: 'Fixed, but slowly.' };
  await call('POST', `/cases/${id}/survey`, { token: seller, body: answer });
  await call('POST', `/cases/${id}/status`, { token: agent, body: { status: 'closed' } });
  await call('POST', `/_local/clock`, { body: { advance: 'PT1M' } });
  await call('POST', `/cases/${id}/survey`, { token: agent, body: answer });
  await call('POST', `/cases/${id}/survey`, { token: seller, body: { ratings: { overall: 0 } } });
  await call('POST', `/cases/${id}/survey`, { token: seller, body: answer });

  // Webhooks: a lead registers one for buyers' new and breached cases (its receiver here is a closed
  // port, so the case opened next shows a failed delivery in the log), reads, resumes, deletes.
  const { body: hook } = await call('POST', '/webhooks', {
    token: lead,
    body: {
      url: 'http://127.0.0.1:9/casewatch',
      events: ['case.opened', 'sla.breached'],
      filters: { caseType: 'consumer' },
    },
  });
  await call('POST', '/webhooks', {
    token: lead,
    body: { url: 'https://169.254.169.254/latest/meta-data', events: ['*'] },
  });
  await call('POST', '/webhooks', {
    token: agent,
    body: { url: 'https://hooks.example.com/x', events: ['*'] },
  });
  await call('POST', '/cases', {
    body: {
      type: 'consumer',
      subject: 'Charged twice',
      description: 'Two charges for one order.',
      email: 'hook@example.com',
      orderNumber: 'FS-2',
      billingDescriptor: 'FS*',
    },
  });
  await call('POST', `/_local/clock`, { body: { advance: 'PT1M' } });
  await call('GET', '/webhooks', { token: lead });
  await call('GET', `/webhooks/${hook.id}`, { token: lead });
  await call('POST', `/webhooks/${hook.id}/resume`, { token: lead });
  await call('DELETE', `/webhooks/${hook.id}`, { token: lead });
  await call('GET', `/webhooks/${hook.id}`, { token: lead });

  // The refusals every route on a case can give, on each route that has not answered them above: a case
  // that is not there (404), a stale `If-Match` on a write (412), a body it does not take (400), and a
  // requester on a staff route (403). Each write sends a body it would take, so the refusal is the one meant.
  const nowhere = '01M8PPCAM0000000000000000Z';
  const open = buyerCase.id as string;
  const bodies: Record<string, unknown> = {
    'POST /cases/{id}/messages': { body: 'Any news?' },
    'POST /cases/{id}/status': { status: 'working' },
    'POST /cases/{id}/escalations': { reason: 'Still waiting.' },
    'POST /cases/{id}/attachments': { fileName: 'log.txt', contentType: 'text/plain', size: 10 },
    'POST /cases/{id}/survey': answer,
    'POST /cases/{id}/meetings': {
      topic: 'Walk through it',
      join: { url: 'https://meet.example.com/cw' },
      slots: [{ start: '2026-12-08T10:00:00-08:00', durationMinutes: 30 }],
    },
    'POST /cases/{id}/meetings/{meetingId}/pick': { start: '2026-12-08T18:00:00.000Z' },
    'POST /cases/{id}/meetings/{meetingId}/reschedule': {
      start: '2026-12-08T10:00:00-08:00',
      durationMinutes: 30,
    },
    'POST /cases/{id}/meetings/{meetingId}/cancel': {},
    'PUT /cases/{id}/severity': { level: 1, reason: 'Several stores lose orders.' },
    'PUT /cases/{id}/assignee': { assignee: 'bob@support.example' },
    'POST /cases/{id}/workaround': {},
  };
  for (const { route } of compiled) {
    if (!route.path.startsWith('/cases/{id}')) continue;
    const path = (caseId: string) =>
      route.path.replace('{id}', caseId).replace('{meetingId}', nowhere).replace('{attachmentId}', nowhere);
    const body = bodies[route.routeKey];
    const write = route.method !== 'GET';
    await call(route.method, path(nowhere), { token: agent, ...(write ? { body } : {}) });
    if (!write) continue;
    await call(route.method, path(open), { token: agent, body: { unknown: 1 } });
    await call(route.method, path(open), { token: agent, body, headers: { 'if-match': '"1"' } });
    if (route.auth === 'jwt') await call(route.method, path(id), { token: seller, body });
  }

  // URLs as a reader's runtime gives them (npm start listens on 3000), not this run's free port.
  const text = JSON.stringify(examples, null, 2).replaceAll(runtime.apiUrl, 'http://localhost:3000');
  writeFileSync(ARTIFACTS.examples, `${text}\n`);
  const count = Object.values(examples).reduce((n, byStatus) => n + Object.keys(byStatus).length, 0);
  console.log(`wrote ${count} real answers to ${ARTIFACTS.examples.pathname}`);
} finally {
  await runtime.stop();
}
