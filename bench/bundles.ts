import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { ESM_REQUIRE_BANNER, PROJECT_ROOT } from '../infra/constructs/casewatch-function.ts';
import { type LazyModules, MAIL_CHARSETS } from '../infra/constructs/lazy-modules.ts';
import { ROUTE_GROUP_ENTRIES, type RouteGroup } from '../shared/http/routes.ts';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../shared/ports/metrics.ts';
import { BUNDLE_BUDGETS_KIB } from './budgets.ts';
import { percentile, round } from './stats.ts';

const BASELINE_ENTRY = 'bench/fixtures/dynamodb-only.ts';
/** The baseline plus one secret read at init, as every function but api-docs makes: the floor they start from. */
const SECRET_FLOOR_ENTRY = 'bench/fixtures/dynamodb-and-secret.ts';

/**
 * The Lambdas the stack deploys besides the API route groups, as their constructs name their entries:
 * `timer` and `case-stream` in infra/constructs/timers.ts, `mail-inbound` in infra/constructs/mail.ts,
 * `mail-events` in infra/constructs/mail-feedback.ts, `attachment-arrived` in
 * infra/constructs/attachment-arrivals.ts, `webhook-sender` in infra/constructs/integrations.ts.
 * `benchBundles` reports any `entry: 'functions/…'` in infra/constructs/ missing here (`unbenchedEntries`).
 */
export const WORKER_ENTRIES = {
  timer: 'functions/timer/handler.ts',
  'case-stream': 'functions/case-stream/handler.ts',
  'mail-inbound': 'functions/mail-inbound/handler.ts',
  'mail-events': 'functions/mail-events/handler.ts',
  'attachment-arrived': 'functions/attachment-arrived/handler.ts',
  'webhook-sender': 'functions/webhook-sender/handler.ts',
} as const;

/** Every deployed Lambda, by the name README's bundle table gives it. */
export type LambdaName = RouteGroup | keyof typeof WORKER_ENTRIES;

const LAMBDA_ENTRIES: Readonly<Record<LambdaName, string>> = {
  ...ROUTE_GROUP_ENTRIES,
  ...WORKER_ENTRIES,
};

export interface BundleRow {
  name: string;
  entry: string;
  bytes: number;
  kib: number;
  gzipKib: number;
  /** Cold import of the bundle in a fresh node process, ms. */
  importMedianMs: number;
  importP90Ms: number;
  /** The same with `NODE_OPTIONS=--enable-source-maps`, as CasewatchFunction deploys it: node reads the .map too. */
  importWithSourceMapsMedianMs: number;
  importWithSourceMapsP90Ms: number;
  /** Against the DynamoDB-only baseline. */
  sizeRatio: number;
  importMedianRatio: number;
  importP90Ratio: number;
  /** From bench/budgets.ts; null for the two reference bundles (baseline and floor). */
  budgetKib: number | null;
  /** `bytes` ≤ the budget; null for the reference bundles. Reported, never asserted. */
  withinBudget: boolean | null;
  /** GetSecretValue calls the local stub answered per import (the handlers read their secret at init). */
  secretCallsPerImport: number;
  /**
   * From the start of the import to the secret request reaching the stub: parsing and running the bundle up
   * to its top-level await. The rest is the loopback round trip and the init code after the await. Null
   * without a secret call.
   */
  untilSecretRequestMedianMs: number | null;
}

export interface PackageShare {
  name: string;
  kib: number;
  /** Share of the bundle's JavaScript, in percent. */
  percent: number;
}

export interface BundleReport {
  /** Timed imports per bundle and node option set: `maxRuns`, fewer when the time budget ran out. */
  runs: number;
  rows: BundleRow[];
  largest: { name: string; topPackages: PackageShare[]; scopes: PackageShare[] };
  /** Connections the child processes attempted to anything but loopback: always refused, should be 0. */
  nonLoopbackConnections: number;
  /** Entries infra/constructs/ deploy that this bench does not measure: should be none. */
  unbenchedEntries: string[];
}

const SECRET_ANSWER = JSON.stringify({
  SecretString: 'bench-secret-bench-secret-bench-secret',
  Name: 'x',
  ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:x',
});

/**
 * The child: refuses (and counts) any connection not to loopback, then times one `import()` of the bundle.
 * The guard is installed before the clock starts, so it is not part of the number.
 */
