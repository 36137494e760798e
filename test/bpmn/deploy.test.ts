// deployModels against the real engine, on isolated copies of bpmn/ (suffixed ids) in a temp folder,
// so the real process and forms are never deployed by a test: first a new version of everything,
// then the same versions reported back as unchanged. The copies' process definitions are deleted
// afterwards: a timer start event (the reconciliation sweep) would otherwise keep starting instances.
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MODELS_DIR, deployModels } from '../../tools/deploy/deploy.ts';
import { ProcessTest, isolateForm, isolateModel } from '../support/process-test.ts';

const suffix = `d${randomUUID().slice(0, 8)}`;
let dir: string;
let pt: ProcessTest;
/** process definitions the test deployed */
const deployedProcesses = new Set<string>();

beforeAll(async () => {
  pt = new ProcessTest();
  dir = await mkdtemp(path.join(tmpdir(), 'deploy-test-'));
  await mkdir(path.join(dir, 'forms'));
  for (const name of (await readdir(MODELS_DIR)).filter((n) => n.endsWith('.bpmn'))) {
    await writeFile(path.join(dir, name), isolateModel(await readFile(path.join(MODELS_DIR, name), 'utf8'), suffix).xml);
  }
  for (const name of await readdir(path.join(MODELS_DIR, 'forms'))) {
    await writeFile(path.join(dir, 'forms', name), isolateForm(await readFile(path.join(MODELS_DIR, 'forms', name), 'utf8'), suffix));
  }
});

afterAll(async () => {
  for (const resourceKey of deployedProcesses) await pt.zeebe.deleteResource({ resourceKey });
  await rm(dir, { recursive: true, force: true });
  await pt.close();
});

test('every model and form is deployed as new, then reported unchanged with the same version and key', async () => {
  const first = await deployModels({ dir, camunda: pt.camunda });
  for (const r of first) if (r.kind === 'process') deployedProcesses.add(r.key);
  expect(first.map((r) => [r.file, r.kind, r.id, r.version, r.status]).sort()).toEqual([
    ['forms/billing-fallout.form', 'form', `billing-fallout-${suffix}`, 1, 'new'],
    ['forms/external-conflict.form', 'form', `external-conflict-${suffix}`, 1, 'new'],
    ['forms/reconciliation-decision.form', 'form', `reconciliation-decision-${suffix}`, 1, 'new'],
    ['order-fulfillment.bpmn', 'process', `order-fulfillment-${suffix}`, 1, 'new'],
    // one file, two processes (the pools of its collaboration)
    ['reconciliation.bpmn', 'process', `reconciliation-case-${suffix}`, 1, 'new'],
    ['reconciliation.bpmn', 'process', `reconciliation-sweep-${suffix}`, 1, 'new'],
  ]);

  const again = await deployModels({ dir, camunda: pt.camunda });
  expect(again.map((r) => r.status)).toEqual(first.map(() => 'unchanged'));
  expect(again.map((r) => [r.id, r.version, r.key]).sort()).toEqual(first.map((r) => [r.id, r.version, r.key]).sort());
});
