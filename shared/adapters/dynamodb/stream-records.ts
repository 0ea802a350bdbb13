import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { StoredChange } from '../../ports/stored-change.ts';
import { caseFromItem, counterFromItem, ENTITY_ATTRIBUTE, eventFromItem, type Item } from './case-items.ts';

function image(raw: Record<string, unknown> | undefined): Item | null {
  return raw ? unmarshall(raw as Record<string, AttributeValue>) : null;
}

/**
 * A table stream record as a domain change: case before/after, a new timeline event, a backlog counter's
 * new value, or nothing of ours.
 */
export function changeFromStreamRecord(record: DynamoDBRecord): StoredChange {
  const before = image(record.dynamodb?.OldImage);
  const after = image(record.dynamodb?.NewImage);
  const entity = (after ?? before)?.[ENTITY_ATTRIBUTE];
  if (entity === 'case') {
    return {
      kind: 'case',
      before: before ? caseFromItem(before) : null,
      after: after ? caseFromItem(after) : null,
    };
  }
  if (entity === 'event' && record.eventName === 'INSERT' && after)
    return { kind: 'event', event: eventFromItem(after) };
  // Every committed change of a counter (the first one inserts it) carries its exact new value.
  if (entity === 'counter' && (record.eventName === 'INSERT' || record.eventName === 'MODIFY') && after)
    return { kind: 'counter', ...counterFromItem(after) };
  return { kind: 'other' };
}
