// The project's engine as a child process, as `npm run engine` runs it: free ports, a data folder
// of its own (so the file journal, fsync included, is on), its output in a log file. Start time is
// spawn → the REST topology answering (any answer but a 5xx: REST listens only after recovery); memory is the kernel's VmRSS of the process.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ENGINE_NODE_FLAGS } from '../../engine/src/node-flags.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const nodeBin = path.join(root, 'node_modules', '.bin', 'node');
/** what `npm run engine` runs; BENCH_ENGINE_CLI points the bench at another entry point (e.g. a build of another commit) */
const cli = process.env.BENCH_ENGINE_CLI ? path.resolve(process.env.BENCH_ENGINE_CLI) : path.join(root, 'engine', 'src', 'cli.ts');

export interface EngineProcess {
  readonly pid: number;
  readonly grpcAddress: string;
  readonly restAddress: string;
  readonly dataDir: string;
  /** spawn → GET /v2/topology answered (ms) */
  readonly startMs: number;
  /** the engine's own figure for startEngine (its "engine ready" log line), when it logged one */
  readonly readyMs: number | undefined;
  /** spawn → startEngine called (Node's boot and loading the entry point's modules), from that line's timestamp; undefined without it */
  readonly beforeStartMs: number | undefined;
  /** resident set size now (MB), from /proc/<pid>/status */
  rssMb(): number;
  /** SIGTERM, SIGKILL after graceMs */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: gone at once, as a crash */
  kill(): Promise<void>;
  alive(): boolean;
}

export interface EngineSpawnOptions {
  readonly dataDir: string;
  readonly logFile: string;
  /** keep the ports of a previous run (a restart), so clients reconnect to the same address */
  readonly ports?: { readonly grpc: number; readonly rest: number };
  readonly readyTimeoutMs?: number;
  /** Node flags before the entry point (e.g. --cpu-prof) */
  readonly nodeArgs?: readonly string[];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function spawnEngine(options: EngineSpawnOptions): Promise<EngineProcess> {
  const grpcPort = options.ports?.grpc ?? (await freePort());
  const restPort = options.ports?.rest ?? (await freePort());
  const out = openSync(options.logFile, 'a');
  const started = performance.now();
  const spawnedAt = Date.now();
  // the heap settings `npm run engine` runs with, so memory is measured as it is run
  const child = spawn(nodeBin, [...ENGINE_NODE_FLAGS, ...(options.nodeArgs ?? []), cli], {
    cwd: root,
    env: { ...process.env, ENGINE_GRPC_PORT: String(grpcPort), ENGINE_REST_PORT: String(restPort), ENGINE_DATA_DIR: options.dataDir },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const restAddress = `http://127.0.0.1:${restPort}`;
  const startMs = await untilTopology(child, restAddress, started, options.readyTimeoutMs ?? 60_000, options.logFile);
  const pid = child.pid ?? -1;
  const ready = engineReady(options.logFile, pid);
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    pid,
    grpcAddress: `grpc://127.0.0.1:${grpcPort}`,
    restAddress,
    dataDir: options.dataDir,
    startMs,
    readyMs: ready?.ms,
    beforeStartMs: ready ? ready.time - ready.ms - spawnedAt : undefined,
    rssMb: () => rssMb(pid),
    alive,
    async stop(graceMs = 10_000) {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (!alive()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function untilTopology(child: ChildProcess, restAddress: string, started: number, timeoutMs: number, logFile: string): Promise<number> {
  const deadline = started + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the engine exited (${child.exitCode ?? child.signalCode}) before it answered; see ${logFile}:\n${tail(logFile)}`);
    try {
      const res = await fetch(`${restAddress}/v2/topology`, { signal: AbortSignal.timeout(1_000) });
      // any answer but a server error: the REST server listens only once the engine has recovered
      if (res.status < 500) {
        const answeredAt = performance.now();
        await res.body?.cancel();
        return answeredAt - started;
      }
      await res.body?.cancel();
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the engine did not answer GET /v2/topology within ${timeoutMs / 1000}s; see ${logFile}:\n${tail(logFile)}`);
    }
    await sleep(5);
  }
}

/** VmRSS of a process in MB (NaN when it is gone). */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** `ms` and `time` (epoch ms) of the engine's "engine ready" line (pino JSON) from this process, if it wrote one. */
function engineReady(logFile: string, pid: number): { ms: number; time: number } | undefined {
  try {
    for (const line of readFileSync(logFile, 'utf8').split('\n').reverse()) {
      if (!line.includes('engine ready')) continue;
      const record = JSON.parse(line) as { pid?: number; ms?: number; time?: number; msg?: string };
      if (record.pid === pid && record.msg === 'engine ready' && typeof record.ms === 'number' && typeof record.time === 'number') return { ms: record.ms, time: record.time };
    }
  } catch {
    // not JSON, or no such line: the figures are left out
  }
  return undefined;
}

/** Spawn → exit of `node -e ""` with the project's Node: what any Node process pays before its first import. */
export function nodeBootMs(): Promise<number> {
  return timedNode(['-e', '']);
}

async function timedNode(args: readonly string[]): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(nodeBin, args, { cwd: root, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve());
  });
  return performance.now() - started;
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