const CHILD_SOURCE = `
import net from 'node:net';
import { pathToFileURL } from 'node:url';
const remote = [];
let local = 0;
const isLoopback = (host) =>
  host === undefined || host === 'localhost' || host === '::1' || /^(::ffff:)?127\\./.test(host);
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: args[1] };
  if (!options.path && !isLoopback(options.host)) {
    remote.push(String(options.host));
    throw new Error('bench: refused a connection to ' + options.host);
  }
  local++;
  return connect.apply(this, args);
};
let ok = false;
let error;
const t0 = performance.now();
const startedAt = performance.timeOrigin + t0;
try {
  await import(pathToFileURL(process.argv[2]).href);
  ok = true;
} catch (e) {
  error = String(e && e.stack || e);
}
const ms = performance.now() - t0;
process.stdout.write('\\n@@bench ' + JSON.stringify({ ok, ms, startedAt, remote, local, error }) + '\\n');
process.exit(0);
`;

/** What each function leaves beside its bundle, as its construct passes `lazyModules` (infra/constructs/mail.ts). */
const LAZY_MODULES: Partial<Record<LambdaName, LazyModules>> = { 'mail-inbound': MAIL_CHARSETS };

/**
 * The esbuild options CasewatchFunction gives NodejsFunction (infra/constructs/casewatch-function.ts), and
 * the files it ships beside the bundle.
 */
export async function bundle(entry: string, outfile: string, lazy?: LazyModules): Promise<Metafile> {
  const result = await build({
    ...(lazy
      ? {
          external: [...lazy.externals],
          alias: Object.fromEntries(
            Object.entries(lazy.aliases).map(([name, path]) => [name, resolve(PROJECT_ROOT, path)]),
          ),
        }
      : {}),
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [join(PROJECT_ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'warning',
    outfile,
    metafile: true,
  });
  for (const { from, to } of lazy?.files ?? []) {
    await mkdir(dirname(join(dirname(outfile), to)), { recursive: true });
    await cp(join(PROJECT_ROOT, from), join(dirname(outfile), to), { recursive: true });
  }
  return result.metafile;
}

/** A package name from a metafile input path; the project's own files count as one. */
function packageOf(input: string): string {
  const parts = input.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return '(casewatch source)';
  const first = parts[at + 1] ?? '?';
  return first.startsWith('@') ? `${first}/${parts[at + 2] ?? '?'}` : first;
}

function shares(metafile: Metafile, outfile: string, key: (pkg: string) => string): PackageShare[] {
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith(outfile))?.[1];
  if (!output) return [];
  const totals = new Map<string, number>();
  let all = 0;
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const k = key(packageOf(input));
    totals.set(k, (totals.get(k) ?? 0) + bytesInOutput);
    all += bytesInOutput;
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .map(([name, bytes]) => ({ name, kib: round(bytes / 1024, 1), percent: round((bytes / all) * 100, 1) }));
}

interface SecretStub {
  url: string;
  calls: number;
  /** When the last GetSecretValue arrived, in epoch ms (comparable across processes). */
  lastCallAt: number;
  unexpected: number;
  close(): Promise<void>;
}

/** Answers Secrets Manager's GetSecretValue (JSON 1.1 protocol) on loopback; counts everything else. */
async function startSecretStub(): Promise<SecretStub> {
  const stub = { calls: 0, unexpected: 0, lastCallAt: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const arrivedAt = performance.timeOrigin + performance.now();
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && req.headers['x-amz-target'] === 'secretsmanager.GetSecretValue') {
        stub.calls++;
        stub.lastCallAt = arrivedAt;
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(SECRET_ANSWER);
      } else {
        stub.unexpected++;
        res
          .writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
          .end(JSON.stringify({ __type: 'UnknownOperationException' }));
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return Object.assign(stub, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  });
}

/** A closed loopback port: whatever is addressed here (and nothing is, at import) is refused locally. */
const NOWHERE = 'http://127.0.0.1:9';

/**
 * What the handlers read at import, all pointing at loopback: the secret at the stub, the JWKS URL at a
 * closed port (jose fetches keys lazily, on the first token), every other AWS endpoint at that closed port
 * too (`AWS_ENDPOINT_URL`; the workers build their SQS, Scheduler, SES, S3 and Cognito clients at import but
 * call them per event). No inherited AWS profile or credentials. One environment for all bundles: the union
 * of what infra/constructs/ give each function, with dummy values.
 */
function childEnv(stubUrl: string, dir: string, nodeOptions: string | undefined): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: NOWHERE,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: stubUrl,
    TABLE_NAME: 'casewatch',
    CASEWATCH_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:x',
    // API route groups (infra/constructs/api.ts)
    COGNITO_ISSUER: `${NOWHERE}/us-east-1_bench`,
    COGNITO_JWKS_URL: `${NOWHERE}/us-east-1_bench/.well-known/jwks.json`,
    COGNITO_CLIENT_ID: 'bench-client',
    ORIGIN_TOKEN: 'bench-origin-token',
    ORIGIN_TOKEN_NEXT: 'bench-origin-token-next',
    ATTACHMENTS_BUCKET: 'bench-attachments',
    DASHBOARD_NAME: 'casewatch',
    DASHBOARD_REGION: 'us-east-1',
    // case-stream (infra/constructs/timers.ts)
    TIMER_QUEUE_URL: `${NOWHERE}/000000000000/casewatch-timers`,
    TIMER_QUEUE_ARN: 'arn:aws:sqs:us-east-1:000000000000:casewatch-timers',
    TIMER_DLQ_ARN: 'arn:aws:sqs:us-east-1:000000000000:casewatch-timers-dlq',
    SCHEDULE_GROUP: 'casewatch-bench',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/casewatch-bench-scheduler',
    SENDER_ADDRESS: 'support@localhost',
    LEADS_EMAIL: 'leads@localhost',
    MAIL_DOMAIN: 'localhost',
    SES_CONFIGURATION_SET: 'casewatch-bench',
    PORTAL_URL: NOWHERE,
    EVENT_BUS_NAME: 'casewatch-bench-case-events',
    // webhook-sender (infra/constructs/integrations.ts)
    WEBHOOK_QUEUE_URL: `${NOWHERE}/000000000000/casewatch-webhooks`,
    WEBHOOK_DLQ_URL: `${NOWHERE}/000000000000/casewatch-webhooks-dlq`,
    // mail-inbound (infra/constructs/mail.ts)
    INBOUND_BUCKET: 'bench-inbound',
    INBOUND_PREFIX: 'inbound/',
    QUARANTINE_PREFIX: 'quarantine/',
    USER_POOL_ID: 'us-east-1_bench',
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: 'WARN',
  };
}

