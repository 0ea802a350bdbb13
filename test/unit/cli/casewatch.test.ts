import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/casewatch.ts';
import { previewDeadlines } from '../../../shared/domain/deadline-preview.ts';
import { toInstant } from '../../../shared/domain/instant.ts';
import type { SeverityLevel } from '../../../shared/domain/severity.ts';
import { createSlaPolicy } from '../../../shared/domain/sla-policy.ts';

const policy = createSlaPolicy();
const bin = fileURLToPath(new URL('../../../bin/casewatch.mjs', import.meta.url));

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

describe('casewatch deadlines', () => {
  it.each([
    [0, { firstResponseDueAt: '2026-11-25T17:00:00.000Z', nextUpdateDueAt: '2026-11-26T04:00:00.000Z' }],
    [1, { firstResponseDueAt: '2026-11-25T20:00:00.000Z', nextUpdateDueAt: '2026-11-26T01:00:00.000Z' }],
    [2, { firstResponseDueAt: '2026-11-26T04:00:00.000Z', nextUpdateDueAt: '2026-12-03T01:00:00.000Z' }],
    [3, { firstResponseDueAt: '2026-11-26T16:00:00.000Z', nextUpdateDueAt: '2026-12-24T01:00:00.000Z' }],
  ])(
    'level %i from 08:00 PST the Wednesday before Thanksgiving (counts from 09:00, skips Thursday)',
    (level, expected) => {
      const r = run('deadlines', '--level', String(level), '--from', '2026-11-25T08:00:00-08:00', '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ ...expected, autoCloseAt: '2026-11-30T16:00:00.000Z' });
    },
  );

  it('answers an array, in order, for repeated --from, each entry naming its --from', () => {
    const r = run(
      'deadlines',
      '--level',
      '2',
      '--from',
      '2026-12-01T10:00:00Z',
      '--from',
      '2026-01-01T00:00:00Z',
      '--json',
    );
    const answers = JSON.parse(r.stdout);
    expect(answers).toHaveLength(2);
    expect(answers[0]).toMatchObject({
      from: '2026-12-01T10:00:00.000Z',
      firstResponseDueAt: '2026-12-01T22:00:00.000Z',
    });
    expect(answers[1]).toMatchObject({
      from: '2026-01-01T00:00:00.000Z',
      firstResponseDueAt: '2026-01-01T12:00:00.000Z',
    });
  });

  it('prints a readable summary with Pacific times without --json', () => {
    const r = run('deadlines', '--level', '1', '--from', '2026-11-25T08:00:00-08:00');
    expect(r.stdout).toContain('level 1 (High) from 2026-11-25T16:00:00.000Z');
    expect(r.stdout).toMatch(/next update due\s+2026-11-26T01:00:00.000Z\s+\(Wed, Nov 25, 2026, 17:00 PST\)/);
  });

  it.each([
    [['deadlines', '--from', '2026-12-01T10:00:00Z'], /--level is required/],
    [['deadlines', '--level', '4', '--from', '2026-12-01T10:00:00Z'], /--level must be 0, 1, 2 or 3/],
    // A negative level is a bad level, not node:util's "ambiguous argument" and its own syntax.
    [
      ['deadlines', '--level', '-1', '--from', '2026-12-01T10:00:00Z'],
      /--level must be 0, 1, 2 or 3, not "-1"/,
    ],
    [['deadlines', '--level=-1', '--from', '2026-12-01T10:00:00Z'], /--level must be 0, 1, 2 or 3, not "-1"/],
    [['deadlines', '--level', '--from', '2026-12-01T10:00:00Z'], /--level needs a value/],
    // One level per run: a repeated --level is refused, not settled by the last one.
    [
      ['deadlines', '--level', '1', '--level', '2', '--from', '2026-12-01T10:00:00Z'],
      /--level is given 2 times \(1, 2\); give it once/,
    ],
    [['deadlines', '--level', '1'], /--from is required/],
    [['deadlines', '--level', '1', '--from', '2026-12-01 10:00'], /not an ISO 8601 instant/],
    [['deadlines', '--level', '1', '--from', '2026-12-01T10:00:00'], /not an ISO 8601 instant/],
    [['deadlines', '--level', '1', '--from', '2026-12-01T10:00:00Z', '--colour'], /Unknown option/],
    [['holidays'], /unknown command "holidays"/],
  ])('%j is a usage error (exit 2)', (argv, message) => {
    const r = run(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('the installed command gives the library answers for a random sample of instants and levels', async () => {
    const sample = fc.sample(
      fc.tuple(
        fc.constantFrom<SeverityLevel>(0, 1, 2, 3),
        fc.array(fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2031, 0, 1) }), {
          minLength: 2,
          maxLength: 12,
        }),
      ),
      4,
    );
    for (const [level, times] of sample) {
      const from = times.map((t) => toInstant(t));
      const { stdout } = await promisify(execFile)(process.execPath, [
        bin,
        'deadlines',
        '--level',
        String(level),
        ...from.flatMap((f) => ['--from', f]),
        '--json',
      ]);
      const expected = from.map((f) => previewDeadlines(level, f, policy));
      expect(JSON.parse(stdout)).toEqual(
        expected.length === 1 ? expected[0] : expected.map((p, i) => ({ from: from[i], ...p })),
      );
    }
  });
});
