// One measurement window across a bench's replicas: what they finished and the CPU every party
// spent in it — the replicas (process.cpuUsage, reported by each), PostgreSQL, the engine and Kafka
// (/proc, server-cpu.ts) and this bench process (intake, callback, simulators, load) — per job, and
// each replica's event-loop delay over the window.
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
  const start = await Promise.all(replicas.map((r) => r.window()));
  const started = performance.now();
  return {
    async close() {
      const end = await Promise.all(replicas.map((r) => r.window()));
      const seconds = (performance.now() - started) / 1000;
      const servers1 = treeCpuMs(pids);
      const bench1 = benchCpuMs();
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
        eventLoop: end.map((w, i) => ({ replica: replicas[i]?.spec.name ?? String(w.pid), ...w.eventLoop })),
      };
    },
  };
}
