// One engine per journal directory: two processes appending to the same segments would interleave
// records. The lock is a file holding the owner's pid; a lock whose process is gone (kill -9 leaves
// it behind) is taken over, since a dead process can no longer write.
import { readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

const LOCK_FILE = 'journal.lock';

export interface DirectoryLock {
  release(): Promise<void>;
}

export async function lockJournalDirectory(dir: string): Promise<DirectoryLock> {
  const lockPath = path.join(dir, LOCK_FILE);
  const owner = await lockOwner(lockPath);
  if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
    throw new Error(`The journal in ${dir} is in use by process ${owner}; one engine per data directory (remove ${lockPath} if that process is not an engine)`);
  }
  await writeFile(lockPath, `${process.pid}\n`);
  return { release: () => unlink(lockPath).catch(() => undefined) };
}

async function lockOwner(lockPath: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(lockPath, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
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
