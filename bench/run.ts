/**
 * `npm run bench`: prints every benchmark as a table, then one JSON line for machines. Numbers, never
 * assertions (bundle budgets are printed beside the sizes, not enforced).
 *
 * `BENCH_ONLY` runs some sections only, a comma-separated list of their names: `business-time`,
 * `severity-words`, `bundles`, `portal`, `queue`, `load`, `bill`, `api-latency`, `scheduler-calls`, `local-scheduler-drain`. E.g. `BENCH_ONLY=bundles npx tsx bench/run.ts`
 * (or `BENCH_ONLY=bundles npm run bench`) measures only the Lambda bundles; the JSON line then holds only the
 * sections that ran. Unset or empty: everything.
 */
import { benchApiLatency } from './api-latency.ts';
import { benchBill } from './bill.ts';
import { benchBundles } from './bundles.ts';
import { benchBusinessTime } from './business-time.ts';
import { benchLoad } from './load.ts';
import { benchLocalSchedulerDrain } from './local-scheduler-drain.ts';
import { benchPortal } from './portal.ts';
import { benchQueue } from './queue.ts';
import { benchSchedulerCalls } from './scheduler-calls.ts';
import { benchSeverityWords } from './severity-words.ts';
import { printTable } from './stats.ts';

const SECTIONS = [
  'business-time',
  'severity-words',
  'bundles',
  'portal',
  'queue',
  'load',
  'bill',
  'api-latency',
  'scheduler-calls',
  'local-scheduler-drain',
] as const;
type Section = (typeof SECTIONS)[number];
const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
if (unknown.length > 0) {
  console.error(`BENCH_ONLY: unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
  process.exit(2);
}
const wanted = (section: Section) => only.length === 0 || only.includes(section);
/** The JSON line's content, one key per section that ran. */
const report: Record<string, unknown> = {};

let started = performance.now();
/** Seconds since the previous call: each section says what it cost, to keep the whole run short. */
const took = () => {
  const now = performance.now();
  const s = ((now - started) / 1000).toFixed(1);
  started = now;
  return `${s} s`;
};

if (wanted('business-time')) {
  const rows = benchBusinessTime();
  const businessTimeTook = took();
  printTable([
    ['benchmark', 'ops/s', 'iterations'],
    ...rows.map((r) => [r.name, r.opsPerSecond.toLocaleString('en-US'), String(r.iterations)]),
  ]);
  const speedups = [8, 40, 160].map((h) => {
    const ours = rows.find((r) => r.name === `addBusinessHours ${h}h (casewatch)`)?.opsPerSecond ?? 0;
    const naive =
      rows.find((r) => r.name === `addBusinessHours ${h}h (naive, minute steps)`)?.opsPerSecond ?? 1;
    return { hours: h, speedup: Math.round(ours / naive) };
  });
  for (const s of speedups) console.log(`speed-up at ${s.hours} business hours: ${s.speedup}×`);
  console.log(`(business time: ${businessTimeTook})`);
  report.businessTime = rows;
  report.speedups = speedups;
}

if (wanted('severity-words')) {
  started = performance.now();
  const words = benchSeverityWords();
  const d = words.descriptions;
  console.log(
    `\nSeverity from the words: function areas read in the labelled set (test/fixtures/severity, ${d.tuning + d.holdout} descriptions, ${d.everyday} of them everyday questions; ${d.holdout} held out of tuning), precision / recall (${took()})`,
  );
  const pr = (s: { precision: number | null; recall: number | null; labelled: number }) =>
    `${s.precision === null ? '-' : s.precision.toFixed(2)} / ${s.recall === null ? '-' : s.recall.toFixed(2)}`;
  printTable([
    ['area', 'tuning P / R', 'n', 'held-out P / R', 'n', 'all P / R', 'n'],
    ...words.rows.map((r) => [
      r.area,
      pr(r.tuning),
      String(r.tuning.labelled),
      pr(r.holdout),
      String(r.holdout.labelled),
      pr(r.all),
      String(r.all.labelled),
    ]),
  ]);
  const e = words.everydayLeftAlone;
  console.log(
    `everyday questions given no area: tuning ${e.tuning.left}/${e.tuning.of}, held-out ${e.holdout.left}/${e.holdout.of}; ` +
      `n = descriptions labelled with the area; ${words.microsPerDescription} µs to read one description`,
  );
  console.log(
    `tuning descriptions read wrong (${words.tuningMisses.length}): ${
      words.tuningMisses
        .map((m) => `${m.id} [${m.expected.join(',')}] got [${m.got.join(',')}]`)
        .join('; ') || 'none'
    }`,
  );
  console.log(
    `held-out descriptions read wrong: ${words.holdoutMisses} (not listed: tuning never looks at them)`,
  );
  report.severityWords = words;
}

const ms = (n: number | null) => (n === null ? '-' : n.toFixed(1));
const times = (n: number) => `${n.toFixed(2)}×`;
const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(2)} ms`;
/** Budget verdict with the headroom (or overrun) in KiB; `-` for the reference bundles, which have no budget. */
const within = (r: { kib: number; budgetKib: number | null; withinBudget: boolean | null }) =>
  r.budgetKib === null
    ? '-'
    : r.withinBudget
      ? `yes, ${Math.max(0, r.budgetKib - r.kib).toFixed(0)} left`
      : `NO, ${Math.max(0, r.kib - r.budgetKib).toFixed(0)} over`;

if (wanted('bundles')) {
  started = performance.now();
  const bundles = await benchBundles();
  console.log(
    `\nLambda bundles, every function the stack deploys (esbuild as CasewatchFunction: ESM, minified, node22); cold import = fresh node, median/p90 of ${bundles.runs} (${took()})`,
  );
  printTable([
    [
      'bundle',
      'KiB',
      'gzip KiB',
      '×size',
      'import p50',
      'import p90',
      '×p50',
      'srcmaps p50',
      'srcmaps p90',
      'secret req at',
      'budget KiB',
      'within',
    ],
    ...bundles.rows.map((r) => [
      r.name,
      r.kib.toFixed(1),
      r.gzipKib.toFixed(1),
      times(r.sizeRatio),
      ms(r.importMedianMs),
      ms(r.importP90Ms),
      times(r.importMedianRatio),
      ms(r.importWithSourceMapsMedianMs),
      ms(r.importWithSourceMapsP90Ms),
      ms(r.untilSecretRequestMedianMs),
      r.budgetKib === null ? '-' : String(r.budgetKib),
      within(r),
    ]),
  ]);
  console.log(
    'times in ms; × = against the baseline; srcmaps = NODE_OPTIONS=--enable-source-maps as deployed; ' +
      'secret req at = when the stubbed GetSecretValue reached the stub (bundle evaluated, SDK call built; ' +
      '- = no secret read at init); the rest is its loopback round trip and the init code after it; ' +
      'budget = bench/budgets.ts (KiB of the .mjs), reported, not enforced',
  );
  console.log(
    `every import completed; GetSecretValue answered by the loopback stub; non-loopback connections: ${bundles.nonLoopbackConnections}`,
  );
  if (bundles.unbenchedEntries.length > 0) {
    console.log(
      `deployed but not measured (add to WORKER_ENTRIES in bench/bundles.ts): ${bundles.unbenchedEntries.join(', ')}`,
    );
  }
  console.log(`\nlargest bundle, ${bundles.largest.name}: what it is made of`);
  printTable([
    ['package', 'KiB', 'share'],
    ...bundles.largest.topPackages.map((p) => [p.name, p.kib.toFixed(1), `${p.percent.toFixed(1)}%`]),
  ]);
  console.log(
    `by scope: ${bundles.largest.scopes.map((s) => `${s.name} ${s.kib.toFixed(1)} KiB (${s.percent.toFixed(1)}%)`).join(', ')}`,
  );
  report.bundles = bundles;
}

if (wanted('portal')) {
  started = performance.now();
  const portal = await benchPortal();
  console.log(
    `\nPortal: what a first visit downloads (built in ${portal.buildMs} ms; ${took()}); budget ${portal.budgetKb} KB of JavaScript, gzipped`,
  );
  printTable([
    ['script', 'loaded', 'KB', 'gzip KB'],
    ...portal.initial.map((f) => [f.file, 'at once', String(f.kb), String(f.gzipKb)]),
    ...portal.lazy.map((f) => [f.file, 'on demand', String(f.kb), String(f.gzipKb)]),
  ]);
  console.log(
    `initial JavaScript: ${portal.initialGzipKb} KB gzipped of ${portal.budgetKb} KB (${portal.initialGzipKb <= portal.budgetKb ? 'within' : 'OVER'} budget); CSS ${portal.cssGzipKb.toFixed(1)} KB gzipped`,
  );
  report.portal = portal;
}

if (wanted('queue')) {
  started = performance.now();
  // 100,000 takes minutes to load into DynamoDB Local: BENCH_QUEUE_SIZES=1000,100000 npm run bench.
  const sizes = (process.env.BENCH_QUEUE_SIZES ?? '1000,10000').split(',').map(Number);
  const queue = await benchQueue(sizes);
  console.log(`\nThe agents' queue on DynamoDB Local: one page of 20 per view (${took()})`);
  printTable([
    ['cases', 'view', 'Query calls', 'read units', 'p50 ms', 'p90 ms'],
    ...queue.map((r) => [
      String(r.cases),
      r.view,
      String(r.queries),
      String(r.readUnits),
      String(r.p50Ms),
      String(r.p90Ms),
    ]),
  ]);
  report.queue = queue;
}

if (wanted('load')) {
  started = performance.now();
  const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 30);
  const load = await benchLoad(seconds);
  console.log(`\nLoad through the local runtime: 20 connections, ${seconds} s per scenario (${took()})`);
  printTable([
    ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'requests'],
    ...load.map((r) => [
      r.scenario,
      String(r.requestsPerSecond),
      String(r.p50Ms),
      String(r.p99Ms),
      String(r.non2xx),
      String(r.requests),
    ]),
  ]);
  const one = load[0]?.p50Ms ?? 0;
  const queue = load[1]?.p50Ms ?? 0;
  console.log(
    `default queue p50 / one case p50: ${one > 0 ? (queue / one).toFixed(2) : '-'}× (target: within 3×)`,
  );
  report.load = load;
}

