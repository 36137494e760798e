// Start, find and stop the stack's own processes. A pid file records the pid *and* the kernel's
// start time of that pid, so `down` never signals a recycled pid that now belongs to someone else.
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

interface PidRecord {
  readonly pid: number;
  readonly startTime: string;
  readonly command: string;
}

/**
 * The fields of /proc/<pid>/stat after the command name (state, ppid, ..., utime at index 11), or
 * undefined when the pid is gone. The name (field 2) may hold spaces; the fields after its closing
 * parenthesis are fixed.
 */
export function procStatFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Kernel start time (clock ticks since boot) of a live pid, or undefined when it is gone. */
function startTimeOf(pid: number): string | undefined {
  const fields = procStatFields(pid);
  if (!fields || fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return fields[19];
}

export function readPid(pidFile: string): PidRecord | undefined {
  if (!existsSync(pidFile)) return undefined;
  try {
    return JSON.parse(readFileSync(pidFile, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

/** The pid recorded in pidFile when that very process is still running, else undefined. */
export function runningPid(pidFile: string): number | undefined {
  const rec = readPid(pidFile);
  if (!rec) return undefined;
  return startTimeOf(rec.pid) === rec.startTime ? rec.pid : undefined;
}

/** The unprivileged account (STACK_RUN_AS, default nobody) servers run as when the stack is started by root. */
export function serviceAccount(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const name = process.env.STACK_RUN_AS ?? 'nobody';
  try {
    const [, , uid, gid] = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim().split(':');
    return { name, uid: Number(uid), gid: Number(gid) };
  } catch {
    throw new Error(`running as root, and the account ${name} that PostgreSQL should run as does not exist: set STACK_RUN_AS to an unprivileged user`);
  }
}

/** Creates folders (if needed) and hands them, or existing files, to the service account (no-op when not root). */
export function giveTo(account: Account | undefined, ...paths: string[]): void {
  for (const p of paths) {
    if (!existsSync(p)) mkdirSync(p, { recursive: true });
    if (account) execFileSync('chown', ['-R', `${account.uid}:${account.gid}`, p]);
  }
}

export interface StartSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly logFile: string;
  readonly pidFile: string;
  readonly account?: Account | undefined;
}

/** Starts a detached server whose stdout/stderr go to logFile; returns its pid. */
export function startDetached(spec: StartSpec): number {
  mkdirSync(path.dirname(spec.logFile), { recursive: true });
  const out = openSync(spec.logFile, 'a');
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: ['ignore', out, out],
    ...(spec.account ? { uid: spec.account.uid, gid: spec.account.gid } : {}),
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
  child.unref();
  const startTime = startTimeOf(child.pid) ?? '';
  writeFileSync(spec.pidFile, JSON.stringify({ pid: child.pid, startTime, command: spec.command }));
  return child.pid;
}

/** Signals the recorded process (and its process group) and waits for it to exit. */
export async function stopRecorded(pidFile: string, opts: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<'stopped' | 'killed' | 'not-running'> {
  const pid = runningPid(pidFile);
  if (pid === undefined) {
    rmSync(pidFile, { force: true });
    return 'not-running';
  }
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig); // detached => the server leads its own group (scripts + their java)
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signalGroup(opts.signal ?? 'SIGTERM');
  const deadline = Date.now() + (opts.graceMs ?? 30_000);
  while (Date.now() < deadline) {
    if (runningPid(pidFile) === undefined) {
      rmSync(pidFile, { force: true });
      return 'stopped';
    }
    await sleep(200);
  }
  signalGroup('SIGKILL');
  await sleep(500);
  rmSync(pidFile, { force: true });
  return 'killed';
}

/** Polls probe until it holds; fails early, with the log's tail, when the process behind pidFile exits. */
export async function waitFor(label: string, probe: () => Promise<boolean>, timeoutMs: number, logFile?: string, pidFile?: string): Promise<void> {
  const started = Date.now();
  let lastReport = started;
  const tail = () => (logFile && existsSync(logFile) ? `\n--- last lines of ${logFile} ---\n${tailOf(logFile, 25)}` : '');
  for (;;) {
    if (await probe().catch(() => false)) return;
    const now = Date.now();
    if (pidFile && runningPid(pidFile) === undefined) throw new Error(`${label} exited while starting${tail()}`);
    if (now - started > timeoutMs) throw new Error(`${label} not ready after ${Math.round(timeoutMs / 1000)}s${tail()}`);
    if (now - lastReport >= 10_000) {
      console.log(`  … waiting for ${label} (${Math.round((now - started) / 1000)}s)`);
      lastReport = now;
    }
    await sleep(500);
  }
}

export function tailOf(file: string, lines: number): string {
  try {
    // Java stack traces bury the cause: keep the lines that name an error, then the last lines.
    const all = readFileSync(file, 'utf8').split('\n');
    const errors = all.filter((l) => /\b(ERROR|FATAL|Caused by|Exception:)/.test(l)).slice(-8);
    return [...errors, '...', ...all.slice(-lines - 1)].join('\n');
  } catch {
    return '';
  }
}

/** Live processes whose command line mentions one of the given paths (the stack's own folders). */
export function processesUsing(paths: readonly string[]): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      if (command && paths.some((p) => command.includes(p)) && startTimeOf(pid) !== undefined) found.push({ pid, command: command.slice(0, 160) });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Before starting a server: its ports must be free, or the error names the port and the setting. */
export async function assertPortsFree(component: string, ports: Readonly<Record<string, number>>): Promise<void> {
  for (const [setting, port] of Object.entries(ports)) {
    if (await portInUse(port)) {
      throw new Error(`${component}: port ${port} on 127.0.0.1 is already in use by another process (not this stack's); free it or change ${setting}`);
    }
  }
}
