// bpmnlint with the project's .bpmnlintrc (bpmnlint:recommended + the Camunda compatibility rules
// of the target engine, camunda-compat/camunda-cloud-8-6): what the engine would refuse to deploy
// or run differently. Runs bpmn-lint-runner.ts in a plain node process (jest cannot load bpmnlint).
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LintFinding } from '../bpmn-lint-runner.ts';
import type { CheckInputs, ContractCheck } from '../check-inputs.ts';
import { Findings } from '../finding.ts';
import { REPOSITORY_ROOT, shown } from '../sources.ts';

const run = promisify(execFile);
const RUNNER = path.resolve(import.meta.dirname, '..', 'bpmn-lint-runner.ts');

export async function lintFiles(files: readonly string[], config: string): Promise<LintFinding[]> {
  if (!files.length) return [];
  const { stdout } = await run(process.execPath, [RUNNER, '--config', config, ...files], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as LintFinding[];
}

export const bpmnLint: ContractCheck = {
  name: 'bpmn-lint',
  title: 'bpmnlint (recommended + Camunda compatibility of the target engine) finds nothing',
  async run({ sources }: CheckInputs) {
    const f = new Findings(this.name);
    const files = (await readdir(sources.bpmnDir)).filter((x) => x.endsWith('.bpmn')).sort().map((x) => path.join(sources.bpmnDir, x));
    for (const l of await lintFiles(files, sources.lintConfig)) {
      if (l.category === 'info') continue;
      // the runner names files relative to the repository it lives in
      const file = shown(sources, path.resolve(REPOSITORY_ROOT, l.file));
      f.add(file, l.element || '(document)', `[${l.rule}] ${l.category}: ${l.message}`);
    }
    return f.result(this.title, `${files.length} model(s), ${shown(sources, sources.lintConfig)}`);
  },
};
