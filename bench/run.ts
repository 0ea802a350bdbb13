import { benchBusinessTime } from './business-time.ts';

/** Prints every benchmark as a table, then one JSON line for machines. Numbers, never assertions. */
const rows = benchBusinessTime();
const width = Math.max(...rows.map((r) => r.name.length));
console.log(`${'benchmark'.padEnd(width)}  ${'ops/s'.padStart(12)}  ${'iterations'.padStart(10)}`);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(width)}  ${r.opsPerSecond.toLocaleString('en-US').padStart(12)}  ${String(r.iterations).padStart(10)}`,
  );
}
const speedups = [8, 40, 160].map((h) => {
  const ours = rows.find((r) => r.name === `addBusinessHours ${h}h (casewatch)`)?.opsPerSecond ?? 0;
  const naive =
    rows.find((r) => r.name === `addBusinessHours ${h}h (naive, minute steps)`)?.opsPerSecond ?? 1;
  return { hours: h, speedup: Math.round(ours / naive) };
});
for (const s of speedups) console.log(`speed-up at ${s.hours} business hours: ${s.speedup}×`);
console.log(JSON.stringify({ businessTime: rows, speedups }));
