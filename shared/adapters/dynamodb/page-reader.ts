import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError, type Page, type PageRequest } from '../../ports/case-store.ts';
import type { Item } from './case-items.ts';
import { type CursorCodec, type CursorScope, EXHAUSTED, type Position } from './cursor.ts';
import { type IndexDefinition, TABLE_KEYS } from './table-definition.ts';

/*
 * Knows how to read pages, not what to read: which index, partitions and filters a list uses is the
 * plan's business (`list-plans.ts`), so a new way of laying out a list changes plans, not this reader.
 */

const MAX_PAGE_LIMIT = 1000;
/** Query round trips per partition and page when a filter leaves pages short; bounds one request's cost. */
const MAX_ROUNDS_PER_PARTITION = 5;

/** An attribute (a path into maps) that must equal a value: what a plan's keys cannot express. */
export interface FilterCondition {
  path: string[];
  equals: unknown;
}

/**
 * How one list request reads the table: the index (null: the base table), its partitions (read in
 * parallel and merged by sort key), and the filters its keys cannot express. Partitions always come
 * from the plan, never from a cursor: a cursor only says how far into each partition the reader got.
 */
export interface ReadPlan extends CursorScope {
  index: IndexDefinition | null;
  sortKeyPrefix?: string | undefined;
  filter: FilterCondition[];
  /** The ExclusiveStartKey that resumes a partition after `position`. */
  startKey(partition: string, position: string): Item;
}

/** Reads pages of any plan, with cursors from one codec. */
export interface PageReader {
  read(plan: ReadPlan, page: PageRequest): Promise<Page<Item>>;
  /**
   * The empty page of a read that need not happen (null plan: nothing can match); the request is
   * still checked as a real read would check it, so a bad limit or cursor never passes unnoticed.
   */
  nothing(plan: ReadPlan | null, page: PageRequest): Page<never>;
}

/** A limit outside 1..1000 is a caller's bug, so it throws rather than being clamped. */
function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new RangeError(`a page limit must be an integer in 1..${MAX_PAGE_LIMIT}, got ${limit}`);
  }
}

type Expression = { expression: string; names: Record<string, string>; values: Record<string, unknown> };

/** Joined with AND, with placeholders that cannot collide with the key condition's. */
function filterExpression(conditions: FilterCondition[]): Expression | undefined {
  if (conditions.length === 0) return undefined;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = conditions.map(({ path, equals }, i) => {
    const expression = path
      .map((segment, j) => {
        names[`#f${i}_${j}`] = segment;
        return `#f${i}_${j}`;
      })
      .join('.');
    values[`:f${i}`] = equals;
    return `${expression} = :f${i}`;
  });
  return { expression: parts.join(' AND '), names, values };
}

/** The sort key a plan's pages are ordered and resumed by: the index's, or the table's. */
const sortKeyOf = (plan: ReadPlan): string => plan.index?.sortKey ?? TABLE_KEYS.sortKey;

/** One partition's Query, from the start: a round only adds its ExclusiveStartKey. */
function queryInput(tableName: string, plan: ReadPlan, partition: string, want: number): QueryCommandInput {
  const filter = filterExpression(plan.filter);
  const prefixed = plan.sortKeyPrefix !== undefined;
  return {
    TableName: tableName,
    IndexName: plan.index?.indexName,
    KeyConditionExpression: prefixed ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
    ExpressionAttributeNames: {
      '#pk': plan.index?.partitionKey ?? TABLE_KEYS.partitionKey,
      ...(prefixed ? { '#sk': sortKeyOf(plan) } : {}),
      ...filter?.names,
    },
    ExpressionAttributeValues: {
      ':pk': partition,
      ...(prefixed ? { ':prefix': plan.sortKeyPrefix } : {}),
      ...filter?.values,
    },
    FilterExpression: filter?.expression,
    ScanIndexForward: true,
    // Global secondary indexes cannot be read consistently; the base table (a timeline) is.
    ConsistentRead: plan.index === null,
    Limit: want,
  };
}

