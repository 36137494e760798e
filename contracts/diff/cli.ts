// npm run contracts:diff [-- --base <ref>] [-- --strict] [-- --json]
// Classifies the contract changes between a base and the working tree (seed 004 §20): BPMN, OpenAPI,
// AsyncAPI, SQL migrations. The base defaults to the merge base with origin/main, else HEAD~1. A
// report (exit 0); --strict exits 1 when a change is breaking.
import { REPOSITORY_ROOT } from '../check/sources.ts';
import { isBreaking } from './change.ts';
import { resolveBase } from './git.ts';
import { formatChanges } from './report.ts';
import { contractChanges } from './run.ts';

const args = process.argv.slice(2);
const at = args.indexOf('--base');
const base = resolveBase(REPOSITORY_ROOT, at >= 0 ? args[at + 1] : undefined);
const changes = await contractChanges(REPOSITORY_ROOT, base.commit);
const label = `${base.ref} (${base.commit.slice(0, 10)}, ${base.how})`;
console.log(args.includes('--json') ? JSON.stringify({ base: label, changes }, null, 2) : formatChanges(changes, label));
const breaking = changes.filter(isBreaking).length;
if (args.includes('--strict') && breaking > 0) {
  console.error(`\n--strict: ${breaking} breaking change(s)`);
  process.exitCode = 1;
}
