// `npm run bench:overhead [-- --orders N --in-flight N --items N --profile]`
// Where a job's time goes inside one farm replica (simulators at zero latency): per job, the time
// from the runtime taking it to the engine's answer, minus the adapter's own I/O (the external
// call) and minus the engine commands: that remainder is the farm's overhead (p50/p95/p99; target
// p50 ≤ 2 ms). Also the PostgreSQL round trips per job and the time they take, per job type.
import { parseArgs } from 'node:util';
import { startBenchSetup } from './support/bench-setup.ts';
import { inParallel, ordinaryOrders } from './support/load.ts';
import { measureLoad } from './support/measure.ts';
import { say } from './support/progress.ts';
import type { JobSample } from './support/protocol.ts';
import { Replica } from './support/replicas.ts';
import { reportProfile } from './support/cpu-profile.ts';
import { machineInfo, printTable, printTargets, target, writeResult } from './support/report.ts';
import { round, summarize, type Summary } from './support/stats.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '20' },
    'in-flight': { type: 'string', default: '8' },
    items: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '32' },
    'timeout-s': { type: 'string', default: '300' },
    profile: { type: 'boolean', default: false },
  },
});
const n = Number(values.orders);
const inFlight = Number(values['in-flight']);
const items = Number(values.items);
const concurrency = Number(values.concurrency);
const startedAt = new Date().toISOString();

/** The farm's own share of a job: all of it but the external call and the engine's answers. */
const overheadOf = (s: JobSample) => Math.max(0, s.totalMs - s.adapterMs - s.engineMs);

say(`overhead: ${n} orders (${items} item(s) each), at most ${inFlight} open at once, through one farm replica with timing probes; simulators at zero latency`);
const setup = await startBenchSetup('overhead', { completionDelayMs: 0 });
const h = setup.harness;
let replica: Replica | undefined;
try {
  replica = await Replica.start({ name: 'farm', mode: 'farm', suffix: h.suffix, concurrency, observe: true, env: setup.replicaEnv, logDir: setup.logDir, profile: values.profile });
  const farm = replica;
  say(`replica up (pid ${farm.pid}); logs in ${setup.logDir}`);

  // orders are kept to a few at a time: the figure is the cost of a job, not of a queue
  const load = (count: number, label: string) => {
    const orders = ordinaryOrders(count, items);
    return measureLoad({
      label,
      replicas: [farm],
      orders: count,
      timeoutMs: Number(values['timeout-s']) * 1000,
      submit: () =>
        inParallel(orders, inFlight, async (o) => {
          const before = farm.finished();
          await h.submitOrder(o);
          // hold this lane until some order finishes, so at most `inFlight` are open
          while (farm.finished() <= before) await new Promise((r) => setTimeout(r, 20));
        }),
    });
  };
  if (Number(values.warmup) > 0) {
    await load(Number(values.warmup), 'warm-up');
    await farm.samples();
  }
  const result = await load(n, 'measured');
  const { samples, statements, queriesOutsideJobs } = await farm.samples();

  const ok = samples.filter((s) => s.outcome === 'complete');
  const all = figures(ok);
  const byType = [...new Set(ok.map((s) => s.type))].map((type) => ({ type, ...figures(ok.filter((s) => s.type === type)) }));
  printTable(
    'per job (completed jobs; milliseconds)',
    ['job type', 'jobs', 'total p50', 'adapter p50', 'engine p50', 'db trips/job', 'db p50', 'overhead p50', 'p95', 'p99'],
    [...byType, { type: 'all', ...all }].map((r) => [r.type, String(r.jobs), r.total.p50, r.adapter.p50, r.engine.p50, r.queriesPerJob, r.db.p50, r.overhead.p50, r.overhead.p95, r.overhead.p99]),
  );
  say(`\n${result.finished}/${n} orders in ${result.seconds.toFixed(1)}s; ${samples.length} jobs measured (${samples.length - ok.length} not completed); ${queriesOutsideJobs} queries outside jobs (inbox retries, pool upkeep)`);
  say(
    `means per job: total ${all.total.mean.toFixed(2)} ms = adapter ${all.adapter.mean.toFixed(2)} + engine ${all.engine.mean.toFixed(2)} + farm overhead ${all.overhead.mean.toFixed(2)} ` +
      `(database ${all.db.mean.toFixed(2)} ms over ${all.queriesPerJob.toFixed(1)} round trips; ` +
      (all.db.mean <= all.overhead.mean
        ? `the rest — runtime, schemas, ledger logic, logging, event-loop waits — ${(all.overhead.mean - all.db.mean).toFixed(2)} ms)`
        : 'more than the overhead: database time overlaps the other parts, e.g. the pool resetting a released connection (DISCARD ALL) while the job already waits for the engine)'),
  );
  const perJob = statementsPerJob(statements, byType);
  printTable('database statements per completed job (all job types; first words of the SQL)', ['per job', 'statement'], perJob.slice(0, 15).map((s) => [s.perJob, s.statement]));
  await farm.stop();
  const profile = farm.profileFile ? reportProfile('farm replica CPU (whole run, start-up and warm-up included)', farm.profileFile) : undefined;
  const targets = [target('farm overhead per job, p50', all.overhead.p50, '<=', 2, 'ms')];
  printTargets(targets);
  const file = writeResult('overhead', {
    startedAt,
    finishedAt: new Date().toISOString(),
    parameters: { orders: n, warmup: Number(values.warmup), ordersInFlight: inFlight, itemsPerOrder: items, concurrencyPerReplica: concurrency, simulatorLatencyMs: 0 },
    definitions: {
      total: 'from the runtime taking the job (after the concurrency gate) to the engine answering its command',
      adapter: "inside the adapters' methods (HTTP exchange with the simulator, mapping, resilience policies)",
      engine: 'engine commands of the job: complete / fail / throw error / publish message',
      overhead: 'total − adapter − engine: schemas, ledger claim and record, domain state, outbox, logging, runtime',
      db: 'PostgreSQL round trips of the job (counted at the pg client) and the time spent in them; part of the overhead',
    },
    machine: await machineInfo(),
    load: result,
    jobs: samples.length,
    queriesOutsideJobs,
    all: roundAll(all),
    byType: byType.map((r) => ({ type: r.type, ...roundAll(r) })),
    statements,
    farmCpuProfile: profile,
    targets,
  });
  say(`\nresults: ${file}`);
} finally {
  await replica?.stop();
  await setup.close();
}
process.exit(0);

