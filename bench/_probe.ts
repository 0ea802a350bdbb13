import { benchApiLatency } from './api-latency.ts';
const t0 = performance.now();
const r = await benchApiLatency();
console.log(JSON.stringify(r, null, 1));
console.log('elapsed', performance.now() - t0);
