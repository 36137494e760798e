// `npm run bench:overhead [-- --levels 1,32 --rounds N --round-s S --allow-fsync-off --profile]`
// Where a job's time goes inside one farm replica (with its event side; simulators at zero latency):
// per job, the time from the runtime taking it to the engine's answer, minus the adapter's own I/O
// (the external call) and minus the engine commands: that remainder is the farm's overhead. Measured
// at in-flight 1 (one order open at a time; target p50 ≤ 2 ms) and under load (32 orders open;
// target p50 ≤ 10 ms), in time-boxed rounds alternating the two levels; each figure is the median
// of the rounds with min and max. Also PostgreSQL round trips per job type (target ≤ 2), of the
// intake (≤ 2) and the provisioning callback (≤ 3), and per order, with the statements sent.
import { parseArgs } from 'node:util';
import { startBenchSetup } from './support/bench-setup.ts';
import { requireFsync } from './support/fsync.ts';
import { outboxBacklogPublished } from './support/outbox.ts';
import { IntakeProbe } from './support/intake-probe.ts';
import { ordinaryOrder } from './support/load.ts';
import { say } from './support/progress.ts';
import type { JobSample } from './support/protocol.ts';
import { Replica } from './support/replicas.ts';
import { reportProfile } from './support/cpu-profile.ts';
import { machineInfo, printTable, printTargets, target, writeResult } from './support/report.ts';
import { timeBoxedRound, type RoundResult } from './support/rounds.ts';
import { fmtSpread, round, spread, summarize, type Summary } from './support/stats.ts';
import { idleCpuPerSecond, type Party } from './support/window.ts';

const { values } = parseArgs({
  options: {
    levels: { type: 'string', default: '1,32' },
    rounds: { type: 'string', default: '3' },
    'round-s': { type: 'string', default: '20' },
    'fill-s': { type: 'string', default: '3' },
    'warmup-s': { type: 'string', default: '10' },
    items: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '32' },
    'drain-timeout-s': { type: 'string', default: '60' },
    // the provider's callback after 50 ms: at one order at a time a callback sent at once races the
    // farm's record of the submission and parks the order 2 s in the inbox retry (fewer samples)
    'callback-delay-ms': { type: 'string', default: '50' },
    'allow-fsync-off': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
});
const levels = values.levels.split(',').map(Number);
const rounds = Number(values.rounds);
const roundS = Number(values['round-s']);
const items = Number(values.items);
const concurrency = Number(values.concurrency);
const callbackDelayMs = Number(values['callback-delay-ms']);
const startedAt = new Date().toISOString();
const PARTIES: readonly Party[] = ['replicas', 'postgres', 'engine', 'kafka', 'bench'];
const TARGET_P50: Readonly<Record<number, number>> = { 1: 2 };
const LOAD_TARGET_P50 = 10;

/** The farm's own share of a job: all of it but the external call and the engine's answers. */
const overheadOf = (s: JobSample) => Math.max(0, s.totalMs - s.adapterMs - s.engineMs);

