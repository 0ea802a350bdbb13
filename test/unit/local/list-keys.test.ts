import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keepListKeysCurrent } from '../../../local/runtime-table.ts';

/** A runtime table of one item: the stored list-key version, if any. */
function runtimeTable(stored: number | undefined) {
  let version = stored;
  const documents = {
    send: async (command: unknown) => {
      if (command instanceof GetCommand) return { Item: version === undefined ? undefined : { version } };
      if (command instanceof PutCommand) {
        version = command.input.Item?.version as number;
        return {};
      }
      throw new Error('unexpected command');
    },
  };
  return { documents: documents as never, stored: () => version };
}

const run = async (table: 'created' | 'existing' | 'upgraded', stored: number | undefined) => {
  const t = runtimeTable(stored);
  let reindexed = 0;
  await keepListKeysCurrent({
    documents: t.documents,
    runtimeTable: 'casewatch-local-runtime',
    table,
    current: 2,
    reindex: async () => reindexed++,
  });
  return { reindexed, stored: t.stored() };
};

describe('a data dir keeps its list keys current', () => {
  it('a new table is keyed as this version keys it: no reindex, the version kept', async () => {
    expect(await run('created', undefined)).toEqual({ reindexed: 0, stored: 2 });
  });

  it('a folder keyed by an older version, or from before versions were kept, is reindexed once', async () => {
    expect(await run('existing', 1)).toEqual({ reindexed: 1, stored: 2 });
    expect(await run('existing', undefined)).toEqual({ reindexed: 1, stored: 2 });
  });

  it('a current folder is left alone; a new index reindexes whatever the version', async () => {
    expect(await run('existing', 2)).toEqual({ reindexed: 0, stored: 2 });
    expect(await run('upgraded', 2)).toEqual({ reindexed: 1, stored: 2 });
  });
});
