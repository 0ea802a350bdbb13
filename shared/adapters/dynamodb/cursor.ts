import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { InvalidCursorError } from '../../ports/case-store.ts';

/*
 * Cursors are opaque to clients but carry the reader's position in every partition of a query, so a
 * client must not be able to edit one into another query's partitions or into a key DynamoDB refuses.
 */

/** Where a cursor left a partition: not started (null), after this sort key, or read to the end. */
export type Position = string | null | false;

/** A partition read to its end: no further Query for it on later pages. */
export const EXHAUSTED = false;

/** The most partitions one cursor carries; a plan with more could issue cursors it then refuses. */
export const MAX_CURSOR_PARTITIONS = 64;

/** The length of a fingerprint: 132 bits of SHA-256, enough to never confuse two queries. */
const FINGERPRINT_CHARS = 22;

/** What a cursor is bound to: a cursor of any other query, or with positions of another shape, is refused. */
export interface CursorScope {
  /** A digest of the query (`queryFingerprint`). */
  fingerprint: string;
  /** Only their number matters here; which partitions they are always comes from the query. */
  partitions: readonly string[];
  /** What a position inside one of the partitions (a sort key value) may look like. */
  position: RegExp;
}

/** Ties a cursor to the query that issued it, without putting the query (or a client's email) into it. */
export function queryFingerprint(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, FINGERPRINT_CHARS);
}

const CursorSchema = z.strictObject({
  v: z.literal(1),
  q: z.string().regex(new RegExp(`^[\\w-]{${FINGERPRINT_CHARS}}$`)),
  p: z
    .array(z.union([z.string().min(1).max(512), z.null(), z.literal(EXHAUSTED)]))
    .max(MAX_CURSOR_PARTITIONS),
});

/** Turns per-partition positions into a cursor and back, refusing what this codec did not issue. */
export interface CursorCodec {
  /** Null when every partition is exhausted: the last page has no cursor. */
  encode(scope: CursorScope, positions: Position[]): string | null;
  /** No cursor starts every partition from the beginning. */
  decode(scope: CursorScope, cursor: string | undefined): Position[];
}

/**
 * Signs with HMAC-SHA256 when given a key (at least 16 bytes), so a client can neither forge nor edit a
 * cursor; without one, cursors are still strictly validated and bound to their query, just not signed.
 */
export function createCursorCodec(cursorKey: Uint8Array | string | undefined): CursorCodec {
  const key =
    cursorKey === undefined
      ? null
      : typeof cursorKey === 'string'
        ? Buffer.from(cursorKey, 'utf8')
        : Buffer.from(cursorKey);
  if (key !== null && key.length < 16) throw new RangeError('a cursor key needs at least 16 bytes');

  const sign = (payload: string): string =>
    createHmac('sha256', key as Buffer)
      .update(payload)
      .digest()
      .subarray(0, 16)
      .toString('base64url');

  return {
    encode(scope, positions) {
      if (positions.every((p) => p === EXHAUSTED)) return null;
      const payload = Buffer.from(JSON.stringify({ v: 1, q: scope.fingerprint, p: positions })).toString(
        'base64url',
      );
      return key === null ? payload : `${payload}.${sign(payload)}`;
    },

    // Everything is checked here, before DynamoDB sees any of it.
    decode(scope, cursor) {
      if (cursor === undefined) return scope.partitions.map(() => null);
      if (typeof cursor !== 'string' || cursor.length > 16_384) throw new InvalidCursorError();
      const [payload, signature, ...rest] = cursor.split('.');
      if (payload === undefined || !/^[\w-]+$/.test(payload) || rest.length > 0)
        throw new InvalidCursorError();
      if (key !== null) {
        const expected = Buffer.from(sign(payload));
        const given = Buffer.from(signature ?? '');
        if (given.length !== expected.length || !timingSafeEqual(given, expected))
          throw new InvalidCursorError();
      } else if (signature !== undefined) {
        throw new InvalidCursorError();
      }
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        throw new InvalidCursorError();
      }
      const parsed = CursorSchema.safeParse(decoded);
      if (!parsed.success) throw new InvalidCursorError();
      const { q, p } = parsed.data;
      if (q !== scope.fingerprint || p.length !== scope.partitions.length)
        throw new InvalidCursorError(
          'the cursor belongs to another list: follow it with the filters that made it, or start again without one',
        );
      if (p.some((position) => typeof position === 'string' && !scope.position.test(position))) {
        throw new InvalidCursorError();
      }
      return p;
    },
  };
}
