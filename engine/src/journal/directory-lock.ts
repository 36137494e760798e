// One engine per journal directory: two processes appending to the same segments would interleave
// records. The lock is a file naming the owner (pid and host); it is refused only when that owner
// is a live process on this host. A lock left by a killed process is taken over (a dead process
// writes no more), and so is one from another host or container, where liveness cannot be seen
// and a stale lock after a container's re-creation is far more likely than two live engines.
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

const LOCK_FILE = 'journal.lock';

export interface DirectoryLock {
  release(): Promise<void>;
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
}

export async function lockJournalDirectory(dir: string): Promise<DirectoryLock> {
  const lockPath = path.join(dir, LOCK_FILE);
  const owner = await lockOwner(lockPath);
  if (owner !== undefined && owner.host === hostname() && owner.pid !== process.pid && isAlive(owner.pid)) {
    throw new Error(`The journal in ${dir} is in use by process ${owner.pid}; one engine per data directory (remove ${lockPath} if that process is not an engine)`);
  }
  await writeFile(lockPath, `${JSON.stringify({ pid: process.pid, host: hostname() } satisfies LockOwner)}\n`);
  return { release: () => unlink(lockPath).catch(() => undefined) };
}

async function lockOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(lockPath, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || !('pid' in parsed) || !('host' in parsed)) return undefined;
    const { pid, host } = parsed;
    return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0 && typeof host === 'string' ? { pid, host } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
