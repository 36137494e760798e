// The engine's durable journal: append-only segment files of checksummed records plus snapshots
// (see layout.ts for the directory, record-codec.ts for a record). Group commit: append() only
// buffers; one flush loop writes everything buffered with one write and one fdatasync, then
// resolves every flushed() waiting on it. While an fsync is in flight new appends pile up and go
// out as the next batch, so batches grow with load and no fixed delay is ever added.
import { mkdir, open, truncate, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Journal, Recovered } from '../durability.ts';
import { lockJournalDirectory } from './directory-lock.ts';
import { listJournalDirectory, segmentPath, snapshotPath, syncDirectory } from './layout.ts';
import { readLog } from './read-log.ts';
import type { LogContents } from './read-log.ts';
import { encodeRecord } from './record-codec.ts';
import { writeSnapshotFile } from './snapshot-file.ts';

export interface FileJournalOptions {
  /** fsync data and directories (default true); off only for benches that measure without the disk */
  readonly sync?: boolean;
  /** a segment past this size is closed and the next one started (default 64 MiB) */
  readonly maxSegmentBytes?: number;
  /** torn tails dropped, unreadable snapshots skipped (default: process warnings) */
  readonly onWarning?: (message: string) => void;
}

/** What the disk has seen, for benches: entries per fsync is the group commit at work. */
export interface JournalStats {
  readonly batches: number;
  readonly entries: number;
  readonly bytes: number;
}

export type FileJournal = Journal & { readonly stats: JournalStats };

interface PendingRecord {
  readonly segment: number;
  readonly bytes: Buffer;
}

interface Waiter {
  readonly target: number;
  resolve(): void;
  reject(error: unknown): void;
}

interface OpenSegment {
  readonly sequence: number;
  readonly handle: FileHandle;
}

