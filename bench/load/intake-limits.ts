// What production gives the intake (deploy/intake.yaml): its NODE_OPTIONS (the heap limit) and the
// container's memory limit. The load bench runs the intake with the same options and holds its peak
// RSS to that limit — the bound a pod would be killed past.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface IntakeLimits {
  readonly nodeOptions: readonly string[];
  /** the container's memory limit in MiB */
  readonly memoryLimitMb: number;
}

interface Container {
  readonly name?: string;
  readonly env?: readonly { readonly name: string; readonly value?: string }[];
  readonly resources?: { readonly limits?: { readonly memory?: string } };
}

const root = path.resolve(import.meta.dirname, '..', '..');

export function intakeLimits(file = path.join(root, 'deploy', 'intake.yaml')): IntakeLimits {
  const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as { kind?: string; spec?: { template?: { spec?: { containers?: Container[] } } } });
  const container = docs.find((d) => d.kind === 'Deployment')?.spec?.template?.spec?.containers?.find((c) => c.name === 'intake');
  if (!container) throw new Error(`${file}: no Deployment with an intake container`);
  const nodeOptions = container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value?.split(/\s+/).filter(Boolean) ?? [];
  const memory = container.resources?.limits?.memory ?? '';
  const m = /^(\d+)(Mi|Gi)$/.exec(memory);
  if (!m) throw new Error(`${file}: intake memory limit "${memory}" is not in Mi or Gi`);
  return { nodeOptions, memoryLimitMb: Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1) };
}
