// Where the CPU goes during a round: seconds of CPU (user + system) per process, from
// /proc/<pid>/stat, so a missed target shows whether the engine, the bench's client or the workers
// were the busy ones on this two-core machine.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux) */
const TICKS = 100;

export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the fields after the command name (which may hold spaces) in parentheses
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return Number.NaN;
  }
}

export type Processes = Readonly<Record<string, number>>;

export interface CpuUse {
  /** CPU per process over the window, in cores (1 = one core busy all along) */
  readonly cores: Readonly<Record<string, number>>;
  /** CPU seconds per process over the window */
  readonly seconds: Readonly<Record<string, number>>;
}

/** Starts a measurement over named processes; `take()` ends it. */
export function cpuWindow(processes: Processes): { take(): CpuUse } {
  const t0 = performance.now();
  const before = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuSeconds(pid)]));
  return {
    take() {
      const wall = (performance.now() - t0) / 1000;
      const seconds = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, Number((cpuSeconds(pid) - (before[name] ?? Number.NaN)).toFixed(2))]));
      const cores = Object.fromEntries(Object.entries(seconds).map(([name, used]) => [name, Number((used / wall).toFixed(2))]));
      return { cores, seconds };
    },
  };
}
