// The demo's own processes (simulators, intake, farm replicas): started with their output in log
// files, awaited until ready, and stopped with SIGTERM (the farm drains) when the demo ends. The
// farm's processes (src/main/*.ts) run compiled from dist/, as production runs them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly logFile: string;
}

const root = path.resolve(import.meta.dirname, '..', '..');

let built = false;
/** `src/main/farm.ts` runs as `dist/src/main/farm.js` (built first when stale); dev tools (simulators) run as they are. */
function runnable(script: string): string {
  if (!/^(src|workers)\/.*\.ts$/.test(script)) return script;
  if (!built) {
    const build = spawnSync(process.execPath, [path.join(root, 'tools', 'build', 'if-stale.ts')], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
    built = true;
  }
  return path.join('dist', script.replace(/\.ts$/, '.js'));
}

export function startChild(name: string, script: string, logDir: string, env: NodeJS.ProcessEnv = {}, nodeFlags: readonly string[] = []): Child {
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', ...nodeFlags, path.join(root, runnable(script))], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  return { name, process: child, logFile };
}

export async function awaitReady(child: Child, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited (code ${child.process.exitCode}); see ${child.logFile}`);
    if (await probe().catch(() => false)) return;
    await sleep(300);
  }
  throw new Error(`${child.name} not ready after ${timeoutMs / 1000}s; see ${child.logFile}`);
}

export const logSays = (child: Child, text: string) => async () => readFileSync(child.logFile, 'utf8').includes(text);

export async function stopChildren(children: readonly Child[], graceMs = 15_000): Promise<void> {
  await Promise.all(
    children.map(async (c) => {
      // gone already (exited, or killed by a signal: a Ctrl-C reaches the children too)
      if (c.process.exitCode !== null || c.process.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => c.process.once('exit', () => resolve()));
      c.process.kill('SIGTERM');
      const timer = setTimeout(() => c.process.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }),
  );
}
