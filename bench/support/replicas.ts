// The bench's side of its replicas (replica.ts compiled to JavaScript, child processes): start one
// and wait until its job streams are open, follow what it reports, ask it for a measurement window
// or its job samples, read its peak RSS, stop it (SIGTERM: drain) or kill it (SIGKILL: chaos), and
// start it again under the same name.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { totalJobs, type JobCounts, type ReplicaMessage } from './protocol.ts';
import { FARM_NODE_FLAGS } from '../../src/main/farm/node-flags.ts';
import { buildReplica } from './build-replica.ts';

export interface ReplicaSpec {
  readonly name: string;
  readonly mode: 'farm' | 'bare';
  readonly suffix: string;
  readonly concurrency: number;
  readonly jobTimeoutMs?: number;
  readonly observe?: boolean;
  /** the event side (outbox relay, provisioning results consumer): on unless false, as in production */
  readonly events?: boolean;
  /** write a V8 CPU profile to <logDir>/<name>.cpuprofile when the replica exits (see cpu-profile.ts) */
  readonly profile?: boolean;
  /** configuration of the child (simulator and intake addresses, log level, ...) */
  readonly env: Readonly<Record<string, string>>;
  readonly logDir: string;
}

type Stats = Extract<ReplicaMessage, { kind: 'stats' }>;
export type WindowReading = Omit<Extract<ReplicaMessage, { kind: 'window' }>, 'kind'>;
const root = path.resolve(import.meta.dirname, '..', '..');

export class Replica {
  readonly spec: ReplicaSpec;
  readonly child: ChildProcess;
  readonly startedAt = Date.now();
  private stats: Stats | undefined;
  private peak = 0;
  private peakHeap = 0;
  private readonly rss: number[] = [];
  private readonly exited: Promise<number | null>;
  private waiting: ((m: Extract<ReplicaMessage, { kind: 'samples' }>) => void) | undefined;
  private windowWaiters: ((m: WindowReading) => void)[] = [];

  private constructor(spec: ReplicaSpec, child: ChildProcess) {
    this.spec = spec;
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    // a send to a replica that just died fails here, and the waiting call rejects (see answer)
    child.on('error', () => undefined);
    child.on('message', (m: ReplicaMessage) => {
      if (m.kind === 'stats') {
        this.stats = m;
        this.peak = Math.max(this.peak, m.rss);
        this.peakHeap = Math.max(this.peakHeap, m.heapUsed);
        this.rss.push(m.rss);
      } else if (m.kind === 'window') {
        this.windowWaiters.shift()?.(m);
      } else if (m.kind === 'samples') {
        this.waiting?.(m);
        this.waiting = undefined;
      }
    });
  }

  /** Starts the replica and resolves once its job streams are open. */
  static async start(spec: ReplicaSpec, readyTimeoutMs = 60_000): Promise<Replica> {
    mkdirSync(spec.logDir, { recursive: true });
    const logFile = path.join(spec.logDir, `${spec.name}.log`);
    const out = openSync(logFile, 'a');
    const args = [`--mode=${spec.mode}`, `--suffix=${spec.suffix}`, `--concurrency=${spec.concurrency}`, `--job-timeout-ms=${spec.jobTimeoutMs ?? 60_000}`];
    if (spec.observe) args.push('--observe');
    if (spec.mode === 'farm') args.push(`--events=${spec.events === false ? 'off' : 'on'}`);
    const node = ['--disable-warning=TimeoutNegativeWarning', ...(spec.mode === 'farm' ? FARM_NODE_FLAGS : []), ...(spec.profile ? ['--cpu-prof', `--cpu-prof-dir=${spec.logDir}`, `--cpu-prof-name=${spec.name}.cpuprofile`] : [])];
    const child = spawn(process.execPath, [...node, buildReplica(), ...args], {
      cwd: root,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', out, out, 'ipc'],
    });
    const replica = new Replica(spec, child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${spec.name} not ready after ${readyTimeoutMs / 1000}s; see ${logFile}`)), readyTimeoutMs);
      child.on('message', (m: ReplicaMessage) => {
        if (m.kind !== 'ready') return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${spec.name} exited (code ${code}) before it was ready; see ${logFile}`));
      });
    });
    return replica;
  }

  /** where the CPU profile is written (once the replica has exited), for a replica started with profile */
  get profileFile(): string | undefined {
    return this.spec.profile ? path.join(this.spec.logDir, `${this.spec.name}.cpuprofile`) : undefined;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Orders whose last job this replica completed (as of its latest report). */
  finished(): number {
    return this.stats?.finished ?? 0;
  }

  /** When its latest order finished (epoch ms; 0 before the first). */
  lastFinishedAt(): number {
    return this.stats?.lastFinishedAt ?? 0;
  }

  jobs(): JobCounts {
    return this.stats?.jobs ?? {};
  }

  /** Resident set size: latest, peak, and every sample reported so far; peak V8 heap in use (bytes). */
  memory(): { latest: number; peak: number; samples: readonly number[]; peakHeapUsed: number } {
    return { latest: this.stats?.rss ?? 0, peak: this.peak, samples: this.rss, peakHeapUsed: this.peakHeap };
  }

  /** The per-job measurements of an --observe replica (and forgets them there). */
  async samples(): Promise<Omit<Extract<ReplicaMessage, { kind: 'samples' }>, 'kind'>> {
    const reply = new Promise<Extract<ReplicaMessage, { kind: 'samples' }>>((resolve) => (this.waiting = resolve));
    this.child.send({ kind: 'samples' });
    return this.answer(reply);
  }

  /** Its finished orders, jobs, CPU time so far and event-loop delay since the previous window. */
  async window(): Promise<WindowReading> {
    const reply = new Promise<WindowReading>((resolve) => this.windowWaiters.push(resolve));
    this.child.send({ kind: 'window' });
    return this.answer(reply);
  }

  /** The reply, or an error when the replica exits first (a crashed replica must not hang the bench). */
  private answer<T>(reply: Promise<T>): Promise<T> {
    const gone = this.exited.then((code) => {
      throw new Error(`replica ${this.spec.name} exited (code ${code}); see ${path.join(this.spec.logDir, `${this.spec.name}.log`)}`);
    });
    return Promise.race([reply, gone]);
  }

  /** Peak resident set size of the process so far (VmHWM from /proc), in bytes; NaN when unreadable. */
  peakRss(): number {
    try {
      const line = readFileSync(`/proc/${this.pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
      return line ? Number(line.replace(/\D+/g, '')) * 1024 : Number.NaN;
    } catch {
      return Number.NaN;
    }
  }

  /** SIGTERM: the replica drains its running jobs and exits; SIGKILL after graceMs. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.alive()) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL: gone at once, mid-job, as a crashed pod. */
  async kill(): Promise<void> {
    if (!this.alive()) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Orders finished across replicas (a killed replica's last report still counts). */
export const finishedBy = (replicas: readonly Replica[]) => replicas.reduce((n, r) => n + r.finished(), 0);

export const lastFinishedAt = (replicas: readonly Replica[]) => Math.max(0, ...replicas.map((r) => r.lastFinishedAt()));

export const jobsBy = (replicas: readonly Replica[]) => replicas.reduce((n, r) => n + totalJobs(r.jobs()), 0);
