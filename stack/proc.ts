// Start, find and stop the stack's own processes. A pid file records the pid *and* the kernel's
// start time of that pid, so `down` never signals a recycled pid that now belongs to someone else.
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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

/** Kernel start time (clock ticks since boot) of a live pid, or undefined when it is gone. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields after the closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    if (state === 'Z' || state === 'X') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
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

/** The unprivileged account servers run as when the stack is started by root. */
export function serviceAccount(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const wanted = process.env.STACK_RUN_AS ? [process.env.STACK_RUN_AS] : ['postgres', 'nobody'];
  for (const name of wanted) {
    try {
      const line = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim();
      const [, , uid, gid] = line.split(':');
      return { name, uid: Number(uid), gid: Number(gid) };
    } catch {
      // try the next candidate
    }
  }
  throw new Error(`running as root and none of the accounts ${wanted.join(', ')} exists: set STACK_RUN_AS to an unprivileged user`);
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

export async function waitFor(label: string, probe: () => Promise<boolean>, timeoutMs: number, logFile?: string): Promise<void> {
  const started = Date.now();
  let lastReport = started;
  for (;;) {
    if (await probe().catch(() => false)) return;
    const now = Date.now();
    if (now - started > timeoutMs) {
      const tail = logFile && existsSync(logFile) ? `\n--- last lines of ${logFile} ---\n${tailOf(logFile, 25)}` : '';
      throw new Error(`${label} not ready after ${Math.round(timeoutMs / 1000)}s${tail}`);
    }
    if (now - lastReport >= 10_000) {
      console.log(`  … waiting for ${label} (${Math.round((now - started) / 1000)}s)`);
      lastReport = now;
    }
    await sleep(500);
  }
}

export function tailOf(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '';
  }
}
