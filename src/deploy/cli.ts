// npm run deploy [-- <folder>]: deploys <folder>/*.bpmn and <folder>/forms/*.form (default: bpmn/)
// to the configured cluster and prints what the engine now runs (a new version, or the version it
// already had).
import path from 'node:path';
import { textTable } from '../platform/text-table.ts';
import { deployModels, type DeployedResource } from './deploy.ts';

const table = (rows: readonly DeployedResource[]): string =>
  textTable(['file', 'kind', 'id', 'version', 'status', 'key'], rows.map((r) => [r.file, r.kind, r.id, String(r.version), r.status, r.key]));

try {
  const dir = process.argv[2];
  const deployed = await deployModels(dir ? { dir: path.resolve(dir) } : {});
  console.log(table(deployed));
} catch (err) {
  console.error(`deploy failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
