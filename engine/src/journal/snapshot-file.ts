// A snapshot file: one header line `{"format":1,"length":N,"crc32":C}` then the state's JSON.
// It is written under a temporary name, fsynced, then renamed, so a crash leaves either the old
// set of files or the new one; the checksum still guards against a disk that returns bad bytes.
import { open, readFile, rename } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { syncDirectory } from './layout.ts';

const FORMAT = 1;

export async function writeSnapshotFile(dir: string, finalPath: string, stateJson: string, durable: boolean): Promise<void> {
  const payload = Buffer.from(stateJson, 'utf8');
  const header = Buffer.from(`${JSON.stringify({ format: FORMAT, length: payload.length, crc32: crc32(payload) })}\n`, 'utf8');
  const temporaryPath = `${finalPath}.tmp`;
  const handle = await open(temporaryPath, 'w');
  try {
    await handle.writev([header, payload]);
    if (durable) await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporaryPath, finalPath);
  if (durable) await syncDirectory(dir);
}

export type SnapshotRead =
  | { readonly kind: 'valid'; readonly state: unknown }
  | { readonly kind: 'invalid'; readonly reason: string };

export async function readSnapshotFile(filePath: string): Promise<SnapshotRead> {
  const bytes = await readFile(filePath);
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return { kind: 'invalid', reason: 'no header line' };
  let header: unknown;
  try {
    header = JSON.parse(bytes.subarray(0, newline).toString('utf8'));
  } catch {
    return { kind: 'invalid', reason: 'header is not JSON' };
  }
  if (!isHeader(header)) return { kind: 'invalid', reason: 'header lacks format, length or crc32' };
  if (header.format !== FORMAT) return { kind: 'invalid', reason: `unknown snapshot format ${header.format}` };
  const payload = bytes.subarray(newline + 1);
  if (payload.length !== header.length) return { kind: 'invalid', reason: `expected ${header.length} bytes of state, found ${payload.length}` };
  if (crc32(payload) !== header.crc32) return { kind: 'invalid', reason: 'state checksum mismatch' };
  return { kind: 'valid', state: JSON.parse(payload.toString('utf8')) };
}

interface SnapshotHeader {
  readonly format: number;
  readonly length: number;
  readonly crc32: number;
}

function isHeader(value: unknown): value is SnapshotHeader {
  return (
    typeof value === 'object' &&
    value !== null &&
    'format' in value &&
    typeof value.format === 'number' &&
    'length' in value &&
    typeof value.length === 'number' &&
    'crc32' in value &&
    typeof value.crc32 === 'number'
  );
}
