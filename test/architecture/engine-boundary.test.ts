// The engine and the farm never import each other (issue 11): the farm reaches the engine only over
// gRPC and REST, as it reaches any Camunda 8 cluster, so what passes here passes against a real one.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { forbiddenImports, relativeImports } from './imports.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const farmFolders = ['src', 'workers'];
const projectFolders = ['src', 'workers', 'test', 'bench', 'stack', 'simulators', 'contracts'];

describe('engine and farm boundary', () => {
  it.each(farmFolders)('%s/ imports nothing from engine/', (folder) => {
    expect(forbiddenImports(root, folder, ['engine'])).toEqual([]);
  });

  it('engine/src imports nothing of the farm, its tests or its tools', () => {
    expect(forbiddenImports(root, 'engine/src', projectFolders)).toEqual([]);
  });

  it('the conformance suite loads engine code only in its in-process setup', () => {
    const allowed = (file: string) => file === path.join('engine', 'conformance', 'support', 'in-process-engine.ts');
    expect(forbiddenImports(root, 'engine/conformance', ['engine/src'], allowed)).toEqual([]);
  });
});

describe('the import check itself', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'imports-'));
    mkdirSync(path.join(dir, 'src', 'platform'), { recursive: true });
    mkdirSync(path.join(dir, 'engine', 'src'), { recursive: true });
    writeFileSync(path.join(dir, 'engine', 'src', 'start.ts'), 'export const startEngine = 1;\n');
    writeFileSync(path.join(dir, 'src', 'platform', 'ok.ts'), "import { z } from 'zod';\nimport { a } from './a.ts';\n");
    writeFileSync(path.join(dir, 'src', 'platform', 'seeded.ts'), "import type { X } from '../../engine/src/start.ts';\nconst m = await import('../../engine/src/start.ts');\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a seeded wrong import, static and dynamic, and nothing else', () => {
    const found = forbiddenImports(dir, 'src', ['engine']);
    expect(found.map((v) => [v.file, v.target])).toEqual([
      [path.join('src', 'platform', 'seeded.ts'), path.join('engine', 'src', 'start.ts')],
      [path.join('src', 'platform', 'seeded.ts'), path.join('engine', 'src', 'start.ts')],
    ]);
  });

  it('reads side-effect and re-export imports, and ignores packages', () => {
    expect(relativeImports("import './a.ts';\nexport { b } from '../b.ts';\nimport c from 'c';\n")).toEqual(['./a.ts', '../b.ts']);
  });
});
