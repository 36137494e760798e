// BPMN errors between the models, the workers and the error map (seed 004 §8, §13):
//   - every error code a model defines is in the error map and is thrown by a worker (its
//     `bpmnErrors`) or by an error throw/end event of a model;
//   - every error a worker declares is in the error map and, at every task of its job type, is
//     caught by a boundary event on the task or on an enclosing subprocess, or by an error event
//     subprocess of an enclosing scope; or the map says it leaves an incident (`whenUncaught`);
//   - the map's `caughtBy` lists exactly the elements of the models that catch the code.
import type { BpmnElement, BpmnModel } from '../bpmn-model.ts';
import type { CheckInputs, ContractCheck } from '../check-inputs.ts';
import { Findings } from '../finding.ts';
import { loadErrorMap, registryFiles } from '../registry.ts';
import { shown } from '../sources.ts';

const catches = (el: BpmnElement, code: string): boolean => el.errorCode === code || el.errorCode === null;

/** The elements that catch `code` thrown at `task`, innermost first. */
export function catchersOf(model: BpmnModel, task: BpmnElement, code: string): BpmnElement[] {
  const found: BpmnElement[] = [];
  const boundaryOn = (id: string) => model.elements.filter((e) => e.type === 'BoundaryEvent' && e.attachedTo === id && catches(e, code));
  found.push(...boundaryOn(task.id));
  for (const scope of task.scopes) {
    const eventSubProcesses = model.elements.filter((e) => e.type === 'SubProcess' && e.triggeredByEvent && e.scopes[0] === scope && !task.scopes.includes(e.id));
    for (const esp of eventSubProcesses) {
      found.push(...model.elements.filter((e) => e.type === 'StartEvent' && e.scopes[0] === esp.id && catches(e, code)));
    }
    found.push(...boundaryOn(scope));
  }
  return found;
}

export const bpmnErrors: ContractCheck = {
  name: 'bpmn-errors',
  title: 'BPMN error codes agree between models, workers and the error map; declared errors are caught',
  async run({ sources, models, workers }: CheckInputs) {
    const f = new Findings(this.name);
    const mapFile = shown(sources, registryFiles(sources).errorMap);
    const registry = shown(sources, sources.workersModule);
    const errorMap = loadErrorMap(sources);
    const entries = new Map(Object.entries(errorMap.errors).flatMap(([key, e]) => (e.kind === 'bpmn-error' && e.bpmn ? [[e.bpmn.errorCode, { key, entry: e }] as const] : [])));
    const declared = new Map<string, string[]>();
    for (const w of workers) for (const code of w.bpmnErrors) declared.set(code, [...(declared.get(code) ?? []), w.type]);
    const thrownByModels = new Set(models.flatMap((m) => m.elements.filter((e) => (e.type === 'EndEvent' || e.type === 'IntermediateThrowEvent') && typeof e.errorCode === 'string').map((e) => e.errorCode as string)));

    // every code of the models
    const modelCodes = new Set<string>();
    for (const model of models) {
      const file = shown(sources, model.file);
      for (const err of model.errors) {
        if (!err.errorCode) continue;
        modelCodes.add(err.errorCode);
        if (!entries.has(err.errorCode)) f.add(file, err.id, `error code ${err.errorCode} is not in ${mapFile} (kind bpmn-error)`);
        if (!declared.has(err.errorCode) && !thrownByModels.has(err.errorCode)) {
          f.add(file, err.id, `error code ${err.errorCode} is thrown by no worker (bpmnErrors in ${registry}) and no error end or throw event`);
        }
      }
    }

    // every code the workers declare, at every task that runs them
    for (const [code, types] of declared) {
      const known = entries.get(code);
      if (!known) f.add(registry, types.join(', '), `worker(s) ${types.join(', ')} declare BPMN error ${code}, which is not in ${mapFile}`);
      for (const model of models) {
        const file = shown(sources, model.file);
        for (const task of model.elements.filter((e) => e.jobType !== undefined && types.includes(e.jobType))) {
          if (catchersOf(model, task, code).length > 0 || known?.entry.bpmn?.whenUncaught === 'incident') continue;
          f.add(file, task.id, `worker ${task.jobType} may throw ${code} here, but nothing catches it (no error boundary on the task or an enclosing subprocess, no error event subprocess up to ${task.processId}) and ${mapFile} does not say whenUncaught: incident`);
        }
      }
    }

    // the map's catchers against the models' catchers
    const actual = new Map<string, Set<string>>();
    for (const model of models) {
      for (const el of model.elements.filter((e) => typeof e.errorCode === 'string' && (e.type === 'BoundaryEvent' || e.type === 'StartEvent'))) {
        const code = el.errorCode as string;
        actual.set(code, new Set([...(actual.get(code) ?? []), `${el.processId}#${el.id}`]));
      }
    }
    for (const [code, { key, entry }] of entries) {
      const listed = new Set(entry.bpmn?.caughtBy ?? []);
      const real = actual.get(code) ?? new Set<string>();
      for (const c of listed) if (!real.has(c)) f.add(mapFile, `${key}.bpmn.caughtBy`, `lists ${c} as catching ${code}, but no model has such an element catching it`);
      for (const c of real) if (!listed.has(c)) f.add(mapFile, `${key}.bpmn.caughtBy`, `does not list ${c}, which catches ${code} in the models`);
      if (!modelCodes.has(code) && !declared.has(code)) f.add(mapFile, key, `error code ${code} is used by no model and no worker`);
    }
    return f.result(this.title, `${entries.size} BPMN error(s) in the map, ${declared.size} declared by workers`);
  },
};
