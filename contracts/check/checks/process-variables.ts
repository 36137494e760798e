// Variables a model reads must be written by someone (seed 004 §13, §24 drift 1: "the delegate
// expects riskBand, BPMN wrote riskLevel" ends as an incident on a stuck instance). Per process:
//   written  worker outputs (the `output` schema of each job type's worker), message variables
//            (contracts/process-variables.yaml), error variables (contracts/error-map.yaml) at the
//            events that catch the error, io mapping targets, multi-instance input elements and
//            output collections, form fields a person fills in, script/decision result variables
//   read     io mapping sources, sequence flow conditions, timer expressions, message correlation
//            keys, multi-instance collections and output elements, other expressions, fields a
//            form shows read-only, and the variables every worker requires (`variables` schema)
// FEEL is read conservatively (feel.ts): only names it is sure are variable references.
import type { BpmnElement, BpmnModel } from '../bpmn-model.ts';
import type { CheckInputs, ContractCheck } from '../check-inputs.ts';
import { objectFields } from '../code-module.ts';
import { variablesRead } from '../feel.ts';
import { Findings } from '../finding.ts';
import { loadForms, type Form } from '../forms.ts';
import { loadErrorMap, loadProcessVariables, registryFiles, type ErrorMap, type ProcessVariables } from '../registry.ts';
import { shown } from '../sources.ts';
import type { WorkerContract } from '../worker-registry.ts';

interface Read {
  readonly element: string;
  readonly where: string;
  readonly names: readonly string[];
}

interface Registries {
  readonly messages: ProcessVariables['messages'];
  readonly errors: ErrorMap['errors'];
  readonly forms: ReadonlyMap<string, Form>;
  readonly workers: ReadonlyMap<string, WorkerContract>;
}

/** Variables something writes into the process, with who writes them (for messages). */
export function writtenVariables(model: BpmnModel, processId: string, r: Registries): Set<string> {
  const written = new Set<string>();
  const add = (names: Iterable<string | undefined>) => {
    for (const n of names) if (n) written.add(n);
  };
  const errorVariables = Object.values(r.errors).flatMap((e) => (e.bpmn ? [e.bpmn] : []));
  for (const el of model.elements.filter((e) => e.processId === processId)) {
    add(el.inputs.map((m) => m.target));
    add(el.outputs.map((m) => m.target));
    add([el.loop?.inputElement, el.loop?.outputCollection, el.script?.resultVariable, el.calledDecision?.resultVariable]);
    if (el.messageName) add(Object.keys(r.messages[el.messageName]?.variables ?? {}));
    if (el.errorCode !== undefined) add(errorVariables.filter((e) => el.errorCode === null || e.errorCode === el.errorCode).flatMap((e) => e.variables));
    const worker = el.jobType ? r.workers.get(el.jobType) : undefined;
    if (worker) add(objectFields(worker.output, 'output').map((o) => o.name));
    const form = el.formId ? r.forms.get(el.formId) : undefined;
    if (form) add(form.fields.filter((x) => !x.readonly).map((x) => x.key));
  }
  return written;
}

/** What each element of the process reads. */
export function readVariables(model: BpmnModel, processId: string, r: Registries): Read[] {
  const reads: Read[] = [];
  const push = (el: BpmnElement, where: string, names: readonly string[]) => {
    if (names.length) reads.push({ element: el.id, where, names });
  };
  const messages = new Map(model.messages.map((m) => [m.name, m]));
  for (const el of model.elements.filter((e) => e.processId === processId)) {
    for (const m of el.inputs) push(el, `input mapping ${m.target}`, variablesRead(m.source));
    for (const m of el.outputs) push(el, `output mapping ${m.target}`, variablesRead(m.source));
    if (el.condition) push(el, 'condition', variablesRead(el.condition));
    for (const t of el.timers) push(el, `timer ${t.kind}`, variablesRead(t.expression));
    if (el.loop) {
      push(el, 'multi-instance input collection', variablesRead(el.loop.inputCollection));
      push(el, 'multi-instance output element', variablesRead(el.loop.outputElement));
      push(el, 'multi-instance completion condition', variablesRead(el.loop.completionCondition));
    }
    for (const x of el.otherExpressions) push(el, x.what, variablesRead(x.expression));
    if (el.script?.expression) push(el, 'script', variablesRead(el.script.expression));
    // a message start event of the process is not correlated; every other message subscription is
    const processStart = el.type === 'StartEvent' && el.scopes.length === 1;
    const key = el.messageName ? messages.get(el.messageName)?.correlationKey : undefined;
    if (key && !processStart) push(el, `correlation key of message ${el.messageName}`, variablesRead(key));
    const worker = el.jobType ? r.workers.get(el.jobType) : undefined;
    if (worker) push(el, `variables worker ${worker.type} requires`, objectFields(worker.variables, 'input').filter((v) => v.required).map((v) => v.name));
    const form = el.formId ? r.forms.get(el.formId) : undefined;
    if (form) push(el, `read-only fields of form ${form.id}`, form.fields.filter((x) => x.readonly).map((x) => x.key));
  }
  return reads;
}

export const processVariables: ContractCheck = {
  name: 'process-variables',
  title: 'every variable a model or worker reads is written by a worker, message, mapping, form or error',
  async run({ sources, models, workers }: CheckInputs) {
    const f = new Findings(this.name);
    const registryFile = shown(sources, registryFiles(sources).processVariables);
    const r: Registries = {
      messages: loadProcessVariables(sources).messages,
      errors: loadErrorMap(sources).errors,
      forms: loadForms(sources.bpmnDir),
      workers: new Map(workers.map((w) => [w.type, w])),
    };
    const messageNames = new Set<string>();
    let checked = 0;
    for (const model of models) {
      const file = shown(sources, model.file);
      for (const m of model.messages) {
        messageNames.add(m.name);
        if (!r.messages[m.name]) f.add(file, m.id, `message ${m.name} is not in ${registryFile}: the variables it brings are unknown`);
      }
      for (const el of model.elements.filter((e) => e.formId !== undefined && !r.forms.has(e.formId ?? ''))) {
        f.add(file, el.id, `form ${el.formId} is not in ${shown(sources, sources.bpmnDir)}/forms`);
      }
      for (const p of model.processes) {
        const written = writtenVariables(model, p.id, r);
        for (const read of readVariables(model, p.id, r)) {
          for (const name of read.names) {
            checked++;
            if (!written.has(name)) {
              f.add(file, read.element, `reads variable ${name} (${read.where}), which nothing in process ${p.id} writes: no worker output, message variable, io mapping, multi-instance element, form field or error variable`);
            }
          }
        }
      }
    }
    for (const name of Object.keys(r.messages)) if (!messageNames.has(name)) f.add(registryFile, name, `message ${name} is used by no model in ${shown(sources, sources.bpmnDir)}`);
    return f.result(this.title, `${checked} variable read(s)`);
  },
};