// counts the intake's and the callback's queries in this process; installed before the intake serves
const intake = new IntakeProbe().install();
say(`overhead: one farm replica with timing probes, orders open at once ${levels.join(' and ')}, ${rounds} rounds of ${roundS} s each, alternating; simulators at zero latency, the provisioning callback after ${callbackDelayMs} ms`);
const setup = await startBenchSetup('overhead', { completionDelayMs: callbackDelayMs });
const durability = await requireFsync(values['allow-fsync-off']);
const fsyncNote = durability.valid ? '' : ' — fsync OFF: trial only';
const h = setup.harness;
let replica: Replica | undefined;
try {
  replica = await Replica.start({ name: 'farm', mode: 'farm', suffix: h.suffix, concurrency, observe: true, env: setup.replicaEnv, logDir: setup.logDir, profile: values.profile });
  const farm = replica;
  say(`replica up (pid ${farm.pid}, event side on); logs in ${setup.logDir}`);

  const run = (open: number, label: string, durationS: number) =>
    timeBoxedRound({
      label,
      replicas: [farm],
      open,
      parallel: Math.min(open, 16),
      warmupS: Number(values['fill-s']),
      durationS,
      drainTimeoutS: Number(values['drain-timeout-s']),
      submit: () => h.submitOrder(ordinaryOrder(items)),
      atOpen: async () => {
        await farm.samples();
        intake.take();
      },
      atClose: async () => ({ jobs: await farm.samples(), intake: intake.take() }),
    });

  await outboxBacklogPublished(h.db);
  const idle = await idleCpuPerSecond([farm], 5);
  say(`idle CPU ms per second (no orders): ${PARTIES.map((p) => `${p} ${idle[p]}`).join(', ')}`);
  if (Number(values['warmup-s']) > 0) await run(Math.max(...levels), 'warm-up', Number(values['warmup-s']));
  const results: { round: number; open: number; result: Awaited<ReturnType<typeof run>> }[] = [];
  for (let r = 1; r <= rounds; r++) for (const open of levels) results.push({ round: r, open, result: await run(open, `round ${r}/${rounds}, ${open} open`, roundS) });

  const perRound = results.map((x) => ({ round: x.round, open: x.open, window: x.result, ...roundFigures(x.result) }));
  printTable(
    `rounds (overhead = total − adapter − engine, completed jobs, ms)${fsyncNote}`,
    ['round', 'open', 'orders', 'jobs', 'overhead p50', 'p95', 'p99', 'total p50', 'db trips/job', 'trips/order', ...PARTIES.map((p) => `CPU ms/job ${p}`), 'box CPU busy', 'loop delay p50/p99/max', 'outbox events relayed'],
    perRound.map((r) => [String(r.round), String(r.open), String(r.window.orders), String(r.all.jobs), r.all.overhead.p50, r.all.overhead.p95, r.all.overhead.p99, r.all.total.p50, r.all.queriesPerJob, r.trips.perOrder, ...PARTIES.map((p) => r.window.cpuMsPerJob[p]), `${(r.window.boxCpuBusy * 100).toFixed(0)} %`, loopText(r.window), r.window.relay.leaders.length ? String(r.window.relay.published) : `${r.window.relay.published} (no relay publishing)`]),
  );

  const byLevel = levels.map((open) => {
    const rs = perRound.filter((r) => r.open === open);
    return {
      open,
      overheadP50: spread(rs.map((r) => r.all.overhead.p50)),
      overheadP99: spread(rs.map((r) => r.all.overhead.p99)),
      totalP50: spread(rs.map((r) => r.all.total.p50)),
      dbMsP50: spread(rs.map((r) => r.all.db.p50)),
      queriesPerJob: spread(rs.map((r) => r.all.queriesPerJob)),
      perOrder: spread(rs.map((r) => r.trips.perOrder)),
      ordersPerSecond: spread(rs.map((r) => r.window.ordersPerSecond)),
      boxCpuBusy: spread(rs.map((r) => r.window.boxCpuBusy)),
      cpuMsPerJob: Object.fromEntries(PARTIES.map((p) => [p, spread(rs.map((r) => r.window.cpuMsPerJob[p]))])),
      eventLoopMs: { p50: spread(rs.map((r) => r.window.eventLoop[0]?.p50 ?? Number.NaN)), p99: spread(rs.map((r) => r.window.eventLoop[0]?.p99 ?? Number.NaN)), max: spread(rs.map((r) => r.window.eventLoop[0]?.max ?? Number.NaN)) },
    };
  });
  printTable(`median (min–max) of ${rounds} rounds per level${fsyncNote}`, ['orders open', 'overhead p50 ms', 'overhead p99 ms', 'total p50 ms', 'db p50 ms', 'db trips/job', 'trips/order', 'orders/s', ...PARTIES.map((p) => `CPU ms/job ${p}`), 'box CPU busy', 'loop delay p50 ms', 'p99 ms', 'max ms'],
    byLevel.map((l) => [String(l.open), fmtSpread(l.overheadP50), fmtSpread(l.overheadP99), fmtSpread(l.totalP50), fmtSpread(l.dbMsP50), fmtSpread(l.queriesPerJob), fmtSpread(l.perOrder), fmtSpread(l.ordersPerSecond), ...PARTIES.map((p) => fmtSpread(l.cpuMsPerJob[p] as ReturnType<typeof spread>)), fmtSpread(l.boxCpuBusy), fmtSpread(l.eventLoopMs.p50), fmtSpread(l.eventLoopMs.p99), fmtSpread(l.eventLoopMs.max)]));

  // round trips: over every round of each level (the counts of the statements, not timings)
  const trips = levels.map((open) => tripsOf(results.filter((x) => x.open === open).map((x) => x.result)));
  const quiet = trips[0];
  if (!quiet) throw new Error('no level measured');
  printTable(
    `PostgreSQL round trips per job type (completed jobs; ${levels.map((l) => `${l} open`).join(' | ')})`,
    ['job type', 'jobs', ...levels.map((l) => `trips/job at ${l} open`)],
    quiet.byType.map((t) => [t.type, String(t.jobs), ...trips.map((x) => x.byType.find((y) => y.type === t.type)?.queriesPerJob ?? Number.NaN)]),
  );
  printTable(
    'PostgreSQL round trips per order (one item: six jobs, one intake request, one provisioning callback)',
    ['part', ...levels.map((l) => `at ${l} open`)],
    [
      ['intake, per request (POST /orders)', ...trips.map((x) => x.intakePerRequest)],
      ['provisioning callback, per request', ...trips.map((x) => x.callbackPerRequest)],
      ['jobs of the order', ...trips.map((x) => x.jobsPerOrder)],
      ['inbox retries and pool upkeep in the intake process, per order', ...trips.map((x) => x.backgroundPerOrder)],
      ['per order, all of it', ...trips.map((x) => x.perOrder)],
    ],
  );
  printTable('statements per completed job (first words of the SQL; at 1 open)', ['per job', 'statement'], quiet.jobStatements.slice(0, 15).map((s) => [s.perUnit, s.statement]));
  printTable('statements per intake request and per callback (at 1 open)', ['route', 'per request', 'statement'], [...quiet.intakeStatements.map((s) => ['intake', s.perUnit, s.statement]), ...quiet.callbackStatements.map((s) => ['callback', s.perUnit, s.statement])]);

  await farm.stop();
  const profile = farm.profileFile ? reportProfile('farm replica CPU (whole run, start-up and warm-up included)', farm.profileFile) : undefined;
  // the order's job types (the reconciliation sweep's timer jobs are not part of an order)
  const orderTypes = quiet.byType.filter((t) => !t.type.startsWith('reconciliation.'));
  const worstType = orderTypes.reduce((w, t) => (t.queriesPerJob > w.queriesPerJob ? t : w), orderTypes[0] ?? { type: '–', jobs: 0, queriesPerJob: Number.NaN });
  const targets = [
    ...byLevel.map((l) => target(`farm overhead per job, p50 at ${l.open} open (median of ${rounds} rounds; min ${l.overheadP50.min}, max ${l.overheadP50.max})`, l.overheadP50.median, '<=', TARGET_P50[l.open] ?? LOAD_TARGET_P50, 'ms')),
    target(`PostgreSQL round trips per job, the most of any type (${worstType.type})`, worstType.queriesPerJob, '<=', 2),
    target('PostgreSQL round trips per intake request', quiet.intakePerRequest, '<=', 2),
    target('PostgreSQL round trips per provisioning callback', quiet.callbackPerRequest, '<=', 3),
  ];
  printTargets(targets, fsyncNote);
  const file = writeResult('overhead', {
    startedAt,
    finishedAt: new Date().toISOString(),
    valid: durability.valid,
    postgres: durability,
    parameters: { levels, rounds, roundSeconds: roundS, fillSeconds: Number(values['fill-s']), warmupSeconds: Number(values['warmup-s']), itemsPerOrder: items, concurrencyPerReplica: concurrency, simulatorLatencyMs: 0, provisioningCallbackDelayMs: callbackDelayMs, replicaRuns: 'compiled JavaScript (bench/.build, tsc)', farmEventSide: 'on' },
    definitions: {
      total: 'from the runtime taking the job (after the concurrency gate) to the engine answering its command',
      adapter: "inside the adapters' methods (HTTP exchange with the simulator, mapping, resilience policies)",
      engine: 'engine commands of the job: complete / fail / throw error / publish message',
      overhead: 'total − adapter − engine: schemas, ledger claim and record, domain state, outbox, logging, runtime, event-loop waits',
      db: 'PostgreSQL round trips of the job (counted at the pg client in the replica) and the time spent in them; part of the overhead',
      intake: 'round trips of POST /orders and POST /callbacks/provisioning, counted at the pg client of the bench process (where the intake runs), per request',
      open: 'orders submitted and not yet finished, kept constant during a round (1 = one order at a time)',
    },
    idleCpuMsPerSecond: idle,
    machine: await machineInfo(),
    rounds: perRound.map((r) => ({ round: r.round, open: r.open, window: r.window.extra ? { ...r.window, extra: undefined } : r.window, all: roundAll(r.all), byType: r.byType.map((t) => ({ type: t.type, ...roundAll(t) })), tripsPerOrder: r.trips.perOrder })),
    byLevel,
    roundTrips: levels.map((open, i) => ({ open, ...trips[i] })),
    farmCpuProfile: profile,
    targets,
  });
  say(`\nresults: ${file}`);
} finally {
  await replica?.stop();
  await setup.close();
}
process.exit(0);

