// Prerequisites of the local stack, each named in one line when missing.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export class MissingPrerequisite extends Error {
  override readonly name = 'MissingPrerequisite';
}

/** Major version of the JDK under javaHome, read from its `release` file. */
export function jdkMajor(javaHome: string): number | undefined {
  try {
    const release = readFileSync(path.join(javaHome, 'release'), 'utf8');
    const v = /JAVA_VERSION="(\d+)/.exec(release)?.[1];
    return v ? Number(v) : undefined;
  } catch {
    return undefined;
  }
}

/** A JDK between min and max (inclusive): JAVA_HOME first, then /usr/lib/jvm/*, newest first. */
export function findJdk(min: number, max: number, purpose: string): string {
  const candidates: string[] = [];
  if (process.env.JAVA_HOME) candidates.push(process.env.JAVA_HOME);
  const jvmRoot = '/usr/lib/jvm';
  if (existsSync(jvmRoot)) {
    for (const d of readdirSync(jvmRoot)) candidates.push(path.join(jvmRoot, d));
  }
  const fit = candidates
    .map((home) => ({ home, major: jdkMajor(home) }))
    .filter((c): c is { home: string; major: number } => c.major !== undefined && c.major >= min && c.major <= max && existsSync(path.join(c.home, 'bin', 'java')))
    .sort((a, b) => b.major - a.major);
  const best = fit[0];
  if (!best) {
    throw new MissingPrerequisite(`no JDK ${min}–${max} for ${purpose}: install one (e.g. \`apt-get install -y openjdk-${max === min ? min : 21}-jdk-headless\`) or set JAVA_HOME`);
  }
  return best.home;
}

export function requireMaven(): string {
  try {
    execFileSync('mvn', ['--version'], { stdio: 'ignore' });
    return 'mvn';
  } catch {
    throw new MissingPrerequisite('Maven (`mvn`) is not on PATH: install it with `apt-get install -y maven`');
  }
}

/** Folder of PostgreSQL server binaries (initdb, postgres): PG_BIN, else the newest /usr/lib/postgresql/<v>/bin. */
export function findPostgresBin(): string | undefined {
  if (process.env.PG_BIN) return existsSync(path.join(process.env.PG_BIN, 'initdb')) ? process.env.PG_BIN : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')) && existsSync(path.join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

/**
 * The PostgreSQL server binaries; in CI as root they are installed with apt-get, elsewhere a
 * missing server is a one-line error naming the command to run.
 */
export function requirePostgresBin(): string {
  const found = findPostgresBin();
  if (found) return found;
  if (process.env.CI && process.getuid?.() === 0) {
    console.log('  PostgreSQL server binaries missing: installing them with apt-get (CI, root)');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postgresql'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const installed = findPostgresBin();
    if (installed) return installed;
  }
  throw new MissingPrerequisite('PostgreSQL server binaries (initdb, postgres) not found: run `sudo apt-get install -y postgresql` or set PG_BIN');
}

/** Debian's Chromium, the browser the console's tests drive (playwright-core never downloads one). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's `chromium` package, installed with apt-get when missing (as root: CI and the project's
 * machines), with apt's progress printed; a quick no-op once the binary is there. Not root: a
 * one-line error naming the command. apt-get waits for another install's dpkg lock rather than
 * failing, so two test processes asking at once both get it.
 */
export function requireChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0) {
    throw new MissingPrerequisite(`Chromium (${CHROMIUM}) not found: run \`sudo apt-get install -y chromium\` (the browser tests drive Debian's Chromium)`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lockWait = ['-o', 'DPkg::Lock::Timeout=600'];
  const t0 = Date.now();
  console.log(`  Chromium missing: installing Debian's chromium package with apt-get (${CHROMIUM})`);
  execFileSync('apt-get', [...lockWait, 'update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', [...lockWait, 'install', '-y', '-q', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
  if (!existsSync(CHROMIUM)) throw new MissingPrerequisite(`apt-get installed chromium but ${CHROMIUM} is not there`);
  console.log(`  Chromium installed in ${((Date.now() - t0) / 1000).toFixed(0)}s: ${chromiumVersion()}`);
  return CHROMIUM;
}

/** e.g. "Chromium 156.0.8078.114 built on Debian GNU/Linux 12 (bookworm)" */
export function chromiumVersion(): string {
  return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}
