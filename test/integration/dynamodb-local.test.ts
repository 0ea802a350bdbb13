import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { LOOPBACK_MAIN_CLASS, loopbackJavaArgs, writeLoopbackClass } from '../../local/dynamodb-loopback.ts';

describe('the launcher class (dynamodb-loopback.ts)', () => {
  it("passes the JVM's verifier and hands bad arguments to DynamoDB Local's own parser", async () => {
    const classDir = await writeLoopbackClass();
    try {
      const run = await new Promise<{ code: number | null; output: string }>((ok) => {
        execFile(
          'java',
          loopbackJavaArgs(classDir, ['-no-such-option']),
          { timeout: 20_000 },
          (e, out, err) =>
            ok({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, output: `${out}\n${err}` }),
        );
      });
      // A malformed class would stop the JVM before main ran: VerifyError, ClassFormatError, …
      expect(run.output).not.toMatch(/VerifyError|ClassFormatError|LinkageError|ClassNotFound|NoSuch/);
      expect(run.code).toBe(1);
      // main ran and got as far as DynamoDB Local's command-line parser, which printed its usage.
      expect(run.output).toContain('Unrecognized option: -no-such-option');
      expect(run.output).toContain(
        'usage: java -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar',
      );
      expect(run.output).toContain(`at ${LOOPBACK_MAIN_CLASS}.main`);
    } finally {
      await rm(classDir, { recursive: true, force: true });
    }
  });
});
