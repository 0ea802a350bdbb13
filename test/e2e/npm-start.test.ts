import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
let child: ChildProcess | undefined;
/** Every process a test started, by its command line, to kill should the test fail halfway. */
const started = new Map<number, string>();
const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
};
const remember = (pids: number[]) => {
  for (const pid of pids) started.set(pid, commandOf(pid) ?? '');
};

afterAll(() => {
  child?.kill('SIGKILL');
  for (const [pid, command] of started) {
    // Only if it is still that process: a pid that ended may have been given to another since.
    if (command !== '' && commandOf(pid) === command) process.kill(pid, 'SIGKILL');
  }
});

/** The environment `npm start` gets here: free ports, no data dir, metrics on (the parent turns them off). */
const startEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'POWERTOOLS_METRICS_DISABLED')),
  PORT: '0',
  DYNAMODB_PORT: '0',
  SES_PORT: '0',
  SMTP_PORT: '0',
  CASEWATCH_DATA_DIR: '',
};

/** Collects a child's output; `ready` resolves once it printed its URLs (or exited). */
function output(proc: ChildProcess): { text: () => string; ready: Promise<void> } {
  let out = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const ready = (async () => {
    const deadline = Date.now() + 90_000;
    while (!out.includes('Ctrl-C stops everything') && Date.now() < deadline && proc.exitCode === null) {
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return { text: () => out, ready };
}

/** Every process below `pid`, read from /proc (Linux). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name (in parentheses) may hold spaces; the parent pid is the second field after it.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const all: number[] = [];
  const visit = (p: number) => {
    for (const c of parents.get(p) ?? []) {
      all.push(c);
      visit(c);
    }
  };
  visit(pid);
  return all;
}

/** A process still running (a zombie, exited but not yet reaped, is not), by its command line. */
function running(pids: number[]): string[] {
  return pids.flatMap((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return [];
      return [`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').slice(0, 120)}`];
    } catch {
      return [];
    }
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('npm start (docs/local-runtime.md#what-npm-start-runs)', () => {
  it('prints its URLs and a curl that opens a case, and Ctrl-C stops every process', async () => {
    // The same script `npm start` runs, on free ports so it can run beside anything else.
    child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      cwd: root,
      env: startEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = output(child);
    await log.ready;
    // Should the test fail halfway, DynamoDB Local and the rest go too (afterAll).
    remember(descendants(child.pid as number));
    let out = log.text();
    expect(out).toContain('Ctrl-C stops everything');
    const api = /API\s+(http:\/\/localhost:\d+)/.exec(out)?.[1];
    const dynamoPort = Number(/DynamoDB Local\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
    expect(api).toBeDefined();
    const ses = /SES inbox\s+(http:\/\/localhost:\d+)/.exec(out)?.[1];
    expect(ses).toBeDefined();
    expect(/inbound SMTP\s+localhost:\d+/.test(out)).toBe(true);

    const curl = out.split('\n').find((line) => line.trim().startsWith(`curl -s -X POST ${api}/cases`));
    expect(curl).toBeDefined();
    const { stdout } = await promisify(execFile)('sh', ['-c', `${curl?.trim()} -w '\\n%{http_code}'`]);
    const [body, status] = [
      stdout.slice(0, stdout.lastIndexOf('\n')),
      stdout.slice(stdout.lastIndexOf('\n') + 1),
    ];
    expect(status).toBe('201');
    expect(JSON.parse(body)).toMatchObject({
      status: 'new',
      type: 'consumer',
      number: expect.stringMatching(/^CW-/),
    });
    expect(await portOpen(dynamoPort)).toBe(true);

    // The contract and its reference page, at the URLs it printed.
    expect(out).toContain(`contract ${api}/openapi.json, reference ${api}/docs`);
    const contract = await fetch(`${api}/openapi.json`);
    expect(contract.status).toBe(200);
    expect(((await contract.json()) as { openapi: string }).openapi).toBe('3.1.0');
    const reference = await fetch(`${api}/docs`);
    expect(reference.status).toBe(200);
    expect(await reference.text()).toContain('<redoc spec-url="openapi.json"');

    // The stream reaction runs by itself: the acknowledgment reaches the SES inbox, and the metric
    // appears as an EMF line in the runtime's log (docs/architecture.md#observability: metrics printed as EMF
    // lines).
    const until = Date.now() + 20_000;
    let inbox: { subject: string }[] = [];
    while (Date.now() < until && (inbox.length === 0 || !out.includes('"CaseOpened"'))) {
      await new Promise((r) => setTimeout(r, 250));
      inbox = ((await (await fetch(`${ses}/store`)).json()) as { emails: { subject: string }[] }).emails;
      out = log.text();
    }
    expect(inbox.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^\[CW-\w{6}\] We received your case/),
    ]);
    const emf = out.split('\n').find((line) => line.includes('"CaseOpened"'));
    expect(JSON.parse(emf ?? '{}')).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'casewatch', Metrics: [{ Name: 'CaseOpened' }] }] },
      channel: 'api',
      type: 'consumer',
    });

    // Logs are quiet (docs/local-runtime.md#ports-and-settings): a mail handled by the inbound function,
    // which logs it at INFO, leaves no line below WARN.
    const inbound = await fetch(`${api}/_local/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822' },
      body: 'From: pat@example.net\r\nTo: support@mail.casewatch.localhost\r\nSubject: Refund\r\n\r\nCharged twice.\r\n',
    });
    expect(inbound.status).toBe(200);
    out = log.text();
    const levels = [...out.matchAll(/"level":"([A-Z]+)"/g)].map((m) => m[1]);
    expect(levels.filter((level) => level !== 'WARN' && level !== 'ERROR' && level !== 'CRITICAL')).toEqual(
      [],
    );

    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await portOpen(dynamoPort)).toBe(false);
  }, 120_000);

  it('stops every process it started when npm itself gets SIGTERM (a process manager, `kill $!`)', async () => {
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: root,
      env: startEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    remember([npm.pid as number]);
    const log = output(npm);
    await log.ready;
    const out = log.text();
    expect(out).toContain('Ctrl-C stops everything');
    const ports = [
      /API\s+http:\/\/localhost:(\d+)/,
      /DynamoDB Local\s+http:\/\/127\.0\.0\.1:(\d+)/,
      /SES inbox\s+http:\/\/localhost:(\d+)/,
      /inbound SMTP\s+localhost:(\d+)/,
    ].map((pattern) => Number(pattern.exec(out)?.[1]));
    for (const port of ports) expect(await portOpen(port), String(port)).toBe(true);
    const below = descendants(npm.pid as number);
    remember(below);
    // node (tsx), node (the runtime), java (DynamoDB Local), esbuild: npm's own process is not all.
    expect(below.length).toBeGreaterThanOrEqual(3);

    const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
    npm.kill('SIGTERM');
    await exited;
    const until = Date.now() + 15_000;
    while (Date.now() < until && running(below).length > 0) await new Promise((r) => setTimeout(r, 200));
    expect(running(below)).toEqual([]);
    for (const port of ports) expect(await portOpen(port), String(port)).toBe(false);
    expect(log.text()).toContain('SIGTERM: stopping casewatch');
  }, 120_000);
});
