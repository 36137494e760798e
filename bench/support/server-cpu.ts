// CPU time of the stack's servers (PostgreSQL, the engine, Kafka), read from /proc: a server is its
// recorded process and every process below it (PostgreSQL: the postmaster and its backends,
// checkpointer, WAL writer...). Each process counts utime + stime plus what its exited and reaped
// children spent (cutime + cstime), so a backend that ends inside a window is not lost.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { procStatFields, runningPid } from '../../stack/proc.ts';
import { stackSettings } from '../../stack/settings.ts';

export const SERVERS = ['postgres', 'engine', 'kafka'] as const;
export type Server = (typeof SERVERS)[number];

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks */
  readonly ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  // state ppid ... utime(11) stime cutime cstime; undefined: gone between the listing and the read
  const f = procStatFields(pid)?.map(Number);
  return f && { pid, ppid: f[1] ?? 0, ticks: (f[11] ?? 0) + (f[12] ?? 0) + (f[13] ?? 0) + (f[14] ?? 0) };
}

/** CPU ms of each process tree rooted at the given pids (one pass over /proc). */
export function treeCpuMs(roots: ReadonlyMap<Server, number>): Map<Server, number> {
  const stats = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((s): s is ProcStat => s !== undefined);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const out = new Map<Server, number>();
  for (const [server, root] of roots) {
    let ticks = 0;
    const todo = [byPid.get(root)].filter((s): s is ProcStat => s !== undefined);
    while (todo.length) {
      const s = todo.pop() as ProcStat;
      ticks += s.ticks;
      todo.push(...(children.get(s.pid) ?? []));
    }
    out.set(server, (ticks * 1000) / ticksPerSecond);
  }
  return out;
}

/** The running stack servers' pids (from the stack's pid files); a stopped one is left out. */
export function stackServerPids(): Map<Server, number> {
  const dir = stackSettings().dir;
  const pids = new Map<Server, number>();
  for (const server of SERVERS) {
    const pid = runningPid(path.join(dir, server, 'pid'));
    if (pid !== undefined) pids.set(server, pid);
  }
  return pids;
}