export async function openFileJournal(dir: string, options: FileJournalOptions = {}): Promise<FileJournal> {
  const durable = options.sync ?? true;
  const maxSegmentBytes = options.maxSegmentBytes ?? 64 * 1024 * 1024;
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, 'JournalWarning'));

  const created = await mkdir(dir, { recursive: true });
  if (created !== undefined && durable) {
    // a new directory's name lives in its parent: sync every parent from dir's up to the first one created
    const stop = path.dirname(path.resolve(created));
    for (let child = path.resolve(dir); child !== stop; child = path.dirname(child)) await syncDirectory(path.dirname(child));
  }
  const lock = await lockJournalDirectory(dir);
  let contents: LogContents;
  try {
    contents = await readLog(dir);
    for (const message of contents.warnings) warn(message);
    await tidyAfterRecovery(dir, contents, durable);
  } catch (error) {
    await lock.release();
    throw error;
  }

  let recovered: LogContents | undefined = contents;
  // the segment new appends go to, and how many bytes are already assigned to it
  let appendSegment = contents.lastSegment?.sequence ?? Math.max(contents.snapshotSequence, 1);
  let appendSegmentBytes = contents.lastSegment?.validLength ?? 0;
  let appended = 0;
  let durableCount = 0;
  let sinceSnapshot = contents.entries.length;
  let pending: PendingRecord[] = [];
  let waiters: Waiter[] = [];
  let flushing: Promise<void> | undefined;
  let failure: unknown;
  let closed = false;
  let current: OpenSegment | undefined;
  let snapshots: Promise<void> = Promise.resolve();
  const stats = { batches: 0, entries: 0, bytes: 0 };

  const settleWaiters = (): void => {
    const done = waiters.filter((waiter) => waiter.target <= durableCount);
    waiters = waiters.filter((waiter) => waiter.target > durableCount);
    for (const waiter of done) waiter.resolve();
  };

  const fail = (error: unknown): void => {
    failure = error;
    pending = [];
    const broken = waiters;
    waiters = [];
    for (const waiter of broken) waiter.reject(error);
  };

  const segmentHandle = async (sequence: number): Promise<FileHandle> => {
    if (current?.sequence === sequence) return current.handle;
    // the previous segment was fsynced with its last batch
    await current?.handle.close();
    current = undefined;
    const handle = await open(segmentPath(dir, sequence), 'a');
    if (durable) await syncDirectory(dir);
    current = { sequence, handle };
    return handle;
  };

  const writeBatch = async (batch: readonly PendingRecord[], segment: number): Promise<void> => {
    const handle = await segmentHandle(segment);
    const bytes = batch.length === 1 ? batch[0]!.bytes : Buffer.concat(batch.map((record) => record.bytes));
    let written = 0;
    while (written < bytes.length) {
      const result = await handle.write(bytes, written, bytes.length - written);
      written += result.bytesWritten;
    }
    if (durable) await handle.datasync();
    stats.batches += 1;
    stats.entries += batch.length;
    stats.bytes += bytes.length;
  };

  const flushLoop = async (): Promise<void> => {
    try {
      while (pending.length > 0 && failure === undefined) {
        const segment = pending[0]!.segment;
        const boundary = pending.findIndex((record) => record.segment !== segment);
        const batch = boundary < 0 ? pending : pending.slice(0, boundary);
        pending = boundary < 0 ? [] : pending.slice(boundary);
        await writeBatch(batch, segment);
        durableCount += batch.length;
        settleWaiters();
      }
    } catch (error) {
      fail(error);
    } finally {
      flushing = undefined;
    }
  };

  const scheduleFlush = (): void => {
    // a microtask away, so every append of the current synchronous run joins the batch
    flushing ??= Promise.resolve().then(flushLoop);
  };

  const flushedUpTo = (target: number): Promise<void> => {
    if (failure !== undefined) return Promise.reject(failure);
    if (durableCount >= target) return Promise.resolve();
    return new Promise<void>((resolve, reject) => waiters.push({ target, resolve, reject }));
  };

  const snapshot = async (sequence: number, stateJson: string, coveredCount: number): Promise<void> => {
    // entries the state already reflects are in segments below `sequence`: on disk before it is
    await flushedUpTo(coveredCount);
    // the new segment's file exists before the snapshot that points at it (no gaps in numbering)
    const created = await open(segmentPath(dir, sequence), 'a');
    await created.close();
    await writeSnapshotFile(dir, snapshotPath(dir, sequence), stateJson, durable);
    const listing = await listJournalDirectory(dir);
    const superseded = [
      ...listing.segments.filter((older) => older < sequence).map((older) => segmentPath(dir, older)),
      ...listing.snapshots.filter((older) => older < sequence).map((older) => snapshotPath(dir, older)),
    ];
    await Promise.all(superseded.map((file) => unlink(file)));
    if (durable && superseded.length > 0) await syncDirectory(dir);
  };

  const assertWritable = (): void => {
    if (closed) throw new Error('The journal is closed');
    if (failure !== undefined) throw new Error(`The journal failed to write earlier: ${String(failure)}`, { cause: failure });
  };

  return {
    async recover(): Promise<Recovered> {
      if (recovered === undefined) {
        await flushedUpTo(appended);
        await snapshots;
        recovered = await readLog(dir);
      }
      const { snapshot: state, entries } = recovered;
      recovered = undefined;
      return { snapshot: state, entries };
    },

    append(entry): void {
      assertWritable();
      const bytes = encodeRecord(entry);
      if (appendSegmentBytes > 0 && appendSegmentBytes + bytes.length > maxSegmentBytes) {
        appendSegment += 1;
        appendSegmentBytes = 0;
      }
      pending.push({ segment: appendSegment, bytes });
      appendSegmentBytes += bytes.length;
      appended += 1;
      sinceSnapshot += 1;
      scheduleFlush();
    },

    flushed(): Promise<void> {
      return flushedUpTo(appended);
    },

    writeSnapshot(state: unknown): Promise<void> {
      let stateJson: string;
      try {
        assertWritable();
        // serialised now: the caller's state object moves on as soon as we return
        stateJson = JSON.stringify(state) ?? 'null';
      } catch (error) {
        return Promise.reject(error);
      }
      appendSegment += 1;
      appendSegmentBytes = 0;
      sinceSnapshot = 0;
      const sequence = appendSegment;
      const coveredCount = appended;
      const written = snapshots.then(() => snapshot(sequence, stateJson, coveredCount));
      // one failed snapshot must not stop the next one from being tried
      snapshots = written.catch(() => undefined);
      return written;
    },

    get entriesSinceSnapshot(): number {
      return sinceSnapshot;
    },

    get stats(): JournalStats {
      return { ...stats };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await flushedUpTo(appended);
        await snapshots;
      } finally {
        await flushing;
        await current?.handle.close();
        current = undefined;
        await lock.release();
      }
    },
  };
}

/** Cuts a torn tail off the newest segment (new records must follow whole ones) and removes files recovery no longer needs. */
async function tidyAfterRecovery(dir: string, contents: LogContents, durable: boolean): Promise<void> {
  const last = contents.lastSegment;
  if (last?.torn === true) {
    await truncate(segmentPath(dir, last.sequence), last.validLength);
    if (durable) {
      const handle = await open(segmentPath(dir, last.sequence), 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  }
  await Promise.all(contents.obsolete.map((file) => unlink(file)));
  if (durable && contents.obsolete.length > 0) await syncDirectory(dir);
}
