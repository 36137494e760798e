// `npm run bench:load [-- --phase-s 20 --connections 64]` — the intake under load while the engine is
// slowed. The intake runs as its own process (composed as `npm run intake`) with its gateway
// channel through a TCP proxy that delays the engine (test/support/latency-proxy.ts):
//   intake → proxy → engine. autocannon sends valid orders (an Idempotency-Key of its own each,
// the stack's intake bearer token when the intake checks tokens) to POST /orders in phases:
// the engine at 0 ms, at 500 ms per chunk, stalled (nothing passes), then at 0 ms again (recovery).
// Per phase: requests/s, answers by status, latency p50/p99/max, timeouts and errors, the intake's
// RSS (sampled from /proc, and its VmHWM peak). Checked (exit 1 otherwise): every answer a 202, or
// an overload answer 429/503 with Retry-After — nothing else, no client timeout (autocannon waits
// longer than INTAKE_ENGINE_TIMEOUT_MS), no connection error; the intake's peak RSS within the bound;
// after the stall it accepts orders again. The start messages carry a suffix no model has, so the
// accepted orders start nothing (they wait in the engine's buffer for their TTL, an hour).
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { up } from '../stack/cli.ts';
import { stackComponents } from '../stack/components/index.ts';
import { stackSettings } from '../stack/settings.ts';
import { apiToken } from '../stack/api-tokens.ts';
import { addressPort, loadConfig } from '../src/platform/config.ts';
import { migrate } from '../src/platform/migrate.ts';
import { startLatencyProxy, type LatencyProxy } from '../test/support/latency-proxy.ts';
import { sampleOrder } from '../tools/demo/sample-orders.ts';
import { autocannon, type CannonResult } from './load/autocannon.ts';
import { intakeLimits } from './load/intake-limits.ts';
import { IntakeChild, procMemory } from './support/intake-child.ts';
import { say } from './support/progress.ts';
import { machineInfo, printTable, printTargets, target, writeResult } from './support/report.ts';
import { round } from './support/stats.ts';

const { values } = parseArgs({
  options: {
    'phase-s': { type: 'string', default: '20' },
    connections: { type: 'string', default: '64' },
    'slow-ms': { type: 'string', default: '500' },
    // connections while the engine is stalled; default INTAKE_MAX_PENDING_STARTS + 64
    'stall-connections': { type: 'string' },
    // the bound the intake's memory must stay within (peak VmHWM); default: its container's limit in deploy/intake.yaml
    'rss-bound-mb': { type: 'string' },
    'stack-up': { type: 'boolean', default: true },
  },
  allowNegative: true,
});
const phaseS = Number(values['phase-s']);
const connections = Number(values.connections);
const limits = intakeLimits();
const rssBoundMb = values['rss-bound-mb'] === undefined ? limits.memoryLimitMb : Number(values['rss-bound-mb']);
const startedAt = new Date().toISOString();
const MB = 1024 * 1024;

interface PhasePlan {
  readonly name: string;
  readonly engine: string;
  /** connections of this phase (default --connections) */
  readonly connections?: number;
  apply(proxy: LatencyProxy): void;
}
const phases: PhasePlan[] = [
  { name: 'engine at 0 ms', engine: '0 ms', apply: (p) => (p.resume(), p.setDelay(0)) },
  { name: `engine at ${values['slow-ms']} ms`, engine: `${values['slow-ms']} ms per chunk`, apply: (p) => p.setDelay(Number(values['slow-ms'])) },
  // more requests waiting at once than the intake keeps pending (INTAKE_MAX_PENDING_STARTS): the rest must be shed with 503 at once
  { name: 'engine stalled', engine: 'stalled', connections: Number(values['stall-connections'] ?? 0) || loadConfig().INTAKE_MAX_PENDING_STARTS + 64, apply: (p) => p.stall() },
  { name: 'recovered (0 ms)', engine: '0 ms', apply: (p) => (p.setDelay(0), p.resume()) },
];

interface PhaseFigures {
  readonly phase: string;
  readonly engine: string;
  readonly connections: number;
  readonly requestsPerS: number;
  readonly sent: number;
  readonly statuses: Record<string, number>;
  readonly withoutRetryAfter: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly timeouts: number;
  readonly errors: number;
  readonly intakeRssMb: { readonly peakInPhase: number; readonly atEnd: number; readonly hwm: number };
  /** from the intake's own /metrics at the phase's end: V8 heap used and total, memory outside the heap (buffers) */
  readonly intakeHeapMb: { readonly used: number; readonly total: number; readonly external: number };
}