if (wanted('bill')) {
  started = performance.now();
  const bill = await benchBill();
  console.log(`\nWhat one case costs over its life (${bill.steps.join(' → ')}; ${took()})`);
  const ops = Object.entries(bill.dynamodb.operations).sort((a, b) => b[1] - a[1]);
  printTable([
    ['what', 'count', 'USD'],
    ['DynamoDB operations', ops.map(([op, n]) => `${op} ${n}`).join(', '), ''],
    [
      'DynamoDB write / read units',
      `${bill.dynamodb.writeUnits} / ${bill.dynamodb.readUnits}`,
      bill.usd.dynamodb.toFixed(7),
    ],
    ['API requests', String(bill.apiRequests), bill.usd.api.toFixed(7)],
    ['Lambda invocations (API + timers + ~1 stream batch per write)', '', bill.usd.lambda.toFixed(7)],
    ['timers fired (EventBridge Scheduler)', String(bill.timerInvocations), bill.usd.scheduler.toFixed(7)],
    ['mails sent (SES)', String(bill.mails), bill.usd.ses.toFixed(7)],
    ['total per case', '', bill.usd.total.toFixed(6)],
  ]);
  console.log(
    `per 10,000 cases: USD ${(bill.usd.total * 10_000).toFixed(2)} (Lambda duration, logs and storage not included)`,
  );
  report.bill = bill;
}

