// A farm replica as its own operating-system process, compiled as production runs it
// (`node dist/src/main/farm.js …`, built first when dist/ is stale), for tests that signal or kill
// replicas: its JSON log lines are kept in memory, its exit is awaitable.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { eventually } from './process-test.ts';
import { adapterUrlsFor } from '../../simulators/endpoints.ts';
import { FARM_NODE_FLAGS } from '../../src/main/farm/node-flags.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
/** the compiled farm entry point (tsconfig.build.json) */
export const COMPILED_FARM = path.join(root, 'dist', 'src', 'main', 'farm.js');

let built = false;
/** Compiles src/ and workers/ into dist/ unless it is up to date (once per test process). */
export function ensureBuilt(): void {
  if (built) return;
  const build = spawnSync(process.execPath, [path.join(root, 'tools', 'build', 'if-stale.ts')], { cwd: root, encoding: 'utf8' });
  // type errors still emit JavaScript (the type check is tsc --noEmit's job): only no output at all stops the test
  if (build.status !== 0 && !existsSync(COMPILED_FARM)) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
  built = true;
}

/**
 * A replica process wired to a harness: its simulators, its intake's callback, fast external
 * timeouts and an ephemeral operations port; `env` adds or overrides.
 */
export function replicaEnv(h: { readonly simulatorUrl: string; readonly intakeUrl: string }, env: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    // per-job lines (job completed, …) are debug: the tests read them
    LOG_LEVEL: 'debug',
    ...adapterUrlsFor(h.simulatorUrl),
    PROVISIONING_CALLBACK_URL: `${h.intakeUrl}/callbacks/provisioning`,
    EXTERNAL_CONNECT_TIMEOUT_MS: '1000',
    EXTERNAL_RESPONSE_TIMEOUT_MS: '5000',
    FARM_HTTP_PORT: '0',
    ...env,
  };
}

export interface ReplicaExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export type LogLine = Readonly<Record<string, unknown>> & { readonly msg?: string };

export class FarmReplica {
  readonly name: string;
  readonly lines: LogLine[] = [];
  readonly exited: Promise<ReplicaExit>;
  private readonly child: ChildProcess;
  private exit: ReplicaExit | undefined;

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.child = child;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      }),
    );
    const keep = (text: string) => {
      try {
        this.lines.push(JSON.parse(text) as LogLine);
      } catch {
        this.lines.push({ msg: text });
      }
    };
    createInterface({ input: child.stdout! }).on('line', keep);
    createInterface({ input: child.stderr! }).on('line', keep);
  }

  /** Starts `node dist/src/main/farm.js <args>` with `env` over this process's environment. */
  static start(name: string, args: readonly string[], env: Readonly<Record<string, string>>): FarmReplica {
    ensureBuilt();
    const child = spawn(process.execPath, [...FARM_NODE_FLAGS, COMPILED_FARM, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new FarmReplica(name, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Log lines whose message is (or starts with) `msg`. */
  logged(msg: string): LogLine[] {
    return this.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith(msg));
  }

  async awaitLog(msg: string, timeoutMs = 60_000): Promise<LogLine> {
    return eventually(`${this.name} to log "${msg}"`, async () => {
      if (this.exit) throw new Error(`${this.name} exited (${JSON.stringify(this.exit)}); last lines: ${this.tail()}`);
      return this.logged(msg)[0];
    }, { timeoutMs, intervalMs: 200 });
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Stops a replica still running at the end of a test (drain first, then kill). */
  async stop(): Promise<void> {
    if (this.exit || this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }

  tail(n = 8): string {
    return this.lines.slice(-n).map((l) => JSON.stringify(l)).join('\n');
  }
}