if (values['stack-up']) await up(stackSettings(), stackComponents);
const config = loadConfig();
await migrate(config);
const engineHost = new URL(config.ZEEBE_GRPC_ADDRESS.replace(/^grpcs?:/, 'http:')).hostname;
const proxy = await startLatencyProxy({ targetHost: engineHost, targetPort: addressPort(config.ZEEBE_GRPC_ADDRESS) });
const runTag = `ld${randomUUID().slice(0, 8)}`;
const logDir = `${stackSettings().dir}/bench/load-${runTag}`;
let intake: IntakeChild | undefined;
let exitCode = 1;
try {
  // as production runs it (deploy/intake.yaml): compiled, with its NODE_OPTIONS
  intake = await IntakeChild.start({ name: 'intake', suffix: runTag, logDir, nodeFlags: limits.nodeOptions, env: { ZEEBE_GRPC_ADDRESS: `grpc://${proxy.address}`, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' } });
  await sleep(2_000);
  const baseline = procMemory(intake.pid);
  const clientTimeoutS = Math.ceil(config.INTAKE_ENGINE_TIMEOUT_MS / 1000) * 3;
  say(`load: intake pid ${intake.pid} (node ${limits.nodeOptions.join(' ')}; RSS at rest ${round(baseline.rss / MB, 1)} MB, bound ${rssBoundMb} MB) at ${intake.url}, its engine through ${proxy.address}; ${connections} connections, ${phaseS} s per phase, client timeout ${clientTimeoutS} s (INTAKE_ENGINE_TIMEOUT_MS ${config.INTAKE_ENGINE_TIMEOUT_MS}); logs in ${logDir}`);
  const probe = await fetch(`${intake.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `${runTag}-probe` }, body: JSON.stringify(sampleOrder({ tenantId: 'tenant-load' })) });
  const authOn = probe.status === 401;
  say(`intake: bearer tokens ${authOn ? 'checked' : 'NOT checked'} (probe without a token: HTTP ${probe.status})`);

  const figures: PhaseFigures[] = [];
  for (const plan of phases) {
    plan.apply(proxy);
    const token = authOn ? await apiToken('intake') : undefined;
    figures.push(await runPhase(intake, plan, token, clientTimeoutS));
    const f = figures[figures.length - 1] as PhaseFigures;
    say(`${plan.name}: ${round(f.requestsPerS, 0)} req/s, ${Object.entries(f.statuses).map(([k, v]) => `${v}×${k}`).join(' ')}, p99 ${f.latencyMs.p99} ms, RSS peak ${f.intakeRssMb.peakInPhase} MB`);
    // let what the phase left pending drain before the next starts
    proxy.resume();
    await sleep(2_000);
  }
  const alive = intake.alive();
  const ready = await intake.health('/health/ready');
  const hwm = Math.max(...figures.map((f) => f.intakeRssMb.hwm));

  printTable(`load on POST /orders, ${connections} connections, ${phaseS} s per phase`, ['phase', 'engine', 'connections', 'req/s', 'answers', 'no Retry-After', 'p50 ms', 'p99 ms', 'max ms', 'timeouts', 'errors', 'RSS peak MB', 'RSS end MB', 'heap used / total MB'], figures.map((f) => [
    f.phase, f.engine, f.connections, round(f.requestsPerS, 0), Object.entries(f.statuses).map(([k, v]) => `${k}: ${v}`).join(', '), f.withoutRetryAfter, f.latencyMs.p50, f.latencyMs.p99, f.latencyMs.max, f.timeouts, f.errors, f.intakeRssMb.peakInPhase, f.intakeRssMb.atEnd, `${f.intakeHeapMb.used} / ${f.intakeHeapMb.total}`,
  ]));
  const unexpected = figures.reduce((n, f) => n + Object.entries(f.statuses).filter(([s]) => !['202', '429', '503'].includes(s)).reduce((c, [, v]) => c + v, 0), 0);
  const recovered = figures[figures.length - 1]?.statuses['202'] ?? 0;
  const targets = [
    target('answers other than 202, 429, 503', unexpected, '==', 0),
    target('429/503 without Retry-After', figures.reduce((n, f) => n + f.withoutRetryAfter, 0), '==', 0),
    target('client timeouts', figures.reduce((n, f) => n + f.timeouts, 0), '==', 0),
    target('connection errors', figures.reduce((n, f) => n + f.errors - f.timeouts, 0), '==', 0),
    target(`intake peak RSS (VmHWM) within its container limit`, round(hwm, 1), '<=', rssBoundMb, 'MB'),
    target('orders accepted after the stall (recovery)', recovered, '>=', 1),
    target('intake alive and ready at the end', alive && ready === 200 ? 1 : 0, '==', 1),
  ];
  printTargets(targets, ' — issue 13: load with a slowed engine');
  const file = writeResult('load', {
    startedAt,
    finishedAt: new Date().toISOString(),
    parameters: { ...values, clientTimeoutS, intakeEngineTimeoutMs: config.INTAKE_ENGINE_TIMEOUT_MS, intakeMaxPendingStarts: config.INTAKE_MAX_PENDING_STARTS, rateLimit: { perSecond: config.INTAKE_RATE_LIMIT_PER_SECOND, burst: config.INTAKE_RATE_LIMIT_BURST }, intakeChecksTokens: authOn, runTag },
    machine: await machineInfo(),
    phases: figures,
    intake: { alive, readyStatus: ready, nodeOptions: limits.nodeOptions, rssAtRestMb: round(baseline.rss / MB, 1), peakRssMb: round(hwm, 1), boundMb: rssBoundMb, boundFrom: values['rss-bound-mb'] === undefined ? 'deploy/intake.yaml resources.limits.memory' : '--rss-bound-mb' },
    targets,
  });
  say(`\nresults: ${file}`);
  exitCode = targets.every((t) => t.met) ? 0 : 1;
} catch (err) {
  console.error(`load bench failed: ${(err as Error).stack ?? String(err)}`);
} finally {
  proxy.resume();
  await intake?.stop();
  await proxy.close();
}
process.exit(exitCode);

async function runPhase(child: IntakeChild, plan: PhasePlan, token: string | undefined, timeoutS: number): Promise<PhaseFigures> {
  const statuses: Record<string, number> = {};
  let withoutRetryAfter = 0;
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, procMemory(child.pid).rss);
  }, 250);
  const body = JSON.stringify(sampleOrder({ tenantId: 'tenant-load' }));
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  let result: CannonResult;
  try {
    result = await autocannon({
      url: child.url,
      connections: plan.connections ?? connections,
      duration: phaseS,
      timeout: timeoutS,
      requests: [
        {
          method: 'POST',
          path: '/orders',
          setupRequest: (req) => ({ ...req, headers: { ...headers, 'idempotency-key': `${runTag}-${randomUUID()}` }, body }),
          onResponse: (status, _body, _ctx, responseHeaders) => {
            statuses[status] = (statuses[status] ?? 0) + 1;
            if ((status === 429 || status === 503) && responseHeaders['retry-after'] === undefined) withoutRetryAfter++;
          },
        },
      ],
    });
  } finally {
    clearInterval(sampler);
  }
  const mem = procMemory(child.pid);
  const heap = await heapOf(child);
  const sent = Object.values(statuses).reduce((n, v) => n + v, 0);
  return {
    phase: plan.name,
    engine: plan.engine,
    connections: plan.connections ?? connections,
    requestsPerS: sent / result.duration,
    sent,
    statuses,
    withoutRetryAfter,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    timeouts: result.timeouts,
    errors: result.errors,
    intakeRssMb: { peakInPhase: round(Math.max(peak, mem.rss) / MB, 1), atEnd: round(mem.rss / MB, 1), hwm: round(mem.peak / MB, 1) },
    intakeHeapMb: heap,
  };
}

/** Heap figures from the intake's GET /metrics (prom-client's default process metrics); NaN when unreadable. */
async function heapOf(child: IntakeChild): Promise<{ used: number; total: number; external: number }> {
  const text = await fetch(`${child.url}/metrics`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text()).catch(() => '');
  const metric = (name: string) => round(Number(text.match(new RegExp(`^${name} (\\S+)`, 'm'))?.[1] ?? Number.NaN) / MB, 1);
  return { used: metric('nodejs_heap_size_used_bytes'), total: metric('nodejs_heap_size_total_bytes'), external: metric('nodejs_external_memory_bytes') };
}
