import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { buildCase, opened, type TestTable, useTestTable } from './support/store.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** `npm run reindex -- …` as a shell without any AWS settings runs it: no region, no credentials. */
function reindex(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/reindex.ts', ...args],
      { cwd: root, env, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** README, "Scripts": `npm run reindex -- <table>`, with `--endpoint` for DynamoDB Local. */
describe('the reindex script against DynamoDB Local', () => {
  let table: TestTable;
  useTestTable('reindex-script', async (t) => {
    table = t;
    const c = buildCase({ status: 'open' });
    await t.store.create(c, [opened(c)]);
  });

  it('needs no AWS region or credentials from the shell, and prints only its summary', async () => {
    const run = await reindex(table.tableName, '--endpoint', inject('dynamodbEndpoint'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(
      `${table.tableName}: 1 cases read, 0 given their index keys, 0 written meanwhile (already current)`,
    );
  });

  it('says in one line what went wrong, and exits 1', async () => {
    const run = await reindex('no-such-table', '--endpoint', inject('dynamodbEndpoint'));
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `reindex no-such-table at ${inject('dynamodbEndpoint')}: Cannot do operations on a non-existent table`,
    ]);
  });
});