/** Pages of a plan read with `client` from `tableName`, their cursors made and checked by `cursors`. */
export function createPageReader({
  client,
  tableName,
  cursors,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
  cursors: CursorCodec;
}): PageReader {
  /**
   * Reads one partition from `position` until it holds `want` matching items, ends, or the round
   * budget is spent. `frontier` is the sort key up to which every matching item is in `items`
   * (null: the partition was read to its end).
   */
  async function readPartition(
    plan: ReadPlan,
    partition: string,
    position: string | null,
    want: number,
  ): Promise<{ items: Item[]; frontier: string | null }> {
    const input = queryInput(tableName, plan, partition, want);
    const items: Item[] = [];
    let startKey = position === null ? undefined : plan.startKey(partition, position);
    for (let round = 1; ; round++) {
      let out: QueryCommandOutput;
      try {
        out = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
      } catch (error) {
        // Validation above should make this unreachable; a start key DynamoDB refuses is still a bad cursor.
        if (
          startKey &&
          error instanceof Error &&
          error.name === 'ValidationException' &&
          /start/i.test(error.message)
        )
          throw new InvalidCursorError();
        throw error;
      }
      items.push(...(out.Items ?? []));
      const last = out.LastEvaluatedKey;
      if (!last) return { items, frontier: null };
      if (items.length >= want || round >= MAX_ROUNDS_PER_PARTITION) {
        return { items, frontier: last[sortKeyOf(plan)] as string };
      }
      startKey = last;
    }
  }

  return {
    /**
     * Each unfinished partition is read (in parallel) for up to `limit + 1` items after its position,
     * the heads are merged by sort key (k-way), and the cursor records, per partition, the key of the
     * last item consumed from it — or that it has been read to the end. The extra item per partition
     * tells "more follows" from "done", so the last page has a null cursor instead of being followed
     * by an empty one.
     */
    async read(plan, page) {
      checkLimit(page.limit);
      const positions = cursors.decode(plan, page.cursor);
      const skName = sortKeyOf(plan);
      const reads = await Promise.all(
        plan.partitions.map((partition, i) => {
          const position = positions[i] as Position;
          return position === EXHAUSTED
            ? { items: [], frontier: null }
            : readPartition(plan, partition, position, page.limit + 1);
        }),
      );
      // Nothing beyond the lowest frontier may be emitted: a partition stopped by its round budget may
      // still hold matching items up there.
      const bound = reads.reduce<string | null>(
        (min, r) => (r.frontier !== null && (min === null || r.frontier < min) ? r.frontier : min),
        null,
      );
      const consumed = reads.map(() => 0);
      const items: Item[] = [];
      while (items.length < page.limit) {
        let best = -1;
        let bestKey = '';
        reads.forEach((r, i) => {
          const head = r.items[consumed[i] as number];
          if (head === undefined) return;
          const sortKey = head[skName] as string;
          if (bound !== null && sortKey > bound) return;
          if (best === -1 || sortKey < bestKey) {
            best = i;
            bestKey = sortKey;
          }
        });
        if (best === -1) break;
        items.push((reads[best] as (typeof reads)[number]).items[consumed[best] as number] as Item);
        consumed[best] = (consumed[best] as number) + 1;
      }
      const next: Position[] = reads.map((r, i) => {
        const before = positions[i] as Position;
        if (before === EXHAUSTED) return EXHAUSTED;
        const taken = consumed[i] as number;
        // Every match up to the frontier was consumed: resume after it (or the partition is done).
        if (taken === r.items.length) return r.frontier ?? EXHAUSTED;
        return taken > 0 ? ((r.items[taken - 1] as Item)[skName] as string) : before;
      });
      return { items, cursor: cursors.encode(plan, next) };
    },

    nothing(plan, page) {
      checkLimit(page.limit);
      if (plan === null) {
        if (page.cursor !== undefined) throw new InvalidCursorError();
      } else {
        cursors.decode(plan, page.cursor);
      }
      return { items: [], cursor: null };
    },
  };
}
