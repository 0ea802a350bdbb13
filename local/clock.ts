import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { parseInstant } from '../shared/domain/instant.ts';
import type { Clock } from '../shared/ports/clock.ts';
import { runtimeKeys } from './runtime-table.ts';

/** A clock the local runtime moves by hand (`CASEWATCH_CLOCK=manual`); it never moves by itself. */
export class ManualClock implements Clock {
  #now: number;

  public constructor(start: Date) {
    this.#now = start.getTime();
  }

  public now(): Date {
    return new Date(this.#now);
  }

  public set(at: Date): void {
    this.#now = at.getTime();
  }

  public advance(ms: number): void {
    this.#now += ms;
  }
}

const DURATION = /^P(?!$)(?:(\d+)W)?(?:(\d+)D)?(?:T(?!$)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * An ISO 8601 duration in exact units (weeks, days, hours, minutes, seconds) as milliseconds; null for
 * anything else. Years and months are refused: their length depends on where they start.
 */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text);
  if (!m) return null;
  const [, w, d, h, min, s] = m.map((part) => (part === undefined ? 0 : Number(part)));
  return (
    ((((w as number) * 7 + (d as number)) * 24 + (h as number)) * 60 + (min as number)) * 60_000 +
    (s as number) * 1000
  );
}

/**
 * Where the manual clock's last instant is kept with a data dir (the local runtime's own table), so a
 * restart resumes from it.
 */
export function createSavedClock({
  documents,
  tableName,
}: {
  documents: DynamoDBDocumentClient;
  tableName: string;
}) {
  return {
    async load(): Promise<Date | null> {
      const out = await documents.send(
        new GetCommand({ TableName: tableName, Key: runtimeKeys.clock(), ConsistentRead: true }),
      );
      const at = typeof out.Item?.at === 'string' ? parseInstant(out.Item.at) : null;
      return at === null ? null : new Date(at);
    },
    async save(at: Date): Promise<void> {
      await documents.send(
        new PutCommand({ TableName: tableName, Item: { ...runtimeKeys.clock(), at: at.toISOString() } }),
      );
    },
  };
}
