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
  // Read the kind first, from the raw image: items nothing reacts to (webhooks, ledgers, figures) are
  // never converted, so one the converter cannot read (DynamoDB Local's stream, read through the SDK,
  // turns an empty map into `{}`) cannot hold up the stream.
  const raw = (record.dynamodb?.NewImage ?? record.dynamodb?.OldImage) as
    | Record<string, { S?: string }>
    | undefined;
  const entity = raw?.[ENTITY_ATTRIBUTE]?.S;
  if (entity !== 'case' && entity !== 'event' && entity !== 'counter') return { kind: 'other' };
  const before = image(record.dynamodb?.OldImage);
  const after = image(record.dynamodb?.NewImage);
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
