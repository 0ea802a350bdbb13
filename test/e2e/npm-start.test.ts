import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
});

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
      env: {
        ...Object.fromEntries(
          Object.entries(process.env).filter(([k]) => k !== 'POWERTOOLS_METRICS_DISABLED'),
        ),
        PORT: '0',
        DYNAMODB_PORT: '0',
        SES_PORT: '0',
        SMTP_PORT: '0',
        CASEWATCH_DATA_DIR: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const deadline = Date.now() + 90_000;
    while (!out.includes('Ctrl-C stops everything') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 200));
    }
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

    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await portOpen(dynamoPort)).toBe(false);
  }, 120_000);
});
