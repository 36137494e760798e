// One measurement window across a bench's replicas: what they finished and the CPU every party
// spent in it — the replicas (process.cpuUsage, reported by each), PostgreSQL, the engine and Kafka
// (/proc, server-cpu.ts) and this bench process (intake, callback, simulators, load) — per job, and
// each replica's event-loop delay over the window.
import { readFileSync } from 'node:fs';
import { totalJobs, type EventLoopDelay } from './protocol.ts';
import type { Replica, WindowReading } from './replicas.ts';
import { SERVERS, stackServerPids, treeCpuMs, type Server } from './server-cpu.ts';
import { round } from './stats.ts';

export type Party = 'replicas' | Server | 'bench';

export interface WindowFigures {
  readonly seconds: number;
  readonly orders: number;
  readonly jobs: number;
  readonly ordersPerSecond: number;
  readonly jobsPerSecond: number;
  /** CPU ms spent in the window by each party */
  readonly cpuMs: Readonly<Record<Party, number>>;
  /** the same ÷ jobs completed in the window */
  readonly cpuMsPerJob: Readonly<Record<Party, number>>;
  readonly eventLoop: readonly ({ readonly replica: string } & EventLoopDelay)[];
  /** share of the whole box's CPU time in use during the window (/proc/stat; 1 = every core busy) */
  readonly boxCpuBusy: number;
  /** outbox events the replicas' relays published in the window, and which replica was the publisher */
  readonly relay: { readonly published: number; readonly leaders: readonly string[] };
}

/** Busy and total jiffies of all CPUs since boot (/proc/stat: idle and iowait count as not busy). */
function boxCpu(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

export interface Window {
  close(): Promise<WindowFigures>;
}

const cpuOf = (w: WindowReading) => (w.cpuUserUs + w.cpuSystemUs) / 1000;
const benchCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export async function openWindow(replicas: readonly Replica[]): Promise<Window> {
  const pids = stackServerPids();
  const servers0 = treeCpuMs(pids);
  const bench0 = benchCpuMs();
  const box0 = boxCpu();
  const start = await Promise.all(replicas.map((r) => r.window()));
  const started = performance.now();
  return {
    async close() {
      const end = await Promise.all(replicas.map((r) => r.window()));
      const seconds = (performance.now() - started) / 1000;
      const servers1 = treeCpuMs(pids);
      const bench1 = benchCpuMs();
      const box1 = boxCpu();
      const sum = (f: (w: WindowReading) => number, of: readonly WindowReading[]) => of.reduce((n, w) => n + f(w), 0);
      const orders = sum((w) => w.finished, end) - sum((w) => w.finished, start);
      const jobs = sum((w) => totalJobs(w.jobs), end) - sum((w) => totalJobs(w.jobs), start);
      const cpuMs = { replicas: sum(cpuOf, end) - sum(cpuOf, start), bench: bench1 - bench0 } as Record<Party, number>;
      for (const server of SERVERS) cpuMs[server] = pids.has(server) ? (servers1.get(server) ?? 0) - (servers0.get(server) ?? 0) : Number.NaN;
      const cpuMsPerJob = Object.fromEntries(Object.entries(cpuMs).map(([party, ms]) => [party, round(ms / Math.max(1, jobs), 3)])) as Record<Party, number>;
      return {
        seconds: round(seconds, 2),
        orders,
        jobs,
        ordersPerSecond: orders / seconds,
        jobsPerSecond: jobs / seconds,
        cpuMs: Object.fromEntries(Object.entries(cpuMs).map(([party, ms]) => [party, round(ms, 0)])) as Record<Party, number>,
        cpuMsPerJob,
        relay: {
          published: sum((w) => w.relay?.published ?? 0, end) - sum((w) => w.relay?.published ?? 0, start),
          leaders: end.flatMap((w, i) => (w.relay?.leader ? [replicas[i]?.spec.name ?? String(w.pid)] : [])),
        },
        boxCpuBusy: round((box1.busy - box0.busy) / Math.max(1, box1.total - box0.total), 3),
        eventLoop: end.map((w, i) => ({ replica: replicas[i]?.spec.name ?? String(w.pid), ...w.eventLoop })),
      };
    },
  };
}

/** CPU ms per second of each party with no orders in the system: what the per-job figures include at any rate. */
export async function idleCpuPerSecond(replicas: readonly Replica[], seconds: number): Promise<Record<Party, number>> {
  const window = await openWindow(replicas);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const f = await window.close();
  return Object.fromEntries(Object.entries(f.cpuMs).map(([party, ms]) => [party, round(ms / f.seconds, 1)])) as Record<Party, number>;
}
