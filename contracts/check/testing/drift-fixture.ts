// Test support: a temp copy of the repository's contract inputs (models, forms, registries,
// OpenAPI/AsyncAPI documents, migrations, lint configuration) to seed one drift into. TypeScript
// modules named by the registries stay the repository's own (they resolve against `root`).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseModels } from '../bpmn-model.ts';
import type { CheckInputs, ContractCheck } from '../check-inputs.ts';
import type { DatabaseIntrospection } from '../database.ts';
import type { Finding } from '../finding.ts';
import { REPOSITORY_ROOT, repositorySources, type ContractSources } from '../sources.ts';
import { forgetParsedSources } from '../ts-scan.ts';
import { loadWorkers, type WorkerContract } from '../worker-registry.ts';

export interface InputOptions {
  /** replaces the real workers (e.g. one with a renamed output) */
  readonly workers?: (real: WorkerContract[]) => WorkerContract[];
  readonly database?: DatabaseIntrospection;
}

export class DriftFixture {
  readonly dir: string;
  readonly sources: ContractSources;

  private constructor(dir: string) {
    this.dir = dir;
    this.sources = repositorySources(REPOSITORY_ROOT, {
      bpmnDir: path.join(dir, 'bpmn'),
      contractsDir: path.join(dir, 'contracts'),
      migrationsDir: path.join(dir, 'migrations'),
      lintConfig: path.join(dir, '.bpmnlintrc'),
    });
  }

  static create(): DriftFixture {
    const dir = mkdtempSync(path.join(tmpdir(), 'contracts-drift-'));
    cpSync(path.join(REPOSITORY_ROOT, 'bpmn'), path.join(dir, 'bpmn'), { recursive: true });
    cpSync(path.join(REPOSITORY_ROOT, 'migrations'), path.join(dir, 'migrations'), { recursive: true });
    cpSync(path.join(REPOSITORY_ROOT, '.bpmnlintrc'), path.join(dir, '.bpmnlintrc'));
    // The checker's own code stays out; filtered by the path inside contracts/ (a checkout may
    // itself live under a folder named "check").
    const contracts = path.join(REPOSITORY_ROOT, 'contracts');
    const codeFolders = new Set(['check', 'diff']);
    cpSync(contracts, path.join(dir, 'contracts'), { recursive: true, filter: (src) => !codeFolders.has(path.relative(contracts, src).split(path.sep)[0] ?? '') });
    forgetParsedSources();
    return new DriftFixture(dir);
  }

  path(rel: string): string {
    return path.join(this.dir, rel);
  }

  read(rel: string): string {
    return readFileSync(this.path(rel), 'utf8');
  }

  write(rel: string, text: string): void {
    mkdirSync(path.dirname(this.path(rel)), { recursive: true });
    writeFileSync(this.path(rel), text);
  }

  /** Deletes a copied file or folder (e.g. documents the repository gained meanwhile). */
  delete(rel: string): void {
    rmSync(this.path(rel), { recursive: true, force: true });
  }

  /** Replaces text in a copied file; fails when the text is not there (the original changed). */
  edit(rel: string, from: string | RegExp, to: string): void {
    const before = this.read(rel);
    const after = typeof from === 'string' ? before.replaceAll(from, to) : before.replace(from, to);
    if (after === before) throw new Error(`${rel}: nothing matched ${String(from)}`);
    this.write(rel, after);
  }

  exists(rel: string): boolean {
    return existsSync(this.path(rel));
  }

  async inputs(opts: InputOptions = {}): Promise<CheckInputs> {
    const real = await loadWorkers(this.sources.workersModule);
    return { sources: this.sources, models: await parseModels(this.sources.bpmnDir), workers: opts.workers ? opts.workers(real) : real, database: opts.database };
  }

  /**
   * The findings a seeded drift adds: the check runs on the copy before and after `seed`, so
   * whatever the repository holds at the moment (other work in progress) does not count.
   */
  async added(check: ContractCheck, seed: () => void, after: InputOptions = {}, before: InputOptions = {}): Promise<string[]> {
    const baseline = lines((await check.run(await this.inputs(before))).findings);
    seed();
    forgetParsedSources();
    const result = await check.run(await this.inputs(after));
    if (result.status !== 'failed') return [];
    return lines(result.findings).filter((l) => !baseline.includes(l));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Findings as one line each, for readable expectations and failure output. */
export const lines = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.file} | ${f.element} | ${f.message}`);
