// Drives createEngine() directly for the runtime's tests: deploy from text, run jobs by type, read
// records. Not shared with the farm.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ActivatedJob, Engine, JsonObject } from '../../src/api.ts';
import { Clock } from '../../src/clock.ts';
import { createEngine } from '../../src/engine.ts';

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export async function pinnedEngine(options: Parameters<typeof createEngine>[0] = {}) {
  return createEngine({ clock: new Clock({ pinnedAt: T0 }), ...options });
}

const repoRoot = path.resolve(import.meta.dirname, '../../..');

export function projectResources(): { name: string; content: Buffer }[] {
  const bpmn = ['order-fulfillment.bpmn', 'reconciliation.bpmn'].map((name) => ({ name, content: readFileSync(path.join(repoRoot, 'bpmn', name)) }));
  const formsDir = path.join(repoRoot, 'bpmn', 'forms');
  const forms = readdirSync(formsDir).map((name) => ({ name, content: readFileSync(path.join(formsDir, name)) }));
  return [...bpmn, ...forms];
}

export function bpmnResource(name: string, processXml: string, extraDefinitions = ''): { name: string; content: Buffer } {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Definitions_${name}" targetNamespace="http://test">
${extraDefinitions}
${processXml}
</bpmn:definitions>`;
  return { name: `${name}.bpmn`, content: Buffer.from(xml) };
}

/** a process: start → the given elements chained by flows in order → end */
export function chain(processId: string, elements: string[], extra = ''): string {
  const ids = elements.map((element) => /id="([^"]+)"/.exec(element)![1]!);
  const all = ['start', ...ids, 'end'];
  const flows = all.slice(1).map((target, index) => `<bpmn:sequenceFlow id="f${index}" sourceRef="${all[index]}" targetRef="${target}" />`);
  return `<bpmn:process id="${processId}" isExecutable="true">
  <bpmn:startEvent id="start" />
  ${elements.join('\n  ')}
  <bpmn:endEvent id="end" />
  ${flows.join('\n  ')}
  ${extra}
</bpmn:process>`;
}

export const serviceTask = (id: string, type: string, inner = '') =>
  `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" retries="3" />${inner}</bpmn:extensionElements></bpmn:serviceTask>`;

export async function activateOne(engine: Engine, type: string, fetchVariable: string[] = []): Promise<ActivatedJob> {
  const jobs = await engine.activateJobs({ type, worker: 'test', timeout: 60_000, maxJobsToActivate: 1, fetchVariable });
  if (jobs.length !== 1) {
    const active = [...engine.queries.jobs()].filter((job) => job.state === 'ACTIVATABLE' || job.state === 'ACTIVATED').map((job) => `${job.type}:${job.state}`);
    const incidents = [...engine.queries.incidents()].filter((incident) => incident.state === 'ACTIVE').map((incident) => `${incident.errorType} ${incident.elementId}: ${incident.errorMessage}`);
    throw new Error(`expected one job of type ${type}; live jobs: ${active.join(', ')}; incidents: ${incidents.join(' | ')}`);
  }
  return jobs[0]!;
}

export async function work(engine: Engine, type: string, variables: JsonObject = {}): Promise<ActivatedJob> {
  const job = await activateOne(engine, type);
  await engine.completeJob(job.key, variables);
  return job;
}

export function variablesOf(engine: Engine, processInstanceKey: string): JsonObject {
  const out: JsonObject = {};
  for (const variable of engine.queries.variables(processInstanceKey)) if (variable.scopeKey === processInstanceKey) out[variable.name] = JSON.parse(variable.value);
  return out;
}

export function stateOf(engine: Engine, processInstanceKey: string): string | undefined {
  return engine.queries.processInstance(processInstanceKey)?.state;
}

export function elementStates(engine: Engine, processInstanceKey: string): string[] {
  return [...engine.queries.elementInstances(processInstanceKey)].map((record) => `${record.elementId}:${record.state}`);
}
