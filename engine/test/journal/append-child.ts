// Child process for sigkill.test.ts: appends numbered entries from several concurrent writers
// and prints each number once flushed() resolved for it, until it is killed. Entries continue
// the numbering of whatever the journal directory already holds.
import { openFileJournal } from '../../src/journal/file-journal.ts';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: append-child.ts <journal dir>');
const writers = 16;
const journal = await openFileJournal(dir);
const recovered = await journal.recover();
// the snapshot (this script's own) covers entries 0..upTo
const snapshotUpTo = (recovered.snapshot as { upTo: number } | undefined)?.upTo ?? -1;
const first = snapshotUpTo + 1 + recovered.entries.length;
let next = first;
let snapshotted = false;

async function writer(): Promise<never> {
  for (;;) {
    const index = next;
    next += 1;
    journal.append({ at: Date.now(), command: { index, padding: 'x'.repeat(index % 300) } });
    await journal.flushed();
    // a pipe write is synchronous on Linux: once the parent reads the number, it was acknowledged
    process.stdout.write(`${index}\n`);
    if (!snapshotted && index > first + 500) {
      snapshotted = true;
      // a snapshot mid-stream: its file and the segment switch race with the kill too
      void journal.writeSnapshot({ upTo: next - 1 });
    }
  }
}

// the parent stops reading when it kills us; nothing to report then
process.stdout.on('error', () => process.exit(1));
process.stdout.write('ready\n');
await Promise.all(Array.from({ length: writers }, writer));
