// Every log line the run's processes wrote: the files given (the chaos run's own output) and every
// file under the stack's bench folder written since the run began (replica logs).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { hitsIn, type Canary } from './plant.ts';

export interface ScanHit {
  readonly place: string;
  readonly form: string;
  /** the text around the hit, the canary itself replaced */
  readonly excerpt: string;
}

export interface LogScan {
  readonly files: number;
  readonly lines: number;
  readonly hits: ScanHit[];
}

export function filesSince(dir: string, since: number): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const file = path.join(dir, name);
    const st = statSync(file);
    if (st.isDirectory()) return filesSince(file, since);
    return st.mtimeMs >= since ? [file] : [];
  });
}

export function scanLogs(files: readonly string[], canary: Canary): LogScan {
  const hits: ScanHit[] = [];
  let lines = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const fileLines = text.split('\n');
    lines += fileLines.length;
    fileLines.forEach((line, i) => {
      for (const hit of hitsIn(line, canary)) hits.push({ place: `${file}:${i + 1}`, form: hit.form, excerpt: excerpt(line, hit.text) });
    });
  }
  return { files: files.length, lines, hits };
}

export function excerpt(text: string, found: string): string {
  const at = text.indexOf(found);
  return `${text.slice(Math.max(0, at - 120), at)}<CANARY ${found.length} chars>${text.slice(at + found.length, at + found.length + 120)}`;
}
