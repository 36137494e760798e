// One journal record on disk: [payload length: u32 BE][crc32 of payload: u32 BE][payload: UTF-8 JSON].
// The length and checksum let recovery tell a record cut short by a crash (kill -9 mid-write, or a
// file tail the filesystem filled with zeros) from a whole one, so a torn tail is dropped, not parsed.
import { crc32 } from 'node:zlib';
import type { JournalEntry } from '../durability.ts';

const HEADER_BYTES = 8;

export function encodeRecord(entry: JournalEntry): Buffer {
  const payload = Buffer.from(JSON.stringify({ at: entry.at, command: entry.command }), 'utf8');
  const record = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  record.writeUInt32BE(payload.length, 0);
  record.writeUInt32BE(crc32(payload), 4);
  payload.copy(record, HEADER_BYTES);
  return record;
}

export type DecodedSegment =
  | { readonly kind: 'whole'; readonly entries: JournalEntry[] }
  /** bytes from validLength on are not a whole record: the tail a crash cut short */
  | { readonly kind: 'torn'; readonly entries: JournalEntry[]; readonly validLength: number; readonly reason: string };

/** Decodes a segment's records in order, stopping at the first one that is short or fails its checksum. */
export function decodeRecords(bytes: Buffer): DecodedSegment {
  const entries: JournalEntry[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const torn = (reason: string): DecodedSegment => ({ kind: 'torn', entries, validLength: offset, reason });
    if (bytes.length - offset < HEADER_BYTES) return torn('record header cut short');
    const length = bytes.readUInt32BE(offset);
    const checksum = bytes.readUInt32BE(offset + 4);
    // a zero length only comes from a zero-filled tail: every payload is at least `{"at":0}`
    if (length === 0) return torn('zero-filled tail');
    const end = offset + HEADER_BYTES + length;
    if (end > bytes.length) return torn('record payload cut short');
    const payload = bytes.subarray(offset + HEADER_BYTES, end);
    if (crc32(payload) !== checksum) return torn('record checksum mismatch');
    const parsed = parseEntry(payload);
    if (parsed === undefined) return torn('record is not a journal entry');
    entries.push(parsed);
    offset = end;
  }
  return { kind: 'whole', entries };
}

function parseEntry(payload: Buffer): JournalEntry | undefined {
  try {
    const value: unknown = JSON.parse(payload.toString('utf8'));
    if (typeof value !== 'object' || value === null || !('at' in value) || typeof value.at !== 'number') return undefined;
    return { at: value.at, command: 'command' in value ? value.command : undefined };
  } catch {
    return undefined;
  }
}
