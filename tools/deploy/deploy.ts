// Deploys the process models and forms (bpmn/*.bpmn, bpmn/forms/*.form) in one atomic deployment and
// reports, per resource, whether the engine took it as a new version or already had it.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Camunda8 } from '@camunda8/sdk';
import { createCamunda } from '../../src/platform/camunda.ts';

export type ResourceKind = 'process' | 'form';

export interface DeployedResource {
  readonly file: string;
  readonly kind: ResourceKind;
  /** bpmnProcessId or formId */
  readonly id: string;
  readonly version: number;
  readonly key: string;
  /** unchanged: the engine already had this exact resource and answered with its existing version */
  readonly status: 'new' | 'unchanged';
}

export interface DeployOptions {
  /** folder holding *.bpmn and forms/*.form; defaults to the repository's bpmn/ */
  readonly dir?: string;
  /** client to deploy with; defaults to one built from the configuration (and closed afterwards) */
  readonly camunda?: Camunda8;
}

export const MODELS_DIR = path.resolve(import.meta.dirname, '..', '..', 'bpmn');

interface DeploymentRow {
  readonly process?: { bpmnProcessId: string; version: number; processDefinitionKey: string; resourceName: string };
  readonly form?: { formId: string; version: number; formKey: string; resourceName: string };
}

export async function deployModels(opts: DeployOptions = {}): Promise<DeployedResource[]> {
  const dir = opts.dir ?? MODELS_DIR;
  const files = [...(await listFiles(dir, '.bpmn')), ...(await listFiles(path.join(dir, 'forms'), '.form'))];
  if (files.length === 0) throw new Error(`nothing to deploy in ${dir}`);

  const camunda = opts.camunda ?? createCamunda();
  const zeebe = camunda.getZeebeGrpcApiClient();
  try {
    // The engine counts an identical resource as unchanged only under the same resource name: send
    // the file name (as Modeler does), never the checkout's absolute path.
    const resources = await Promise.all(files.map(async (f) => {
      const name = path.basename(f);
      const content = await readFile(f);
      return f.endsWith('.form') ? { name, form: content } : { name, process: content };
    }));
    const res = await zeebe.deployResources(resources);
    const byName = new Map(files.map((f) => [path.basename(f), path.relative(dir, f)]));
    // Keys come from one partition's ascending sequence: a resource created by this deployment has a
    // key above the deployment's, while an identical resource comes back with its earlier key.
    const deploymentKey = BigInt(res.key);
    return (res.deployments as DeploymentRow[]).map((d) => {
      const r = describe(d);
      return { ...r, file: byName.get(r.file) ?? r.file, status: BigInt(r.key) > deploymentKey ? 'new' : 'unchanged' };
    });
  } finally {
    if (!opts.camunda) await zeebe.close();
  }
}

function describe(d: DeploymentRow): Omit<DeployedResource, 'status'> {
  if (d.process) return { file: d.process.resourceName, kind: 'process', id: d.process.bpmnProcessId, version: d.process.version, key: d.process.processDefinitionKey };
  if (d.form) return { file: d.form.resourceName, kind: 'form', id: d.form.formId, version: d.form.version, key: d.form.formKey };
  throw new Error(`unexpected deployment entry: ${JSON.stringify(d)}`);
}

async function listFiles(dir: string, ext: string): Promise<string[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return names.filter((n) => n.endsWith(ext)).sort().map((n) => path.join(dir, n));
}
