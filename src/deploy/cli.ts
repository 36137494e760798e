// npm run deploy [-- <folder>]: deploys <folder>/*.bpmn and <folder>/forms/*.form (default: bpmn/)
// to the configured cluster and prints what the engine now runs (a new version, or the version it
// already had).
import path from 'node:path';
import { deployModels, type DeployedResource } from './deploy.ts';

function table(rows: readonly DeployedResource[]): string {
  const header = ['file', 'kind', 'id', 'version', 'status', 'key'];
  const cells = rows.map((r) => [r.file, r.kind, r.id, String(r.version), r.status, r.key]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: readonly string[]): string => c.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

try {
  const dir = process.argv[2];
  const deployed = await deployModels(dir ? { dir: path.resolve(dir) } : {});
  console.log(table(deployed));
} catch (err) {
  console.error(`deploy failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
