// `npm run bench:scaling [-- --orders N --latency-ms N --concurrency N --replicas 1,2,4]`
// (also `npm run bench:memory`). The same load through 1, 2 and 4 farm replicas (child processes)
// while every simulated external system answers after 50 ms: throughput, speed-up over one replica
// (target: two ≥ 1.7× one) and the resident memory of each replica under that load (target ≤ 150 MB).
import { parseArgs } from 'node:util';
import { startBenchSetup } from './support/bench-setup.ts';
import { ordinaryOrders, submitToIntake } from './support/load.ts';
import { measureLoad, type LoadResult } from './support/measure.ts';
import { say } from './support/progress.ts';
import { Replica } from './support/replicas.ts';
import { machineInfo, printTable, printTargets, target, writeResult } from './support/report.ts';
import { mb, round } from './support/stats.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '10' },
    'latency-ms': { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '4' },
    replicas: { type: 'string', default: '1,2,4' },
    items: { type: 'string', default: '1' },
    parallel: { type: 'string', default: '32' },
    'timeout-s': { type: 'string', default: '300' },
  },
});
const n = Number(values.orders);
const latencyMs = Number(values['latency-ms']);
const concurrency = Number(values.concurrency);
const steps = values.replicas.split(',').map(Number);
const items = Number(values.items);
const parallel = Number(values.parallel);
const startedAt = new Date().toISOString();
const SYSTEMS = ['crm', 'inventory', 'provisioning', 'billing', 'notification'] as const;

say(`scaling: ${n} orders through ${steps.join(', ')} replica(s), ${concurrency} jobs at once per replica, every external system answering after ${latencyMs} ms`);
const setup = await startBenchSetup('scaling', { completionDelayMs: latencyMs });
const h = setup.harness;
for (const system of SYSTEMS) await h.fault({ system, fault: { type: 'latency', ms: latencyMs }, times: -1 });

interface Step {
  readonly replicas: number;
  readonly load: LoadResult;
  readonly rssMb: readonly { readonly replica: string; readonly startMb: number; readonly peakMb: number; readonly meanUnderLoadMb: number; readonly peakHeapUsedMb: number }[];
}
const results: Step[] = [];
let running: Replica[] = [];
try {
  for (const count of steps) {
    running = await Promise.all(
      Array.from({ length: count }, (_, i) => Replica.start({ name: `farm-${count}x-${i + 1}`, mode: 'farm', suffix: h.suffix, concurrency, env: setup.replicaEnv, logDir: setup.logDir })),
    );
    say(`${count} replica(s) up (pids ${running.map((r) => r.pid).join(', ')})`);
    const load = (orders: number, label: string) => measureLoad({ label, replicas: running, orders, timeoutMs: Number(values['timeout-s']) * 1000, submit: () => submitToIntake(h, ordinaryOrders(orders, items), parallel) });
    if (Number(values.warmup) > 0) await load(Number(values.warmup), `${count} replica(s) warm-up`);
    const before = running.map((r) => r.memory().samples.length);
    const measured = await load(n, `${count} replica(s)`);
    results.push({
      replicas: count,
      load: measured,
      rssMb: running.map((r, i) => {
        const m = r.memory();
        const under = m.samples.slice(before[i] ?? 0);
        return { replica: r.spec.name, startMb: round(mb(m.samples[0] ?? 0), 1), peakMb: round(mb(m.peak), 1), meanUnderLoadMb: round(mb(under.reduce((a, b) => a + b, 0) / Math.max(1, under.length)), 1), peakHeapUsedMb: round(mb(m.peakHeapUsed), 1) };
      }),
    });
    await Promise.all(running.map((r) => r.stop()));
    running = [];
  }

  const base = results.find((r) => r.replicas === 1)?.load.ordersPerSecond ?? Number.NaN;
  printTable(
    'throughput',
    ['replicas', 'orders finished', 'seconds', 'instances/s', 'jobs/s', 'speed-up', 'per replica'],
    results.map((r) => [String(r.replicas), `${r.load.finished}/${r.load.orders}${r.load.complete ? '' : ' (timeout)'}`, r.load.seconds, r.load.ordersPerSecond, r.load.jobsPerSecond, r.load.ordersPerSecond / base, r.load.ordersPerSecond / base / r.replicas]),
  );
  printTable('resident memory per replica (MB)', ['replica', 'RSS at start', 'RSS mean under load', 'RSS peak', 'V8 heap used, peak'], results.flatMap((r) => r.rssMb.map((m) => [m.replica, m.startMb, m.meanUnderLoadMb, m.peakMb, m.peakHeapUsedMb])));
  const two = results.find((r) => r.replicas === 2);
  const peak = Math.max(...results.flatMap((r) => r.rssMb.map((m) => m.peakMb)));
  const targets = [
    target(`two replicas vs one at ${latencyMs} ms latency`, two ? two.load.ordersPerSecond / base : Number.NaN, '>=', 1.7, '×'),
    target('peak RSS per replica under load', peak, '<=', 150, 'MB'),
  ];
  printTargets(targets);
  const file = writeResult('scaling', {
    startedAt,
    finishedAt: new Date().toISOString(),
    parameters: { orders: n, warmup: Number(values.warmup), latencyMs, concurrencyPerReplica: concurrency, replicaSteps: steps, itemsPerOrder: items, submitParallel: parallel },
    method: 'each step starts fresh replica processes on the same model copy, warms them up, then times N orders from the first submission (intake) to the last completed order; RSS as each replica reports it twice a second (process.memoryUsage().rss)',
    machine: await machineInfo(),
    steps: results.map((r) => ({ ...r, speedUp: round(r.load.ordersPerSecond / base, 3) })),
    targets,
  });
  say(`\nresults: ${file}`);
} finally {
  for (const r of running) await r.stop();
  await setup.close();
}
process.exit(0);
