// `npm run build:if-stale` (the pre-hook of npm run farm, intake, relay, ops, migrate): compiles
// src/ and workers/ into dist/ (npm run build) unless dist/ is newer than every source and build
// setting. A fresh clone has no dist/ and builds; an unchanged tree starts at once, without tsc.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
/** written by tsc at the end of every build (tsconfig.build.json) */
const stamp = path.join(root, 'dist', '.tsbuildinfo');

function newestMtimeMs(entry: string): number {
  const stat = statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return entry.endsWith('.ts') || entry.endsWith('.json') ? stat.mtimeMs : 0;
  return Math.max(0, ...readdirSync(entry).map((name) => newestMtimeMs(path.join(entry, name))));
}

const built = statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const sources = Math.max(...['src', 'workers', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((p) => newestMtimeMs(path.join(root, p))));
if (sources > built) {
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  process.exitCode = tsc.status ?? 1;
  // an incremental build with nothing to emit leaves the stamp as it was: mark this check done
  if (tsc.status === 0) utimesSync(stamp, new Date(), new Date());
}