function figures(samples: readonly JobSample[]) {
  return {
    jobs: samples.length,
    total: summarize(samples.map((s) => s.totalMs)),
    adapter: summarize(samples.map((s) => s.adapterMs)),
    engine: summarize(samples.map((s) => s.engineMs)),
    db: summarize(samples.map((s) => s.dbMs)),
    queriesPerJob: samples.reduce((q, s) => q + s.queries, 0) / Math.max(1, samples.length),
    overhead: summarize(samples.map(overheadOf)),
  };
}

/** How often the jobs sent each statement, per job (over all job types). */
function statementsPerJob(statements: Readonly<Record<string, Readonly<Record<string, number>>>>, byType: readonly { type: string; jobs: number }[]) {
  const jobs = byType.reduce((n, t) => n + t.jobs, 0);
  const tally = new Map<string, number>();
  for (const perType of Object.values(statements)) for (const [statement, count] of Object.entries(perType)) tally.set(statement, (tally.get(statement) ?? 0) + count);
  return [...tally].map(([statement, count]) => ({ statement, perJob: count / Math.max(1, jobs) })).sort((a, b) => b.perJob - a.perJob);
}

function roundAll(f: ReturnType<typeof figures>) {
  const r = (s: Summary) => ({ n: s.n, mean: round(s.mean, 3), p50: round(s.p50, 3), p95: round(s.p95, 3), p99: round(s.p99, 3), max: round(s.max, 3) });
  return { jobs: f.jobs, queriesPerJob: round(f.queriesPerJob, 2), total: r(f.total), adapter: r(f.adapter), engine: r(f.engine), db: r(f.db), overhead: r(f.overhead) };
}
