// Collects the classified contract changes between a git base and the working tree: BPMN models,
// OpenAPI and AsyncAPI documents, SQL migrations. Old versions are read with `git show` into a
// temp folder (so relative $refs between documents still resolve).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseBpmn } from '../check/bpmn-model.ts';
import { DocumentSet } from '../check/json-shape.ts';
import { asyncapiChanges } from './asyncapi-changes.ts';
import { bpmnChanges } from './bpmn-changes.ts';
import type { ContractChange } from './change.ts';
import { fileAtBase, filesAtBase } from './git.ts';
import { openapiChanges } from './openapi-changes.ts';
import { sqlChanges } from './sql-changes.ts';

export interface DiffLayout {
  readonly bpmn: string;
  readonly openapi: string;
  readonly asyncapi: string;
  readonly migrations: string;
}

export const DEFAULT_LAYOUT: DiffLayout = { bpmn: 'bpmn', openapi: 'contracts/openapi', asyncapi: 'contracts/asyncapi', migrations: 'migrations' };

const listNow = (root: string, dir: string, ext: RegExp): string[] =>
  existsSync(path.join(root, dir)) ? readdirSync(path.join(root, dir)).filter((f) => ext.test(f)).map((f) => `${dir}/${f}`) : [];

export async function contractChanges(root: string, base: string, layout: DiffLayout = DEFAULT_LAYOUT): Promise<ContractChange[]> {
  const old = mkdtempSync(path.join(tmpdir(), 'contracts-base-'));
  try {
    const atBase = filesAtBase(root, base, Object.values(layout));
    for (const file of atBase) {
      const text = fileAtBase(root, base, file);
      if (text === undefined) continue;
      mkdirSync(path.dirname(path.join(old, file)), { recursive: true });
      writeFileSync(path.join(old, file), text);
    }
    const inDir = (files: readonly string[], dir: string, ext: RegExp) => files.filter((f) => path.dirname(f) === dir && ext.test(f));
    const union = (dir: string, ext: RegExp) => [...new Set([...inDir(atBase, dir, ext), ...listNow(root, dir, ext)])].sort();
    const changes: ContractChange[] = [];

    for (const file of union(layout.bpmn, /\.bpmn$/)) {
      const before = existsSync(path.join(old, file)) ? await parseBpmn(path.join(old, file)) : undefined;
      const after = existsSync(path.join(root, file)) ? await parseBpmn(path.join(root, file)) : undefined;
      changes.push(...bpmnChanges(file, before, after));
    }
    const oldDocs = new DocumentSet();
    const newDocs = new DocumentSet();
    const version = (docs: DocumentSet, dir: string, file: string) => (existsSync(path.join(dir, file)) ? { docs, file: path.join(dir, file) } : undefined);
    for (const file of union(layout.openapi, /\.ya?ml$/)) changes.push(...openapiChanges(file, version(oldDocs, old, file), version(newDocs, root, file)));
    for (const file of union(layout.asyncapi, /\.ya?ml$/)) changes.push(...asyncapiChanges(file, version(oldDocs, old, file), version(newDocs, root, file)));

    const texts = (dir: string, files: readonly string[]) => new Map(files.filter((f) => existsSync(path.join(dir, f))).map((f) => [path.basename(f), readFileSync(path.join(dir, f), 'utf8')]));
    const migrations = union(layout.migrations, /\.sql$/);
    changes.push(...sqlChanges(layout.migrations, texts(old, migrations), texts(root, migrations)));
    return changes;
  } finally {
    rmSync(old, { recursive: true, force: true });
  }
}
