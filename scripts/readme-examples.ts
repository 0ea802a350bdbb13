/**
 * Produces the request/response examples of the README's API section by calling a running local
 * runtime, so the README's examples are real answers, not hand-written ones. Start casewatch on a
 * manual clock (the examples begin on Monday 2026-11-30 09:00 Pacific) and run this against it:
 *
 *   PORT=3911 DYNAMODB_PORT=8911 SES_PORT=8912 SMTP_PORT=2911 CASEWATCH_CLOCK=manual \
 *     CASEWATCH_START=2026-11-30T17:00:00Z npm start &
 *   API=http://localhost:3911 SES=http://localhost:8912 npx tsx scripts/readme-examples.ts > examples.md
 *
 * Every call is printed as a curl command (tokens and ids as shell variables) followed by the answer's
 * status, headers and JSON, long strings cut with `…` and, after the first full case, cases shown by
 * their changed fields only. Use a fresh runtime: the script opens cases and moves the clock.
 */

const API = process.env.API ?? 'http://localhost:3911';
const SES = process.env.SES ?? 'http://localhost:8912';

type Json = unknown;
type JsonObject = Record<string, Json>;

interface Call {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  /** Names of shell variables holding the credentials, e.g. `SELLER` for `$SELLER`. */
  bearer?: string;
  caseToken?: string;
  headers?: Record<string, string>;
  body?: Json;
  /** A raw RFC 5322 message (`POST /_local/inbound`). */
  mail?: string;
  /** Top-level keys (or `case.<key>`) to show of a case in the answer; the rest becomes `…`. */
  show?: string[];
}

const tokens: Record<string, string> = {};
/** Values shown as shell variables instead of their text. */
const vars = new Map<string, string>();
function remember(name: string, value: string): string {
  vars.set(value, name);
  return value;
}
function shell(text: string): string {
  let out = text;
  for (const [value, name] of [...vars].sort((a, b) => b[0].length - a[0].length))
    out = out.split(value).join(`$${name}`);
  return out;
}

const ELIDED = '\u0000…';

function shorten(value: Json, max = 80): Json {
  if (typeof value === 'string') {
    if (vars.has(value)) return value;
    return value.length > max ? `${value.slice(0, max - 1)}…` : value;
  }
  if (Array.isArray(value)) return value.map((v) => shorten(v, max));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v, max)]));
  return value;
}

function pick(value: JsonObject, keys: string[]): JsonObject {
  const out: JsonObject = {};
  for (const k of keys) if (k in value) out[k] = value[k];
  if (Object.keys(value).length > keys.length) out[ELIDED] = null;
  return out;
}

function trimmed(body: Json, show: string[] | undefined): Json {
  if (!show || !body || typeof body !== 'object' || Array.isArray(body)) return body;
  const obj = body as JsonObject;
  const top = show.filter((k) => !k.includes('.'));
  const inner = show.filter((k) => k.startsWith('case.')).map((k) => k.slice(5));
  if (inner.length > 0 && obj.case && typeof obj.case === 'object') {
    return { ...obj, case: pick(obj.case as JsonObject, inner) };
  }
  if (Array.isArray(obj.items) && top.length > 0) {
    return { ...obj, items: obj.items.map((i) => pick(i as JsonObject, top)) };
  }
  return pick(obj, top);
}

