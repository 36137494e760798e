// What the parts deploy: the one-task model, and an isolated copy of the fulfillment model (process
// id, job types, messages and linked form ids suffixed, as the other benches and the process tests
// deploy it) with its forms from bpmn/forms.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { isolateForm, isolateModel } from '../../test/support/process-test.ts';
import type { OneTaskModel } from './one-task-model.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
export const FULFILLMENT_MODEL = path.join(root, 'bpmn', 'order-fulfillment.bpmn');
const FORMS_DIR = path.join(root, 'bpmn', 'forms');

export async function deployOneTask(zeebe: ZeebeGrpcClient, model: OneTaskModel): Promise<void> {
  await zeebe.deployResources([{ name: `${model.bpmnProcessId}.bpmn`, process: Buffer.from(model.xml) }]);
}

export interface DeployedCopy {
  readonly bpmnProcessId: string;
  readonly resources: readonly string[];
}

export async function deployFulfillmentCopy(zeebe: ZeebeGrpcClient, suffix: string): Promise<DeployedCopy> {
  const copy = isolateModel(await readFile(FULFILLMENT_MODEL, 'utf8'), suffix);
  const forms: { name: string; form: Buffer }[] = [];
  for (const file of (await readdir(FORMS_DIR)).filter((f) => f.endsWith('.form'))) {
    const json = await readFile(path.join(FORMS_DIR, file), 'utf8');
    const { id } = JSON.parse(json) as { id?: unknown };
    if (typeof id === 'string' && copy.formIds.includes(id)) forms.push({ name: `${id}-${suffix}.form`, form: Buffer.from(isolateForm(json, suffix)) });
  }
  const missing = copy.formIds.filter((id) => !forms.some((f) => f.name === `${id}-${suffix}.form`));
  if (missing.length) throw new Error(`forms ${missing.join(', ')} linked by ${FULFILLMENT_MODEL} are not in ${FORMS_DIR}`);
  const resources = [{ name: `order-fulfillment-${suffix}.bpmn`, process: Buffer.from(copy.xml) }, ...forms];
  await zeebe.deployResources(resources);
  return { bpmnProcessId: `${copy.processIds[0] ?? 'order-fulfillment'}-${suffix}`, resources: resources.map((r) => r.name) };
}
