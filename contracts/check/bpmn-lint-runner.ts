// bpmnlint with the project's .bpmnlintrc: models are parsed with the Zeebe moddle extension (the
// camunda-compat rules read zeebe:* elements) and every finding is named by file, element and rule.
// Run as a script (`node contracts/check/bpmn-lint-runner.ts [--config <rc>] <files>`) it prints
// the findings as JSON: jest's module registry cannot load bpmnlint (CommonJS requiring ES
// modules), so the contracts check and the lint test run it in a plain node process.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpmnModdle } from 'bpmn-moddle';
import bpmnlint, { type LintConfig } from 'bpmnlint';
import NodeResolver from 'bpmnlint/lib/resolver/node-resolver.js';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(path.join(ROOT, 'package.json'));

export interface LintFinding {
  readonly file: string;
  readonly element: string;
  readonly rule: string;
  readonly category: string;
  readonly message: string;
}

export async function lintModel(file: string, configFile = path.join(ROOT, '.bpmnlintrc')): Promise<LintFinding[]> {
  const config = JSON.parse(await readFile(configFile, 'utf8')) as LintConfig;
  const zeebe = JSON.parse(await readFile(require.resolve('zeebe-bpmn-moddle/resources/zeebe.json'), 'utf8')) as Record<string, unknown>;
  const name = path.relative(ROOT, file);
  const { rootElement, warnings } = await new BpmnModdle({ zeebe }).fromXML(await readFile(file, 'utf8'));
  // unknown elements or attributes (a typo in zeebe:*) only surface as parse warnings
  const findings: LintFinding[] = warnings.map((w) => ({ file: name, element: '', rule: 'parse', category: 'error', message: w.message }));
  const linter = new bpmnlint.Linter({ config, resolver: new NodeResolver({ require }) });
  for (const [rule, reports] of Object.entries(await linter.lint(rootElement))) {
    for (const r of reports) findings.push({ file: name, element: r.id ?? '', rule, category: r.category, message: r.message });
  }
  return findings;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--config');
  const config = at >= 0 ? path.resolve(args.splice(at, 2)[1] ?? '') : undefined;
  const findings: LintFinding[] = [];
  for (const file of args) findings.push(...(await lintModel(path.resolve(file), config)));
  process.stdout.write(JSON.stringify(findings));
}