/** JSON with small objects kept on one line, so a case fits on a screen; `…` marks elided keys. */
function compact(value: Json, indent = ''): string {
  const flat = JSON.stringify(value)?.replace(/,"\\u0000…":null/g, ',…');
  if (flat === undefined) return 'null';
  if (
    value === null ||
    typeof value !== 'object' ||
    (indent.length + flat.length <= 100 && !flat.includes('\\u0000'))
  )
    return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value))
    return `[\n${value.map((v) => inner + compact(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value as JsonObject).map(([k, v]) =>
    k === ELIDED ? `${inner}…` : `${inner}${JSON.stringify(k)}: ${compact(v, inner)}`,
  );
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

function curlOf(c: Call): string {
  const parts = ['curl -s'];
  if (c.method !== 'GET') parts.push(`-X ${c.method}`);
  parts.push(`"$API${shell(c.path)}"`);
  if (c.bearer) parts.push(`-H "authorization: Bearer $${c.bearer}"`);
  if (c.caseToken) parts.push(`-H "x-case-token: $${c.caseToken}"`);
  for (const [k, v] of Object.entries(c.headers ?? {})) parts.push(`-H '${k}: ${shell(v)}'`);
  if (c.body !== undefined)
    parts.push(`-H 'content-type: application/json'`, `-d '${shell(JSON.stringify(c.body))}'`);
  if (c.mail !== undefined)
    return `${parts.join(' ')} --data-binary @- <<'EOF'\n${shell(c.mail.replace(/\r\n/g, '\n'))}EOF`;
  return parts.join(' ');
}

const SHOWN_HEADERS = ['etag', 'location'];

async function call(title: string, c: Call): Promise<JsonObject> {
  const headers: Record<string, string> = { ...(c.headers ?? {}) };
  if (c.bearer) headers.authorization = `Bearer ${tokens[c.bearer] ?? ''}`;
  if (c.caseToken) headers['x-case-token'] = tokens[c.caseToken] ?? '';
  if (c.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${API}${c.path}`, {
    method: c.method,
    headers,
    ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}),
    ...(c.mail !== undefined ? { body: c.mail } : {}),
  });
  const text = await res.text();
  let body: Json = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: shown as it is.
  }
  const shown = SHOWN_HEADERS.filter((h) => res.headers.has(h)).map((h) => `${h}: ${res.headers.get(h)}`);
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('problem')) shown.push(`content-type: ${type}`);
  console.log(`\n#### ${title}\n\n\`\`\`sh\n${curlOf(c)}\n\`\`\`\n`);
  const head = [`${res.status} ${res.statusText}`, ...shown].join(' · ');
  console.log(`\`\`\`\n${shell(head)}\n${shell(compact(shorten(trimmed(body, c.show))))}\n\`\`\``);
  return (body && typeof body === 'object' ? body : { text: body }) as JsonObject;
}

interface SesMail {
  subject: string;
  from: string;
  replyTo?: string[];
  destination: { to: string[] };
  body: { text?: string; html?: string };
}

async function sesMails(): Promise<SesMail[]> {
  await fetch(`${API}/_local/timers`); // drains the stream first, so the mail it causes is sent
  const res = await fetch(`${SES}/store`);
  return ((await res.json()) as { emails: SesMail[] }).emails;
}

async function printMail(m: SesMail | undefined): Promise<void> {
  if (!m) return console.log('\n(no such mail)');
  console.log(
    `\n\`\`\`\nFrom: ${m.from}\nTo: ${m.destination.to.join(', ')}\n${m.replyTo?.length ? `Reply-To: ${m.replyTo.join(', ')}\n` : ''}Subject: ${m.subject}\n\n${shell(m.body.text ?? '').trim()}\n\`\`\``,
  );
}

const advance = (by: string) =>
  fetch(`${API}/_local/clock`, { method: 'POST', body: JSON.stringify({ advance: by }) });

/** What a case answer shows after the first full one: identity plus what the call changed. */
const BRIEF = ['id', 'number', 'status', 'version'];

