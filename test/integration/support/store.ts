import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { afterAll, beforeAll, inject } from 'vitest';
import { createTable, LOCAL_CLIENT_CONFIG } from '../../../local/dynamodb-local.ts';
import { createCaseStore, createDocumentClient } from '../../../shared/adapters/dynamodb/case-store.ts';
import { type Case, caseNumberFrom, newCase, type OpenCaseInput } from '../../../shared/domain/case.ts';
import { type Instant, toInstant } from '../../../shared/domain/instant.ts';
import { SEVERITY_LABELS, type SeverityLevel } from '../../../shared/domain/severity.ts';
import { recordPublicUpdate, recordSeverityChange, recordStatusChange } from '../../../shared/domain/sla.ts';
import { createSlaPolicy } from '../../../shared/domain/sla-policy.ts';
import type { CaseStatus } from '../../../shared/domain/status.ts';
import type { TimelineEvent, TimelineEventBody } from '../../../shared/domain/timeline.ts';
import type { CaseStore } from '../../../shared/ports/case-store.ts';

export const policy = createSlaPolicy();
export const CURSOR_KEY = 'integration-test-cursor-key-0123456789';
export const ulid = monotonicFactory();

export interface TestTable {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
  store: CaseStore;
  drop(): Promise<void>;
}

/** A fresh, uniquely named table on the run's DynamoDB Local, and a store over it. */
export async function createTestTable(prefix: string): Promise<TestTable> {
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: inject('dynamodbEndpoint') });
  const doc = createDocumentClient(client);
  const tableName = `${prefix}-${ulid().toLowerCase()}`;
  await createTable(client, tableName);
  const store = createCaseStore({ client: doc, tableName, policy, cursorKey: CURSOR_KEY });
  return {
    client,
    doc,
    tableName,
    store,
    async drop() {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}

/**
 * A fresh table for the enclosing suite (file or describe): created before its tests, dropped after
 * them. `ready` is handed the table inside the same `beforeAll`, to keep it and to build what the
 * tests need over it.
 */
export function useTestTable(prefix: string, ready: (table: TestTable) => void | Promise<void>): void {
  let table: TestTable | undefined;
  beforeAll(async () => {
    table = await createTestTable(prefix);
    await ready(table);
  });
  afterAll(async () => {
    await table?.drop();
  });
}

let numbers = 0;
/** Unique for the whole run (30 bits of a counter), and a valid `CW-XXXXXX`. */
export function nextCaseNumber(): string {
  const n = ++numbers << 2;
  return caseNumberFrom(new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]));
}

export const BASE = Date.parse('2026-03-02T09:00:00.000Z');
export const at = (minutes: number): Instant => toInstant(BASE + minutes * 60_000);

export interface CaseSpec {
  type?: 'seller' | 'consumer';
  sellerId?: string;
  email?: string;
  openedAt?: Instant;
  level?: SeverityLevel;
  /** A public agent reply (meets the first response, starts the update window) this many minutes after opening. */
  repliedAfterMinutes?: number | null;
  status?: CaseStatus;
  assignee?: string | null;
}

/**
 * A case as the domain would have made it: opened with `newCase`, given a level by an agent, maybe
 * answered, then moved to `status` — every SLA fact through the domain's own functions.
 */
export function buildCase(spec: CaseSpec = {}): Case {
  const type = spec.type ?? 'seller';
  const openedAt = spec.openedAt ?? at(0);
  const input: OpenCaseInput =
    type === 'seller'
      ? { type, subject: 'Payouts missing', description: 'The payout of last week did not arrive.' }
      : {
          type,
          subject: 'Charged twice',
          description: 'I see two charges on my card.',
          email: spec.email ?? 'buyer@example.com',
          orderNumber: 'FS-123',
          billingDescriptor: 'FSPRG*ACME',
        };
  let c = newCase(input, {
    id: ulid(),
    number: nextCaseNumber(),
    channel: 'api',
    openedAt,
    requester: { email: 'seller@example.com', sellerId: spec.sellerId ?? 'seller-1' },
  });
  const level = spec.level ?? c.severity.level;
  c = {
    ...c,
    severity: { ...c.severity, level, label: SEVERITY_LABELS[level], source: 'agent' },
    sla: recordSeverityChange(c.sla, level),
    assignee: spec.assignee ?? null,
  };
  let status: CaseStatus = 'new';
  let updatedAt = openedAt;
  if (spec.repliedAfterMinutes != null) {
    updatedAt = toInstant(Date.parse(openedAt) + spec.repliedAfterMinutes * 60_000);
    status = 'working';
    c = { ...c, status, sla: recordPublicUpdate(c.sla, updatedAt, status, policy) };
  }
  const target = spec.status ?? status;
  if (target !== status) {
    updatedAt = toInstant(Date.parse(updatedAt) + 60_000);
    c = { ...c, status: target, sla: recordStatusChange(c.sla, status, target, updatedAt) };
  }
  return { ...c, updatedAt };
}

export function event(c: Case, body: TimelineEventBody, id = ulid()): TimelineEvent {
  return {
    ...body,
    id,
    caseId: c.id,
    at: c.updatedAt,
    actor: { role: 'agent', id: 'alice@support.example' },
  } as TimelineEvent;
}

export const opened = (c: Case): TimelineEvent => event(c, { type: 'case.opened', channel: 'api' });

/** Follows cursors to the end, checking each page's size on the way. */
export async function readAll<T>(
  read: (cursor: string | undefined) => Promise<{ items: T[]; cursor: string | null }>,
  limit: number,
  maxPages = 1_000,
): Promise<{ items: T[]; pages: T[][] }> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await read(cursor);
    if (page.items.length > limit) throw new Error(`a page of ${page.items.length} items for limit ${limit}`);
    pages.push(page.items);
    if (page.cursor === null) return { items: pages.flat(), pages };
    cursor = page.cursor;
  }
  throw new Error(`no last page after ${maxPages} pages`);
}
