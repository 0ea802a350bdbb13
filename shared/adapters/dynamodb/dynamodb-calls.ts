import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

/*
 * The DynamoDB call patterns every adapter here shares: a failed condition is an outcome, not an error;
 * a transaction cancelled only by a concurrent one is retried; a table is created once and then kept.
 */

/** The cancellation reason of a transaction item whose condition did not hold. */
export const CONDITIONAL_CHECK_FAILED = 'ConditionalCheckFailed';

/** A single-item write whose condition did not hold. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** The codes of a cancelled transaction, in the order of its actions; null for any other error. */
function cancellationReasons(error: unknown): (string | undefined)[] | null {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return null;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  if (reasons && reasons.length > 0) return reasons.map((r) => r.Code);
  // Some emulators only put the reasons in the message: "... [ConditionalCheckFailed, None]".
  const listed = /\[([^\]]*)\]\s*$/.exec(error.message)?.[1];
  return listed ? listed.split(',').map((r) => r.trim()) : [];
}

/** DynamoDB's cap on the actions of one transaction. */
const MAX_TRANSACT_ITEMS = 100;
/**
 * A transaction cancelled only by a concurrent transaction on the same items (nothing was written) is
 * tried this often, after a full-jitter backoff that doubles from 20 ms up to a cap. Status changes all
 * meet on a few backlog counters, so a burst makes these conflicts routine, not exceptional.
 */
const MAX_CONFLICT_ATTEMPTS = 10;
const CONFLICT_BACKOFF_MS = 20;
const MAX_CONFLICT_BACKOFF_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a transaction; a cancellation caused only by a concurrent transaction on the same items is
 * retried with jittered backoff. Answers the cancellation reasons when a condition failed, so the
 * caller can tell which item refused; any other failure is thrown.
 */
export async function transactWrite(
  client: { send(command: TransactWriteCommand): Promise<unknown> },
  items: NonNullable<TransactWriteCommandInput['TransactItems']>,
): Promise<{ ok: true } | { ok: false; reasons: (string | undefined)[] }> {
  if (items.length > MAX_TRANSACT_ITEMS) {
    throw new RangeError(`one change may write at most ${MAX_TRANSACT_ITEMS} items, got ${items.length}`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items }));
      return { ok: true };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons === null) throw error;
      if (reasons.includes(CONDITIONAL_CHECK_FAILED)) return { ok: false, reasons };
      if (reasons.includes('TransactionConflict') && attempt < MAX_CONFLICT_ATTEMPTS) {
        await sleep(Math.random() * Math.min(MAX_CONFLICT_BACKOFF_MS, CONFLICT_BACKOFF_MS * 2 ** attempt));
        continue;
      }
      throw error;
    }
  }
}

/**
 * Creates a table unless it is there already (a data dir keeps tables across restarts), and waits
 * until it is usable either way.
 */
export async function ensureTable(
  client: DynamoDBClient,
  input: CreateTableCommandInput,
): Promise<'created' | 'existing'> {
  let outcome: 'created' | 'existing' = 'created';
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
    outcome = 'existing';
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: input.TableName });
  return outcome;
}
