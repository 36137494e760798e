// The bench's side of an intake process (intake-process.ts): start it on a free port and wait until
// it answers, read its memory from /proc, tell whether it is still alive and ready, stop it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildReplica, COMPILED_INTAKE } from './build-replica.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

export interface IntakeChildSpec {
  readonly name: string;
  /** model suffix of the start messages it publishes */
  readonly suffix: string;
  /** its configuration on top of this process's environment */
  readonly env: Readonly<Record<string, string>>;
  readonly logDir: string;
  /** node flags, e.g. a heap limit */
  readonly nodeFlags?: readonly string[];
}

export interface ProcMemory {
  /** resident set size now, bytes */
  readonly rss: number;
  /** peak resident set size (VmHWM), bytes */
  readonly peak: number;
}

export class IntakeChild {
  readonly spec: IntakeChildSpec;
  readonly child: ChildProcess;
  readonly url: string;
  readonly logFile: string;
  private readonly exited: Promise<number | null>;

  private constructor(spec: IntakeChildSpec, child: ChildProcess, url: string, logFile: string) {
    this.spec = spec;
    this.child = child;
    this.url = url;
    this.logFile = logFile;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(spec: IntakeChildSpec, readyTimeoutMs = 60_000): Promise<IntakeChild> {
    mkdirSync(spec.logDir, { recursive: true });
    const logFile = path.join(spec.logDir, `${spec.name}.log`);
    const out = openSync(logFile, 'a');
    const port = await freePort();
    // compiled JavaScript, as production runs dist/src/main/intake.js (no type stripping at run time)
    buildReplica();
    const child = spawn(process.execPath, [...(spec.nodeFlags ?? []), '--disable-warning=TimeoutNegativeWarning', COMPILED_INTAKE, `--suffix=${spec.suffix}`], {
      cwd: root,
      env: { ...process.env, ...spec.env, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port) },
      stdio: ['ignore', out, out],
    });
    const intake = new IntakeChild(spec, child, `http://127.0.0.1:${port}`, logFile);
    const deadline = Date.now() + readyTimeoutMs;
    while (!(await intake.live())) {
      if (!intake.alive()) throw new Error(`${spec.name} exited (code ${child.exitCode}) before it answered; see ${logFile}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${spec.name} not answering after ${readyTimeoutMs / 1000}s; see ${logFile}`);
      }
      await sleep(250);
    }
    return intake;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async live(): Promise<boolean> {
    return (await this.health('/health/live')) === 200;
  }

  /** The status of GET /health/ready (or /live); 0 when it does not answer. */
  async health(which: '/health/live' | '/health/ready' = '/health/ready'): Promise<number> {
    try {
      const res = await fetch(`${this.url}${which}`, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  memory(): ProcMemory {
    return procMemory(this.pid);
  }

  /** SIGTERM, SIGKILL after graceMs; the exit code (null when killed). */
  async stop(graceMs = 10_000): Promise<number | null> {
    if (!this.alive()) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** VmRSS and VmHWM of a process from /proc/<pid>/status (NaN when unreadable). */
export function procMemory(pid: number): ProcMemory {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+)`, 'm'))?.[1] ?? Number.NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return { rss: Number.NaN, peak: Number.NaN };
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}
