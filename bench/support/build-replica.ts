// Bench replicas run compiled JavaScript, as production replicas do (no type stripping at run
// time): bench/support/replica.ts and everything it imports (src/, workers/, the bench's own
// support) are emitted by tsc into bench/.build/ (git-ignored) before a bench starts them. The
// build is incremental, so an unchanged tree costs a few seconds.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const tsconfig = path.join(root, 'bench', 'tsconfig.replica.json');
/** The compiled entry point (rootDir is the repository, so the tree under .build mirrors it). */
export const COMPILED_REPLICA = path.join(root, 'bench', '.build', 'bench', 'support', 'replica.js');
/** The benches' intake process (intake-process.ts), compiled alongside. */
export const COMPILED_INTAKE = path.join(root, 'bench', '.build', 'bench', 'support', 'intake-process.js');

let built = false;

/** Compiles the replica once per bench process; throws when nothing runnable came out. */
export function buildReplica(): string {
  if (built) return COMPILED_REPLICA;
  const started = Date.now();
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], { cwd: root, encoding: 'utf8' });
  if (tsc.status !== 0) {
    // tsc still emits on type errors (others may be mid-change): run it, but say so
    if (!existsSync(COMPILED_REPLICA)) throw new Error(`bench replica build failed (tsc -p ${tsconfig}):\n${tsc.stdout}${tsc.stderr}`);
    console.log(`warning: the bench replica compiled with type errors:\n${tsc.stdout.split('\n').slice(0, 10).join('\n')}`);
  }
  console.log(`bench replica compiled to ${path.relative(root, COMPILED_REPLICA)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  built = true;
  return COMPILED_REPLICA;
}
