// `npm run stack:up | stack:down | stack:status | stack:fetch` — the local stack of real servers.
import { mkdirSync, rmSync } from 'node:fs';
import { processesUsing } from './proc.ts';
import type { Component } from './component.ts';
import { stackComponents } from './components/index.ts';
import { MissingPrerequisite, requireChromium, chromiumVersion } from './prereq.ts';
import { stackSettings, type StackSettings } from './settings.ts';

const usage = `usage: node stack/cli.ts <up|down|restart|status|fetch|versions> [--only name,name] [--purge]
  up        fetch what is missing, start every component (idempotent), wait until each is ready
  down      stop exactly the processes this stack started (reverse order)
  restart   stop and start again the components named (restart postgres kafka), waiting until each is ready
  status    pid and readiness of each component; exit 1 when one is not ready
  fetch     download distributions and jars into the cache only
  versions  print the version of each running component
  browser   make sure Debian's Chromium (/usr/bin/chromium) is installed, for the browser tests (apt-get when missing)`;

function selected(all: readonly Component[], argv: string[]): Component[] {
  const i = argv.indexOf('--only');
  if (i < 0) return [...all];
  const names = (argv[i + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((n) => !all.some((c) => c.name === n));
  if (unknown.length) throw new Error(`unknown component(s): ${unknown.join(', ')} (known: ${all.map((c) => c.name).join(', ')})`);
  return all.filter((c) => names.includes(c.name));
}

async function timed(label: string, fn: () => Promise<void>): Promise<void> {
  const t0 = Date.now();
  console.log(`▶ ${label}`);
  await fn();
  console.log(`✔ ${label} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
}

export async function up(s: StackSettings, components: readonly Component[]): Promise<void> {
  mkdirSync(s.dir, { recursive: true });
  console.log(`stack folder ${s.dir}, downloads cached in ${s.cacheDir}`);
  for (const c of components) await timed(`${c.name} fetch`, () => c.fetch(s));
  for (const c of components) await timed(`${c.name} up`, () => c.up(s));
}

/** Stops the components (reverse start order); returns the stack processes still alive afterwards. */
export async function down(s: StackSettings, components: readonly Component[]): Promise<{ pid: number; command: string }[]> {
  for (const c of [...components].reverse()) console.log(`■ ${c.name}: ${await c.down(s)}`);
  const left = processesUsing([s.dir]);
  if (left.length === 0) console.log(`no process of the stack (${s.dir}) is left running`);
  else for (const p of left) console.log(`still running: pid ${p.pid} ${p.command}`);
  return left;
}

/** Stops one component and starts it again, waiting until it is ready (chaos runs, a stuck server). */
export async function restart(s: StackSettings, components: readonly Component[]): Promise<void> {
  for (const c of components) {
    console.log(`■ ${c.name}: ${await c.down(s)}`);
    await timed(`${c.name} up`, () => c.up(s));
  }
}

export async function printVersions(s: StackSettings, components: readonly Component[]): Promise<void> {
  for (const c of components) console.log(`  ${c.name.padEnd(10)} ${await c.version(s).catch((e: Error) => `unavailable (${e.message})`)}`);
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  const s = stackSettings();
  const components = selected(stackComponents, argv);
  switch (command) {
    case 'up':
      await up(s, components);
      console.log('stack is up:');
      await printVersions(s, components);
      return 0;
    case 'down': {
      const left = await down(s, components);
      if (argv.includes('--purge')) {
        rmSync(s.dir, { recursive: true, force: true });
        console.log(`removed ${s.dir}`);
      }
      return left.length === 0 || argv.includes('--only') ? 0 : 1;
    }
    case 'restart': {
      // `restart postgres kafka` or `restart --only postgres,kafka`; never the whole stack by accident
      const named = argv.slice(1).filter((a) => !a.startsWith('--')).flatMap((a) => a.split(','));
      if (named.length === 0) {
        console.error(`name the component(s) to restart (${stackComponents.map((c) => c.name).join(', ')}), e.g. restart postgres`);
        return 2;
      }
      await restart(s, selected(stackComponents, ['--only', named.join(',')]));
      return 0;
    }
    case 'status': {
      let ok = true;
      for (const c of components) {
        const st = await c.status(s);
        ok &&= st.ready;
        console.log(`${c.name.padEnd(10)} ${st.ready ? 'ready  ' : st.running ? 'running' : 'stopped'} ${st.detail}`);
      }
      return ok ? 0 : 1;
    }
    case 'fetch':
      for (const c of components) await timed(`${c.name} fetch`, () => c.fetch(s));
      return 0;
    case 'versions':
      await printVersions(s, components);
      return 0;
    case 'browser':
      await timed('chromium', async () => {
        console.log(`  ${requireChromium()}: ${chromiumVersion()}`);
      });
      return 0;
    default:
      console.error(usage);
      return 2;
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof MissingPrerequisite ? `missing prerequisite: ${err.message}` : `stack: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
