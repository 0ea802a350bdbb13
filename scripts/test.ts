import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TIER_TIMES_FILE_ENV, type TierTime } from '../test/plain-summary-reporter.ts';

/**
 * `npm test`: the type check and lint run beside the test tiers (they finish long before the e2e
 * tier), then each tier's time is printed. Exits non-zero if anything failed.
 */
interface Step {
  name: string;
  code: number;
  ms: number;
  output: string;
}

function run(
  name: string,
  args: string[],
  options: { quiet: boolean; env?: NodeJS.ProcessEnv },
): Promise<Step> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, ...options.env },
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('close', (code) => resolve({ name, code: code ?? 1, ms: performance.now() - started, output }));
  });
}

const bin = (pkg: string) => join('node_modules', pkg);

/** The server code and the portal (web/, its own DOM/JSX settings) are checked one after the other. */
async function typecheckAll(): Promise<Step> {
  const server = await run('typecheck', [bin('typescript/bin/tsc'), '--noEmit'], { quiet: true });
  const portal = await run('typecheck', [bin('typescript/bin/tsc'), '--noEmit', '-p', 'web'], {
    quiet: true,
  });
  return {
    name: 'typecheck',
    code: server.code || portal.code,
    ms: server.ms + portal.ms,
    output: server.output + portal.output,
  };
}
const timesDir = mkdtempSync(join(tmpdir(), 'casewatch-test-'));
const timesFile = join(timesDir, 'tiers.json');
const started = performance.now();
try {
  const [typecheck, lint, vitest] = await Promise.all([
    typecheckAll(),
    run('lint', [bin('@biomejs/biome/bin/biome'), 'check', '.'], { quiet: true }),
    run('vitest', [bin('vitest/vitest.mjs'), 'run'], {
      quiet: false,
      env: { [TIER_TIMES_FILE_ENV]: timesFile },
    }),
  ]);
  for (const step of [typecheck, lint]) {
    if (step.code !== 0) console.log(`\n${step.name} failed:\n${step.output}`);
  }
  let tiers: TierTime[] = [];
  try {
    tiers = JSON.parse(readFileSync(timesFile, 'utf8')) as TierTime[];
  } catch {
    // vitest ended before its reporter wrote them.
  }
  const rows: [string, string, string][] = [
    ['typecheck', `${(typecheck.ms / 1000).toFixed(1)} s`, typecheck.code === 0 ? 'ok' : 'FAILED'],
    ['lint', `${(lint.ms / 1000).toFixed(1)} s`, lint.code === 0 ? 'ok' : 'FAILED'],
    ...tiers.map((t): [string, string, string] => [
      t.tier,
      `${(t.wallMs / 1000).toFixed(1)} s`,
      `${t.files} files`,
    ]),
    [
      'npm test',
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
      // The whole run: any part failing fails it.
      typecheck.code === 0 && lint.code === 0 && vitest.code === 0 ? 'ok' : 'FAILED',
    ],
  ];
  console.log('\ntier         time     ');
  for (const [name, time, note] of rows) console.log(`${name.padEnd(12)} ${time.padStart(8)}  ${note}`);
  process.exitCode = typecheck.code || lint.code || vitest.code;
} finally {
  rmSync(timesDir, { recursive: true, force: true });
}
