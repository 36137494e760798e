// The journal directory: numbered segments of records and snapshots named after the first segment
// they do NOT cover. `snapshot-N.json` holds the state after every entry in segments below N, so
// recovery loads it and replays segments N, N+1, ... Every segment number gets a file (created
// when the number is taken), so a missing number in that run means lost data, not an empty segment.
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';

const SEGMENT = /^segment-(\d{20})\.log$/;
const SNAPSHOT = /^snapshot-(\d{20})\.json$/;
const TEMPORARY = /\.tmp$/;

const padded = (sequence: number): string => String(sequence).padStart(20, '0');

export const segmentPath = (dir: string, sequence: number): string => path.join(dir, `segment-${padded(sequence)}.log`);
export const snapshotPath = (dir: string, sequence: number): string => path.join(dir, `snapshot-${padded(sequence)}.json`);

export interface DirectoryListing {
  /** ascending */
  readonly segments: readonly number[];
  /** ascending */
  readonly snapshots: readonly number[];
  /** snapshot files a crash left before their rename */
  readonly temporaries: readonly string[];
}

export async function listJournalDirectory(dir: string): Promise<DirectoryListing> {
  const names = await readdir(dir);
  const numbered = (pattern: RegExp): number[] =>
    names
      .map((name) => pattern.exec(name)?.[1])
      .filter((digits): digits is string => digits !== undefined)
      .map(Number)
      .sort((left, right) => left - right);
  return {
    segments: numbered(SEGMENT),
    snapshots: numbered(SNAPSHOT),
    temporaries: names.filter((name) => TEMPORARY.test(name)).map((name) => path.join(dir, name)),
  };
}

/** Makes created, renamed and deleted names in `dir` durable (a file's own fsync does not cover its directory entry). */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
