// The dependency rules (src/core/README.md), run over the real tree, and the checker itself run over
// a fixture tree with seeded wrong imports, so a rule that silently stopped matching is noticed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkDependencyRules, DEPENDENCY_RULES, describeFindings, importCycles } from './dependency-rules.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('dependency rules of the production code', () => {
  it('every rule holds', () => {
    const findings = checkDependencyRules(root);
    if (findings.length) throw new Error(`${findings.length} dependency rule(s) broken:\n\n${describeFindings(findings)}`);
  });

  it('no production files import each other in a loop', () => {
    const cycles = importCycles(root);
    if (cycles.length) throw new Error(`import loops (two files that import each other are one unit; break the loop by handing one a function):\n${cycles.map((c) => `  ${c}`).join('\n')}`);
  });
});

describe('the dependency-rule checker itself', () => {
  let dir: string;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dependency-rules-'));
    write('src/adapters/y.ts', "import type { Crm } from '../core/ports/crm.ts';\nexport const y = 1;\n");
    write('src/adapters/z.ts', "import { accept } from '../core/use-cases/accept.ts';\n");
    write('src/core/ports/crm.ts', 'export interface Crm { readonly id: string }\n');
    write('src/core/ports/x.ts', "import { z } from 'zod';\nimport type { Crm } from './crm.ts';\nimport { y } from '../../adapters/y.ts';\n");
    write('src/core/use-cases/accept.ts', "import type { Crm } from '../ports/crm.ts';\nimport { emit } from '../../events/emit.ts';\nexport const accept = 1;\n");
    write('src/core/use-cases/accept.test.ts', "import { fixture } from '../../../test/support/fixture.ts';\n");
    write('src/events/emit.ts', 'export const emit = 1;\n');
    write('src/main/farm.ts', "import { y } from '../adapters/y.ts';\nimport { accept } from '../core/use-cases/accept.ts';\n");
    write('workers/reserve.ts', "import { y } from '../src/adapters/y.ts';\nimport { accept } from '../src/core/use-cases/accept.ts';\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports exactly the seeded wrong imports, each under its rule', () => {
    const findings = checkDependencyRules(dir);
    expect(findings.map((f) => [f.rule, f.offenders])).toEqual([
      ['domain and ports import nothing outside themselves', ['src/core/ports/x.ts -> src/adapters/y.ts']],
      // a port is part of the core, so its adapter import breaks the core's rule as well
      ['the core never imports adapters, the worker runtime, intake, workers or the composition roots', ['src/core/ports/x.ts -> src/adapters/y.ts']],
      ['adapters import of the core only its ports and domain', ['src/adapters/z.ts -> src/core/use-cases/accept.ts']],
      ['workers never import adapters', ['workers/reserve.ts -> src/adapters/y.ts']],
    ]);
  });

  it('names the rule, its reason and each offending import in the failure message', () => {
    const message = describeFindings(checkDependencyRules(dir));
    expect(message).toContain('rule broken: workers never import adapters');
    expect(message).toContain(`why: ${DEPENDENCY_RULES.find((r) => r.name === 'workers never import adapters')?.reason}`);
    expect(message).toContain('  workers/reserve.ts -> src/adapters/y.ts');
  });

  it('finds an import loop, and only the loop', () => {
    write('src/events/retries.ts', "import { deliver } from './deliver.ts';\nexport const retry = 1;\n");
    write('src/events/deliver.ts', "import { retry } from './retries.ts';\nexport const deliver = 1;\n");
    expect(importCycles(dir)).toEqual(['src/events/deliver.ts -> src/events/retries.ts -> src/events/deliver.ts']);
    rmSync(path.join(dir, 'src/events/retries.ts'));
    rmSync(path.join(dir, 'src/events/deliver.ts'));
    expect(importCycles(dir)).toEqual([]);
  });

  it('passes a tree that keeps the rules', () => {
    rmSync(path.join(dir, 'src/core/ports/x.ts'));
    rmSync(path.join(dir, 'src/adapters/z.ts'));
    rmSync(path.join(dir, 'workers/reserve.ts'));
    expect(checkDependencyRules(dir)).toEqual([]);
  });
});
