// kill -9 mid-stream: every entry whose flushed() resolved before the kill must be recovered.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openFileJournal } from '../../src/journal/file-journal.ts';

const childScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'append-child.ts');

/** Runs the child until it acknowledged at least `acknowledgements` entries, then SIGKILLs it; returns the acknowledged numbers. */
async function appendUntilKilled(dir: string, acknowledgements: number): Promise<number[]> {
  const child = spawn(process.execPath, [childScript, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acknowledged: number[] = [];
  let buffered = '';
  let sent = false;
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line !== 'ready') acknowledged.push(Number(line));
    if (!sent && acknowledged.length >= acknowledgements) {
      sent = true;
      child.kill('SIGKILL');
    }
  });
  const signal = await exited;
  expect(signal).toBe('SIGKILL');
  return acknowledged;
}

describe('file journal under kill -9', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'engine-journal-kill-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loses nothing acknowledged, round after round on the same directory', async () => {
    let recoveredBefore = 0;
    for (let round = 0; round < 4; round++) {
      const acknowledged = await appendUntilKilled(dir, 1_500 + round * 700);
      const journal = await openFileJournal(dir, { onWarning: () => undefined });
      const recovered = await journal.recover();
      await journal.close();
      const snapshotUpTo = (recovered.snapshot as { upTo: number } | undefined)?.upTo ?? -1;
      const recoveredIndexes = [...range(0, snapshotUpTo + 1), ...recovered.entries.map((entry) => (entry.command as { index: number }).index)];
      // a gapless run from 0: entries are appended in number order, and only an unacknowledged tail may be lost
      expect(recoveredIndexes).toEqual(range(0, recoveredIndexes.length));
      expect(recoveredIndexes.length).toBeGreaterThan(Math.max(...acknowledged));
      // this round's child carried on from where the last recovery ended
      expect(Math.min(...acknowledged)).toBe(recoveredBefore);
      console.log(
        `round ${round}: ${acknowledged.length} acknowledged before SIGKILL, ${recoveredIndexes.length - recoveredBefore} recovered (${recoveredIndexes.length} in all, snapshot up to ${snapshotUpTo})`,
      );
      recoveredBefore = recoveredIndexes.length;
    }
  });
});

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, offset) => from + offset);