type Round = RoundResult<{ jobs: Awaited<ReturnType<Replica['samples']>>; intake: ReturnType<IntakeProbe['take']> }>;

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

function roundFigures(r: Round) {
  const ok = (r.extra?.jobs.samples ?? []).filter((s) => s.outcome === 'complete');
  const byType = [...new Set(ok.map((s) => s.type))].map((type) => ({ type, ...figures(ok.filter((s) => s.type === type)) }));
  return { all: figures(ok), byType, trips: tripsOf([r]) };
}

/** Round trips over some rounds: per job type, per intake request and callback, per order. */
function tripsOf(rs: readonly Round[]) {
  const samples = rs.flatMap((r) => (r.extra?.jobs.samples ?? []).filter((s) => s.outcome === 'complete'));
  const types = [...new Set(samples.map((s) => s.type))].sort();
  const byType = types.map((type) => {
    const of = samples.filter((s) => s.type === type);
    return { type, jobs: of.length, queriesPerJob: round(of.reduce((q, s) => q + s.queries, 0) / Math.max(1, of.length), 2) };
  });
  const sum = (f: (r: Round) => number) => rs.reduce((n, r) => n + f(r), 0);
  const orders = Math.max(1, sum((r) => r.orders));
  const jobQueries = sum((r) => (r.extra?.jobs.samples ?? []).reduce((q, s) => q + s.queries, 0));
  const intakeRequests = sum((r) => r.extra?.intake.requests.intake ?? 0);
  const callbackRequests = sum((r) => r.extra?.intake.requests.callback ?? 0);
  const intakeQueries = sum((r) => r.extra?.intake.queries.intake ?? 0);
  const callbackQueries = sum((r) => r.extra?.intake.queries.callback ?? 0);
  const background = sum((r) => (r.extra?.intake.queries.background ?? 0) + (r.extra?.intake.queries.other ?? 0));
  const perUnit = (pick: (r: Round) => Readonly<Record<string, Readonly<Record<string, number>>>> | Readonly<Record<string, number>>, units: number, nested: boolean) => {
    const tally = new Map<string, number>();
    for (const r of rs) {
      const got = pick(r);
      const flat = nested ? Object.values(got as Record<string, Record<string, number>>) : [got as Record<string, number>];
      for (const per of flat) for (const [statement, n] of Object.entries(per)) tally.set(statement, (tally.get(statement) ?? 0) + n);
    }
    return [...tally].map(([statement, n]) => ({ statement, perUnit: round(n / Math.max(1, units), 2) })).sort((a, b) => b.perUnit - a.perUnit);
  };
  const intakePerRequest = round(intakeQueries / Math.max(1, intakeRequests), 2);
  const callbackPerRequest = round(callbackQueries / Math.max(1, callbackRequests), 2);
  const jobsPerOrder = round(jobQueries / orders, 2);
  const backgroundPerOrder = round(background / orders, 2);
  return {
    byType,
    intakeRequests,
    callbackRequests,
    intakePerRequest,
    callbackPerRequest,
    jobsPerOrder,
    backgroundPerOrder,
    // per order: one intake request and one callback (one item), its jobs, its share of the background
    perOrder: round(intakePerRequest + callbackPerRequest + jobsPerOrder + backgroundPerOrder, 2),
    jobStatements: perUnit((r) => r.extra?.jobs.statements ?? {}, samples.length, true),
    intakeStatements: perUnit((r) => r.extra?.intake.statements.intake ?? {}, intakeRequests, false),
    callbackStatements: perUnit((r) => r.extra?.intake.statements.callback ?? {}, callbackRequests, false),
    backgroundStatements: perUnit((r) => r.extra?.intake.statements.background ?? {}, orders, false),
  };
}

function roundAll(f: ReturnType<typeof figures>) {
  const r = (s: Summary) => ({ n: s.n, mean: round(s.mean, 3), p50: round(s.p50, 3), p95: round(s.p95, 3), p99: round(s.p99, 3), max: round(s.max, 3) });
  return { jobs: f.jobs, queriesPerJob: round(f.queriesPerJob, 2), total: r(f.total), adapter: r(f.adapter), engine: r(f.engine), db: r(f.db), overhead: r(f.overhead) };
}

function loopText(r: Round): string {
  const l = r.eventLoop[0];
  return l ? `${l.p50.toFixed(2)} / ${l.p99.toFixed(2)} / ${l.max.toFixed(1)}` : '–';
}
