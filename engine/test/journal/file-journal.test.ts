import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import type { JournalEntry } from '../../src/durability.ts';
import { openFileJournal } from '../../src/journal/file-journal.ts';
import { JournalCorruptError } from '../../src/journal/read-log.ts';
import { encodeRecord } from '../../src/journal/record-codec.ts';

const entry = (index: number): JournalEntry => ({ at: 1_700_000_000_000 + index, command: { type: 'test', index, payload: { name: `entry ${index}` } } });
const indexes = (entries: readonly JournalEntry[]): number[] => entries.map((recovered) => (recovered.command as { index: number }).index);
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, offset) => from + offset);

describe('file journal', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'engine-journal-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('recovers every flushed entry, in order, with its time', async () => {
    const journal = await openFileJournal(dir);
    expect(await journal.recover()).toEqual({ snapshot: undefined, entries: [] });
    for (const index of range(0, 100)) journal.append(entry(index));
    await journal.flushed();
    await journal.close();

    const reopened = await openFileJournal(dir);
    const recovered = await reopened.recover();
    expect(recovered.snapshot).toBeUndefined();
    expect(recovered.entries).toEqual(range(0, 100).map(entry));
    expect(reopened.entriesSinceSnapshot).toBe(100);
    await reopened.close();
  });

  it('resolves flushed() only once the entries appended before it are written, batch after batch', async () => {
    const journal = await openFileJournal(dir);
    await journal.recover();
    const acknowledged: number[] = [];
    const writers = range(0, 20).map(async (index) => {
      journal.append(entry(index));
      await journal.flushed();
      acknowledged.push(index);
    });
    await Promise.all(writers);
    expect(acknowledged.sort((left, right) => left - right)).toEqual(range(0, 20));
    await journal.close();
    const reopened = await openFileJournal(dir);
    expect(indexes((await reopened.recover()).entries)).toEqual(range(0, 20));
    await reopened.close();
  });

  it.each([
    ['a record cut short', encodeRecord(entry(10)).subarray(0, 20)],
    ['a header cut short', encodeRecord(entry(10)).subarray(0, 5)],
    ['a zero-filled tail', Buffer.alloc(4096)],
    ['a record with a bad checksum', Buffer.from(encodeRecord(entry(10)).map((byte, offset) => (offset === 12 ? byte ^ 0xff : byte)))],
  ])('drops %s at the end of the newest segment, and appends after the whole records', async (_case, tail) => {
    const journal = await openFileJournal(dir);
    for (const index of range(0, 10)) journal.append(entry(index));
    await journal.close();
    const [segment] = (await readdir(dir)).filter((name) => name.startsWith('segment-'));
    await appendFile(path.join(dir, segment!), tail);

    const warnings: string[] = [];
    const reopened = await openFileJournal(dir, { onWarning: (message) => warnings.push(message) });
    expect(indexes((await reopened.recover()).entries)).toEqual(range(0, 10));
    expect(warnings).toEqual([expect.stringMatching(/torn record at the end of segment 1/)]);
    reopened.append(entry(10));
    await reopened.close();

    const again = await openFileJournal(dir, { onWarning: (message) => warnings.push(message) });
    expect(indexes((await again.recover()).entries)).toEqual(range(0, 11));
    expect(warnings).toHaveLength(1);
    await again.close();
  });

  it('recovers from the snapshot plus the entries after it, and deletes what the snapshot covers', async () => {
    const journal = await openFileJournal(dir);
    for (const index of range(0, 5)) journal.append(entry(index));
    const written = journal.writeSnapshot({ applied: 5 });
    // appended while the snapshot is being written: after it
    for (const index of range(5, 8)) journal.append(entry(index));
    expect(journal.entriesSinceSnapshot).toBe(3);
    await written;
    await journal.flushed();
    await journal.close();
    expect((await readdir(dir)).sort()).toEqual(['segment-00000000000000000002.log', 'snapshot-00000000000000000002.json']);

    const reopened = await openFileJournal(dir);
    const recovered = await reopened.recover();
    expect(recovered.snapshot).toEqual({ applied: 5 });
    expect(indexes(recovered.entries)).toEqual([5, 6, 7]);
    expect(reopened.entriesSinceSnapshot).toBe(3);
    await reopened.writeSnapshot({ applied: 8 });
    await reopened.close();

    const third = await openFileJournal(dir);
    expect(await third.recover()).toEqual({ snapshot: { applied: 8 }, entries: [] });
    third.append(entry(8));
    await third.close();
    const fourth = await openFileJournal(dir);
    expect(await fourth.recover()).toEqual({ snapshot: { applied: 8 }, entries: [entry(8)] });
    await fourth.close();
  });

  it('rejects a snapshot of state JSON cannot hold, and keeps journaling', async () => {
    const journal = await openFileJournal(dir);
    journal.append(entry(0));
    await expect(journal.writeSnapshot({ key: 1n })).rejects.toThrow(/BigInt/);
    journal.append(entry(1));
    expect(journal.entriesSinceSnapshot).toBe(2);
    await journal.close();
    const reopened = await openFileJournal(dir);
    expect(indexes((await reopened.recover()).entries)).toEqual([0, 1]);
    await reopened.close();
  });

  it('ignores a snapshot a crash left under its temporary name', async () => {
    const journal = await openFileJournal(dir);
    for (const index of range(0, 3)) journal.append(entry(index));
    await journal.close();
    await writeFile(path.join(dir, 'snapshot-00000000000000000002.json.tmp'), '{"format":1,"len');

    const reopened = await openFileJournal(dir);
    expect(await reopened.recover()).toEqual({ snapshot: undefined, entries: range(0, 3).map(entry) });
    expect((await readdir(dir)).sort()).toEqual(['journal.lock', 'segment-00000000000000000001.log']);
    await reopened.close();
    expect(await readdir(dir)).toEqual(['segment-00000000000000000001.log']);
  });

  it('rolls over to a new segment past the size limit and reads them all back in order', async () => {
    const journal = await openFileJournal(dir, { maxSegmentBytes: 1_000 });
    for (const index of range(0, 200)) journal.append(entry(index));
    await journal.close();
    expect((await readdir(dir)).length).toBeGreaterThan(10);

    const reopened = await openFileJournal(dir, { maxSegmentBytes: 1_000 });
    expect(indexes((await reopened.recover()).entries)).toEqual(range(0, 200));
    await reopened.close();
  });

  it('refuses to recover when a segment other than the newest is damaged or missing', async () => {
    const journal = await openFileJournal(dir, { maxSegmentBytes: 1_000 });
    for (const index of range(0, 50)) journal.append(entry(index));
    await journal.close();
    const segments = (await readdir(dir)).sort();
    await appendFile(path.join(dir, segments[0]!), Buffer.from([1, 2, 3]));
    await expect(openFileJournal(dir)).rejects.toThrow(JournalCorruptError);

    await rm(path.join(dir, segments[0]!));
    await expect(openFileJournal(dir)).rejects.toThrow(/Expected journal segment 1 .* but found segment 2/);
  });

  it('refuses a directory another live process on this host has open, and takes over from a dead one or another host', async () => {
    const lock = (pid: number, host: string) => writeFile(path.join(dir, 'journal.lock'), JSON.stringify({ pid, host }));
    await lock(process.ppid, hostname());
    await expect(openFileJournal(dir)).rejects.toThrow(new RegExp(`in use by process ${process.ppid}`));
    // no process has this pid (above the kernel's pid_max)
    await lock(99_999_999, hostname());
    await (await openFileJournal(dir)).close();
    // a container that was re-created: its pid says nothing here
    await lock(process.ppid, 'another-container');
    await (await openFileJournal(dir)).close();
  });

  it('rejects flushed() and refuses appends once a write failed', async () => {
    const journal = await openFileJournal(dir);
    await rm(dir, { recursive: true, force: true });
    journal.append(entry(0));
    await expect(journal.flushed()).rejects.toThrow(/ENOENT/);
    expect(() => journal.append(entry(1))).toThrow(/failed to write earlier/);
    await expect(journal.close()).rejects.toThrow(/ENOENT/);
  });
});
