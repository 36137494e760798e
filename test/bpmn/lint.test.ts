// Every process model passes bpmnlint (recommended rules + Camunda 8.6 compatibility, .bpmnlintrc).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LintFinding } from '../../contracts/check/bpmn-lint-runner.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Lints in a plain node process (see contracts/check/bpmn-lint-runner.ts for why). */
function lintModel(file: string): LintFinding[] {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'contracts', 'check', 'bpmn-lint-runner.ts'), file], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as LintFinding[];
}

const models = readdirSync(path.join(ROOT, 'bpmn')).filter((f) => f.endsWith('.bpmn'));

test('there are models to lint', () => {
  expect(models).toContain('order-fulfillment.bpmn');
});

test.each(models)('%s is lint-clean', (model) => {
  const findings = lintModel(path.join(ROOT, 'bpmn', model)).filter((f) => f.category !== 'info');
  expect(findings.map((f) => `${f.file} ${f.element || '(document)'} [${f.rule}] ${f.category}: ${f.message}`)).toEqual([]);
});

test('a finding names the file, the element and the rule', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'lint-test-'));
  try {
    const broken = path.join(dir, 'unnamed-task.bpmn');
    const fixture = await readFile(path.join(ROOT, 'test', 'fixtures', 'smoke-probe.bpmn'), 'utf8');
    await writeFile(broken, fixture.replace('<bpmn:serviceTask id="ServiceTask_Echo" name="Echo">', '<bpmn:serviceTask id="ServiceTask_Echo">'));
    expect(lintModel(broken)).toEqual([expect.objectContaining({ element: 'ServiceTask_Echo', rule: 'label-required', category: 'error' })]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
