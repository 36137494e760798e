// `npm run build:if-stale` (the pre-hook of npm run farm, intake, relay, ops, migrate): compiles
// src/ and workers/ into dist/ (npm run build) unless dist/ is newer than every source and build
// setting, and bundles the operator console (console/ into dist/console) unless it is newer than
// console/ and the lock file. A fresh clone has no dist/ and builds; an unchanged tree starts at once.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
/** written by tsc at the end of every build (tsconfig.build.json) */
const stamp = path.join(root, 'dist', '.tsbuildinfo');
/** written by console/build.ts at the end of every console build */
const consoleStamp = path.join(root, 'dist', 'console', 'index.html');
const BUILD_INPUTS = /\.(ts|json|css|html)$/;

function newestMtimeMs(entry: string): number {
  const stat = statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return BUILD_INPUTS.test(entry) ? stat.mtimeMs : 0;
  return Math.max(0, ...readdirSync(entry).map((name) => newestMtimeMs(path.join(entry, name))));
}

const builtAt = (file: string): number => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const newestOf = (entries: readonly string[]): number => Math.max(...entries.map((p) => newestMtimeMs(path.join(root, p))));

let status = 0;
if (newestOf(['src', 'workers', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) > builtAt(stamp)) {
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  status = tsc.status ?? 1;
  // an incremental build with nothing to emit leaves the stamp as it was: mark this check done
  if (tsc.status === 0) utimesSync(stamp, new Date(), new Date());
}
if (status === 0 && newestOf(['console', 'package-lock.json']) > builtAt(consoleStamp)) {
  const bundle = spawnSync(process.execPath, [path.join(root, 'console', 'build.ts')], { stdio: 'inherit', cwd: root });
  status = bundle.status ?? 1;
}
process.exitCode = status;