interface ChildResult {
  ok: boolean;
  ms: number;
  startedAt: number;
  remote: string[];
  local: number;
  error?: string;
}

function coldImport(child: string, file: string, env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((ok, fail) => {
    execFile(process.execPath, [child, file], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('@@bench '));
      if (error || !line) {
        fail(new Error(`cold import of ${file} failed: ${error?.message ?? 'no result'}\n${stderr}`));
        return;
      }
      ok(JSON.parse(line.slice('@@bench '.length)) as ChildResult);
    });
  });
}

/** Deployed entries (route groups', `entry: 'functions/…'` in infra/constructs/) not in `LAMBDA_ENTRIES`. */
async function unbenchedEntries(): Promise<string[]> {
  const dir = join(PROJECT_ROOT, 'infra', 'constructs');
  const deployed = new Set(Object.values(ROUTE_GROUP_ENTRIES));
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ts'))) {
    const source = await readFile(join(dir, file), 'utf8');
    for (const m of source.matchAll(/\bentry:\s*['"`](functions\/[^'"`]+)['"`]/g))
      deployed.add(m[1] as string);
  }
  const benched = new Set<string>(Object.values(LAMBDA_ENTRIES));
  return [...deployed].filter((e) => !benched.has(e)).sort();
}

/**
 * Size and cold-import time of each Lambda bundle the stack deploys, against a bundle holding only the
 * DynamoDB client, with its budget from bench/budgets.ts (reported, not enforced). A second reference, the
 * floor, is that bundle plus the one secret read at init every function but api-docs makes, with no
 * casewatch code: what a function costs before any of its own work. Each import runs in a
 * fresh `node` process (the one-time disk-cache warm-up is not counted); processes take turns across bundles
 * and node options so drift on a busy machine spreads evenly. On a loaded machine the rounds stop once
 * `budgetMs` is spent (after at least `minRuns`), so `npm run bench` stays short.
 */
export async function benchBundles(maxRuns = 11, budgetMs = 45_000, minRuns = 5): Promise<BundleReport> {
  const dir = await mkdtemp(join(tmpdir(), 'casewatch-bench-'));
  const stub = await startSecretStub();
  try {
    const entries: [string, string][] = [
      ['baseline (DynamoDB only)', BASELINE_ENTRY],
      ['floor (baseline + secret at init)', SECRET_FLOOR_ENTRY],
      ...Object.entries(LAMBDA_ENTRIES),
    ];
    const built = [];
    for (const [name, entry] of entries) {
      const outfile = join(dir, name.split(' ')[0] as string, 'index.mjs');
      const metafile = await bundle(entry, outfile, LAZY_MODULES[name as LambdaName]);
      const code = await readFile(outfile);
      built.push({ name, entry, outfile, metafile, bytes: code.length, gzip: gzipSync(code).length });
    }

    const child = join(dir, 'cold-import.mjs');
    await writeFile(child, CHILD_SOURCE);
    const variants = [
      { env: childEnv(stub.url, dir, undefined), times: built.map(() => [] as number[]) },
      { env: childEnv(stub.url, dir, '--enable-source-maps'), times: built.map(() => [] as number[]) },
    ];
    const [plain, sourceMaps] = variants as [(typeof variants)[0], (typeof variants)[0]];
    const secretCalls = built.map(() => 0);
    const untilSecret = built.map(() => [] as number[]);
    let remote = 0;
    let runs = 0;
    const started = performance.now();
    for (let run = -1; run < maxRuns; run++) {
      if (runs >= minRuns && performance.now() - started > budgetMs) break;
      if (run >= 0) runs++;
      for (const [i, b] of built.entries()) {
        for (const variant of variants) {
          const before = stub.calls;
          const result = await coldImport(child, b.outfile, variant.env);
          remote += result.remote.length;
          if (!result.ok) throw new Error(`importing the ${b.name} bundle failed:\n${result.error}`);
          if (run < 0) continue;
          variant.times[i]?.push(result.ms);
          if (variant !== plain) continue;
          secretCalls[i] = (secretCalls[i] ?? 0) + stub.calls - before;
          if (stub.calls > before) untilSecret[i]?.push(stub.lastCallAt - result.startedAt);
        }
      }
    }
    if (stub.unexpected > 0) throw new Error(`the secret stub got ${stub.unexpected} unexpected requests`);

    const base = built[0] as (typeof built)[number];
    const baseMedian = percentile(plain.times[0] ?? [], 50);
    const baseP90 = percentile(plain.times[0] ?? [], 90);
    const rows: BundleRow[] = built.map((b, i) => {
      const median = percentile(plain.times[i] ?? [], 50);
      const p90 = percentile(plain.times[i] ?? [], 90);
      const budgetKib = BUNDLE_BUDGETS_KIB[b.name as LambdaName] ?? null;
      return {
        name: b.name,
        entry: b.entry,
        bytes: b.bytes,
        kib: round(b.bytes / 1024, 1),
        gzipKib: round(b.gzip / 1024, 1),
        importMedianMs: round(median, 1),
        importP90Ms: round(p90, 1),
        importWithSourceMapsMedianMs: round(percentile(sourceMaps.times[i] ?? [], 50), 1),
        importWithSourceMapsP90Ms: round(percentile(sourceMaps.times[i] ?? [], 90), 1),
        sizeRatio: round(b.bytes / base.bytes),
        importMedianRatio: round(median / baseMedian),
        importP90Ratio: round(p90 / baseP90),
        budgetKib,
        withinBudget: budgetKib === null ? null : b.bytes <= budgetKib * 1024,
        secretCallsPerImport: round((secretCalls[i] ?? 0) / runs),
        untilSecretRequestMedianMs: untilSecret[i]?.length ? round(percentile(untilSecret[i], 50), 1) : null,
      };
    });
    const largest = built.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const outName = relative(PROJECT_ROOT, largest.outfile).split(sep).join('/');
    return {
      runs,
      rows,
      largest: {
        name: largest.name,
        topPackages: shares(largest.metafile, outName, (p) => p).slice(0, 8),
        scopes: shares(largest.metafile, outName, (p) =>
          p.startsWith('@') ? `${p.split('/')[0]}/*` : p,
        ).slice(0, 6),
      },
      nonLoopbackConnections: remote,
      unbenchedEntries: await unbenchedEntries(),
    };
  } finally {
    await stub.close();
    await rm(dir, { recursive: true, force: true });
  }
}
