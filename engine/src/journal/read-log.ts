// Reads what a journal directory holds: the newest valid snapshot and the entries after it. Only
// the last segment can end in a torn record (a segment is complete and fsynced before the next
// one is written), so a bad record there is a crash's unacknowledged tail and is dropped; a bad
// record anywhere else, or a gap in the segment numbers, is lost data and stops recovery.
import { readFile } from 'node:fs/promises';
import type { JournalEntry } from '../durability.ts';
import { listJournalDirectory, segmentPath, snapshotPath } from './layout.ts';
import { decodeRecords } from './record-codec.ts';
import { readSnapshotFile } from './snapshot-file.ts';

export interface LogContents {
  readonly snapshot: unknown;
  /** the snapshot's number (recovery replays segments from it), 0 without one */
  readonly snapshotSequence: number;
  readonly entries: JournalEntry[];
  /** the newest segment and where its whole records end, to truncate a torn tail before appending */
  readonly lastSegment: { readonly sequence: number; readonly validLength: number; readonly torn: boolean } | undefined;
  /** older files recovery no longer needs */
  readonly obsolete: readonly string[];
  readonly warnings: readonly string[];
}

export class JournalCorruptError extends Error {
  override readonly name = 'JournalCorruptError';
}

export async function readLog(dir: string): Promise<LogContents> {
  const listing = await listJournalDirectory(dir);
  const warnings: string[] = [];
  let snapshot: unknown;
  let snapshotSequence = 0;
  for (const sequence of [...listing.snapshots].reverse()) {
    const read = await readSnapshotFile(snapshotPath(dir, sequence));
    if (read.kind === 'valid') {
      snapshot = read.state;
      snapshotSequence = sequence;
      break;
    }
    warnings.push(`snapshot ${sequence} skipped: ${read.reason}`);
  }

  const replayed = listing.segments.filter((sequence) => sequence >= snapshotSequence);
  const expectedFirst = snapshotSequence === 0 ? 1 : snapshotSequence;
  replayed.forEach((sequence, index) => {
    if (sequence !== expectedFirst + index) {
      throw new JournalCorruptError(
        `Expected journal segment ${expectedFirst + index} in ${dir} after snapshot ${snapshotSequence}, but found segment ${sequence}: entries are missing`,
      );
    }
  });

  const entries: JournalEntry[] = [];
  let lastSegment: LogContents['lastSegment'];
  for (const [index, sequence] of replayed.entries()) {
    const bytes = await readFile(segmentPath(dir, sequence));
    const decoded = decodeRecords(bytes);
    for (const entry of decoded.entries) entries.push(entry);
    const isLast = index === replayed.length - 1;
    if (decoded.kind === 'torn') {
      if (!isLast) {
        throw new JournalCorruptError(`Journal segment ${sequence} in ${dir} has a bad record at byte ${decoded.validLength} (${decoded.reason}) but is not the newest segment`);
      }
      warnings.push(`dropped ${bytes.length - decoded.validLength} bytes of a torn record at the end of segment ${sequence} (${decoded.reason})`);
    }
    if (isLast) lastSegment = { sequence, validLength: decoded.kind === 'torn' ? decoded.validLength : bytes.length, torn: decoded.kind === 'torn' };
  }

  const obsolete = [
    ...listing.segments.filter((sequence) => sequence < snapshotSequence).map((sequence) => segmentPath(dir, sequence)),
    ...listing.snapshots.filter((sequence) => sequence !== snapshotSequence).map((sequence) => snapshotPath(dir, sequence)),
    ...listing.temporaries,
  ];
  return { snapshot, snapshotSequence, entries, lastSegment, obsolete, warnings };
}