if (wanted('api-latency')) {
  started = performance.now();
  const apiLatency = await benchApiLatency();
  console.log(
    `\nAPI latency through the local runtime vs the raw case store on DynamoDB Local (sequential, ${apiLatency.warmup} warm-up each; ${took()})`,
  );
  printTable([
    ['operation', 'path', 'p50 ms', 'p99 ms', 'mean ms', 'n', 'API over store (p50)'],
    ...apiLatency.rows.map((r) => [
      r.operation,
      r.path,
      r.p50Ms.toFixed(2),
      r.p99Ms.toFixed(2),
      r.meanMs.toFixed(2),
      String(r.samples),
      r.path === 'api' ? signed(apiLatency.overheadP50Ms[r.operation]) : '',
    ]),
  ]);
  report.apiLatency = apiLatency;
}

if (wanted('scheduler-calls')) {
  started = performance.now();
  const schedulerCalls = await benchSchedulerCalls();
  console.log(
    `\nScheduler calls over one case's life (create/update/delete on EventBridge Scheduler; ${took()})`,
  );
  printTable([
    ['step', 'calls'],
    ...schedulerCalls.rows.map((r) => [r.step, String(r.calls)]),
    ['total', String(schedulerCalls.total)],
  ]);
  report.schedulerCalls = schedulerCalls;
}

if (wanted('local-scheduler-drain')) {
  started = performance.now();
  const drain = await benchLocalSchedulerDrain();
  console.log(
    `\nLocal scheduler: ${drain.timers} timers due at one instant (BENCH_TIMERS to change), ${drain.deliverers} deliverers (${took()})`,
  );
  printTable([
    ['set all (s)', 'drain all (s)', 'deliveries/s', 'delivered', 'delivered twice', 'never delivered'],
    [
      drain.setSeconds,
      drain.drainSeconds,
      drain.deliveriesPerSecond,
      drain.delivered,
      drain.deliveredTwice,
      drain.neverDelivered,
    ].map(String),
  ]);
  report.localSchedulerDrain = drain;
}

console.log(JSON.stringify(report));