function rawMail(headers: Record<string, string>, text: string): string {
  const lines = Object.entries({
    Date: 'Mon, 30 Nov 2026 20:00:00 +0000',
    'Message-ID': `<${Math.random().toString(36).slice(2)}@example.net>`,
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=utf-8',
    ...headers,
  }).map(([k, v]) => `${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n${text.replace(/\n/g, '\r\n')}\r\n`;
}

async function main(): Promise<void> {
  const issue = async (name: string, body: Record<string, string>, print: boolean) => {
    const res = await fetch(`${API}/_local/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const token = ((await res.json()) as { token: string }).token;
    tokens[name] = remember(name, token);
    if (print)
      console.log(
        `\n#### POST /_local/tokens\n\n\`\`\`sh\ncurl -s -X POST "$API/_local/tokens" -H 'content-type: application/json' -d '${JSON.stringify(body)}'\n\`\`\`\n\n\`\`\`\n${res.status} ${res.statusText}\n${JSON.stringify({ token: `${token.slice(0, 24)}…` })}\n\`\`\``,
      );
  };
  await issue('SELLER', { role: 'seller', email: 'dana@acme.example', sellerId: 'acme' }, true);
  await issue('AGENT', { role: 'agent', email: 'alice@support.example' }, false);
  await issue('LEAD', { role: 'lead', email: 'lee@support.example' }, false);
  await issue('OTHER_SELLER', { role: 'seller', email: 'sam@globex.example', sellerId: 'globex' }, false);

  // 09:00 Monday: two cases come in.
  const sellerCase = {
    type: 'seller',
    subject: 'Webhooks not delivered since 08:00',
    description: 'Order webhooks stopped reaching our endpoint; live stores are missing orders.',
    qualifications: { functionAreas: ['webhooks'], ongoing: true, noWorkaround: true },
  };
  const create = {
    method: 'POST' as const,
    path: '/cases',
    bearer: 'SELLER',
    headers: { 'idempotency-key': '3f6d2c1e-create-webhooks' },
    body: sellerCase,
  };
  const opened = await call('POST /cases (seller)', create);
  const id = remember('CASE', String(opened.id));
  await call('POST /cases retried with the same Idempotency-Key', {
    ...create,
    show: ['id', 'number', 'version'],
  });
  const consumer = await call('POST /cases (consumer, no account)', {
    method: 'POST',
    path: '/cases',
    body: {
      type: 'consumer',
      subject: 'Charged twice for my subscription',
      description: 'My card shows double billing for order FS-123.',
      email: 'buyer@example.com',
      orderNumber: 'FS-123',
      billingDescriptor: 'FSPRG*ACME',
    },
    show: ['id', 'number', 'type', 'status', 'requester', 'severity', 'caseToken'],
  });
  const buyerCase = remember('BUYER_CASE', String(consumer.id));
  tokens.CASE_TOKEN = remember('CASE_TOKEN', String(consumer.caseToken));

  await advance('PT5M');
  await call('GET /cases/{id} (consumer)', {
    method: 'GET',
    path: `/cases/${buyerCase}`,
    caseToken: 'CASE_TOKEN',
    show: [...BRIEF, 'sla'],
  });
  const page = await call('GET /cases (agent)', {
    method: 'GET',
    path: '/cases?status=new&limit=1',
    bearer: 'AGENT',
    show: ['id', 'number', 'status', 'sla'],
  });
  if (typeof page.cursor === 'string') remember('CURSOR', page.cursor);
  await call('GET /cases, next page', {
    method: 'GET',
    path: `/cases?status=new&limit=1&cursor=${typeof page.cursor === 'string' ? encodeURIComponent(page.cursor) : ''}`,
    bearer: 'AGENT',
    show: ['id', 'number', 'status'],
  });

  await advance('PT5M');
  const assigned = await call('PUT /cases/{id}/assignee', {
    method: 'PUT',
    path: `/cases/${id}/assignee`,
    bearer: 'AGENT',
    body: { agent: 'alice@support.example' },
    show: [...BRIEF, 'assignee'],
  });
  await call('PUT /cases/{id}/severity', {
    method: 'PUT',
    path: `/cases/${id}/severity`,
    bearer: 'AGENT',
    headers: { 'if-match': `"${String(assigned.version)}"` },
    body: { level: 1, reason: 'several live stores lose orders' },
    show: [...BRIEF, 'severity', 'sla'],
  });

  await advance('PT20M');
  await call('POST /cases/{id}/messages (agent)', {
    method: 'POST',
    path: `/cases/${id}/messages`,
    bearer: 'AGENT',
    body: { body: 'We are looking into it; retries are queued on our side.' },
    show: ['case.id', 'case.status', 'case.version', 'case.sla'],
  });
  await call('POST /cases/{id}/messages (internal note)', {
    method: 'POST',
    path: `/cases/${id}/messages`,
    bearer: 'AGENT',
    body: { body: 'Looks like the TLS change on the webhook workers.', internal: true },
    show: ['case.id', 'case.version'],
  });
  await advance('PT10M');
  await call('POST /cases/{id}/messages (seller)', {
    method: 'POST',
    path: `/cases/${id}/messages`,
    bearer: 'SELLER',
    body: { body: 'Thanks. Still failing here.' },
    show: ['case.id', 'case.version'],
  });
  await call('GET /cases/{id}/events (seller: public events only)', {
    method: 'GET',
    path: `/cases/${id}/events?limit=3`,
    bearer: 'SELLER',
  });

  await advance('PT1H');
  await call('POST /cases/{id}/status with a stale If-Match', {
    method: 'POST',
    path: `/cases/${id}/status`,
    bearer: 'AGENT',
    headers: { 'if-match': '"3"' },
    body: { status: 'working' },
  });
  const fresh = await call('GET /cases/{id} (agent)', {
    method: 'GET',
    path: `/cases/${id}`,
    bearer: 'AGENT',
    show: [...BRIEF],
  });
  await call('POST /cases/{id}/status', {
    method: 'POST',
    path: `/cases/${id}/status`,
    bearer: 'AGENT',
    headers: { 'if-match': `"${String(fresh.version)}"` },
    body: { status: 'working', note: 'Reproduced; a fix is being deployed.', public: true },
    show: [...BRIEF, 'sla'],
  });
  await call('POST /cases/{id}/workaround', {
    method: 'POST',
    path: `/cases/${id}/workaround`,
    bearer: 'AGENT',
    body: { note: 'Replay missed webhooks from the dashboard.' },
    show: [...BRIEF, 'sla'],
  });
  await call('POST /cases/{id}/escalations', {
    method: 'POST',
    path: `/cases/${id}/escalations`,
    bearer: 'SELLER',
    body: { reason: 'Black Friday orders are at stake.' },
    show: [...BRIEF],
  });
  const upload = await call('POST /cases/{id}/attachments', {
    method: 'POST',
    path: `/cases/${id}/attachments`,
    bearer: 'SELLER',
    body: { fileName: 'webhook-log.txt', contentType: 'text/plain', size: 12 },
  });
  if (typeof upload.uploadUrl === 'string') {
    remember('UPLOAD_URL', upload.uploadUrl);
    const put = await fetch(upload.uploadUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: 'hello world\n',
    });
    console.log(
      `\n#### PUT the file\n\n\`\`\`sh\ncurl -s -X PUT "$UPLOAD_URL" -H 'content-type: text/plain' --data-binary @webhook-log.txt\n\`\`\`\n\n\`\`\`\n${put.status} ${put.statusText}\n${await put.text()}\n\`\`\``,
    );
  }
  if (typeof upload.attachmentId === 'string') {
    remember('ATTACHMENT', upload.attachmentId);
    const download = await call('GET /cases/{id}/attachments/{attachmentId}', {
      method: 'GET',
      path: `/cases/${id}/attachments/${upload.attachmentId}`,
      bearer: 'AGENT',
    });
    if (typeof download.url === 'string') {
      remember('DOWNLOAD_URL', download.url);
      const file = await fetch(download.url);
      const headers = ['content-type', 'content-disposition']
        .map((name) => `${name}: ${file.headers.get(name)}`)
        .join('\n');
      console.log(
        `\n#### GET the file\n\n\`\`\`sh\ncurl -s -D - "$DOWNLOAD_URL"\n\`\`\`\n\n\`\`\`\n${file.status} ${file.statusText}\n${headers}\n\n${await file.text()}\`\`\``,
      );
    }
  }

  // Errors.
  await call('400', {
    method: 'POST',
    path: '/cases',
    body: { type: 'consumer', subject: 'Refund?', description: '', email: 'not-an-email' },
  });
  await call('401', { method: 'GET', path: `/cases/${id}` });
  await call('404 (not yours)', { method: 'GET', path: `/cases/${id}`, bearer: 'OTHER_SELLER' });
  await call('403', {
    method: 'PUT',
    path: `/cases/${id}/severity`,
    bearer: 'SELLER',
    body: { level: 0, reason: 'urgent' },
  });

  // Pending closure; a consumer closes; the survey; a message on a closed case.
  await advance('PT1H');
  await call('POST /cases/{id}/status (pending_closure)', {
    method: 'POST',
    path: `/cases/${id}/status`,
    bearer: 'AGENT',
    body: { status: 'pending_closure', note: 'Fixed at 12:40; please confirm.', public: true },
    show: [...BRIEF, 'sla'],
  });
  await call('POST /cases/{id}/status (consumer closes)', {
    method: 'POST',
    path: `/cases/${buyerCase}/status`,
    caseToken: 'CASE_TOKEN',
    body: { status: 'closed', note: 'Refund arrived, thanks.' },
    show: [...BRIEF],
  });
  await call('409', {
    method: 'POST',
    path: `/cases/${buyerCase}/escalations`,
    caseToken: 'CASE_TOKEN',
    body: { reason: 'still unhappy' },
  });
  const followUp = await call('POST /cases/{id}/messages on a closed case', {
    method: 'POST',
    path: `/cases/${buyerCase}/messages`,
    caseToken: 'CASE_TOKEN',
    body: { body: 'It happened again this month.' },
    show: ['message', 'case.id', 'case.number', 'case.status', 'case.relatedCaseId', 'caseToken', 'notice'],
  });
  if (followUp.caseToken) remember('NEW_CASE_TOKEN', String(followUp.caseToken));

  const survey = (await sesMails()).find(
    (m) => m.destination.to.includes('buyer@example.com') && m.subject.includes('How did we do'),
  );
  await printMail(survey);
  const token = /\/surveys\/([\w.-]+)/.exec(survey?.body.text ?? '')?.[1];
  if (token) {
    remember('SURVEY_TOKEN', token);
    await call('GET /surveys/{token}', { method: 'GET', path: `/surveys/${token}` });
    const answer = { ratings: { overall: 5, timeliness: 4, friendliness: 5 }, comment: 'Quick and kind.' };
    await call('POST /surveys/{token}', { method: 'POST', path: `/surveys/${token}`, body: answer });
    await call('POST /surveys/{token} again', { method: 'POST', path: `/surveys/${token}`, body: answer });
  }

  // Mail in.
  const inbound = (title: string, headers: Record<string, string>, text: string) =>
    call(title, {
      method: 'POST',
      path: '/_local/inbound',
      headers: { 'content-type': 'message/rfc822' },
      mail: rawMail(headers, text),
    });
  const first = await inbound(
    'mail: a new case, fields missing',
    {
      From: 'Pat Buyer <pat@example.net>',
      To: 'support@mail.casewatch.localhost',
      Subject: 'Refund for a double charge',
    },
    'Hello, I was charged twice this month. Please refund one of the charges.',
  );
  const results = first.results as { caseId: string; caseNumber: string }[] | undefined;
  const patCase = results?.[0];
  if (patCase) {
    remember('PAT_CASE', patCase.caseId);
    const ack = (await sesMails()).find((m) => m.destination.to.includes('pat@example.net'));
    await printMail(ack);
    const replyTo = ack?.replyTo?.[0] ?? '';
    await inbound(
      'mail: the reply threads onto its case',
      {
        From: 'pat@example.net',
        To: replyTo,
        Subject: `Re: [${patCase.caseNumber}] We received your case: Refund for a double charge`,
        'In-Reply-To': `<case.${patCase.caseId}@mail.casewatch.localhost>`,
        References: `<case.${patCase.caseId}@mail.casewatch.localhost>`,
      },
      'The order number is FS-98765 and my statement says FSPRG*ACME.\n\n> Thank you for contacting casewatch support.',
    );
    await inbound(
      'mail: same tag, someone else',
      {
        From: 'eve@example.org',
        To: 'support@mail.casewatch.localhost',
        Subject: `[${patCase.caseNumber}] close this case`,
      },
      'Please close it.',
    );
  }
  await inbound(
    'mail: SPF failed',
    {
      From: 'billing@paypa1.example',
      To: 'support@mail.casewatch.localhost',
      Subject: 'Your account',
      'Authentication-Results': 'amazonses.com; spf=fail smtp.mailfrom=paypa1.example; dkim=none; dmarc=fail',
    },
    'Verify your account.',
  );
  await inbound(
    'mail: an auto-reply',
    {
      From: 'pat@example.net',
      To: 'support@mail.casewatch.localhost',
      Subject: 'Out of office',
      'Auto-Submitted': 'auto-replied',
    },
    'I am away until Monday.',
  );
  await call('GET /_local/mail/archive', { method: 'GET', path: '/_local/mail/archive' });

  // Five days on: the pending case closes by itself and its survey goes out.
  await call('POST /_local/clock', { method: 'POST', path: '/_local/clock', body: { advance: 'P5D' } });
  await call('GET /cases/{id} after auto-close', {
    method: 'GET',
    path: `/cases/${id}`,
    bearer: 'SELLER',
    show: [...BRIEF, 'survey', 'sla'],
  });

  console.log('\n#### SES inbox\n');
  const inbox = await sesMails();
  for (const m of inbox) console.log(`- ${m.destination.to.join(', ')}: ${m.subject}`);
  for (const m of inbox) if (m.destination.to.includes('dana@acme.example')) await printMail(m);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
