// npm run deploy [-- <folder>] [-- --force]: deploys <folder>/*.bpmn and <folder>/forms/*.form
// (default: bpmn/) to the configured cluster and prints what the engine now runs (a new version, or
// the version it already had). Refuses while the contract check is red (models whose job types,
// variables or errors disagree with the workers would fail at run time); --force deploys anyway.
import path from 'node:path';
import { formatReport, runContractChecks } from '../../contracts/check/run.ts';
import { repositorySources } from '../../contracts/check/sources.ts';
import { textTable } from '../../src/platform/text-table.ts';
import { deployModels, type DeployedResource } from './deploy.ts';

const table = (rows: readonly DeployedResource[]): string =>
  textTable(['file', 'kind', 'id', 'version', 'status', 'key'], rows.map((r) => [r.file, r.kind, r.id, String(r.version), r.status, r.key]));

try {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const dir = args.find((a) => !a.startsWith('--'));
  const contracts = await runContractChecks({ sources: repositorySources(undefined, dir ? { bpmnDir: path.resolve(dir) } : {}) });
  if (!contracts.ok) {
    console.error(formatReport(contracts));
    if (!force) throw new Error('the contract check is red (findings above): fix them, or deploy anyway with --force');
    console.error(`\n${'!'.repeat(100)}\n!!! --force: DEPLOYING MODELS WHOSE CONTRACTS DISAGREE (${contracts.findings.length} finding(s) above). Expect incidents. !!!\n${'!'.repeat(100)}\n`);
  }
  const deployed = await deployModels(dir ? { dir: path.resolve(dir) } : {});
  console.log(table(deployed));
} catch (err) {
  console.error(`deploy failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
