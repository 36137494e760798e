// The REST read side over the runtime's state: records live and finished (up to the history cap).
import type { EngineQueries, ElementInstanceRecord, VariableRecord } from '../api.ts';
import type { RuntimeState } from './state.ts';

export function createQueries(state: () => RuntimeState): EngineQueries {
  function* variablesOf(processInstanceKey: string): Iterable<VariableRecord> {
    const instance = state().instances.get(processInstanceKey);
    if (!instance) return;
    const { tenantId } = instance.record;
    for (const [name, variable] of instance.rootVars) {
      yield { variableKey: variable.key, name, value: JSON.stringify(variable.value ?? null), scopeKey: processInstanceKey, processInstanceKey, tenantId };
    }
    for (const record of instance.elementRecords) {
      if (record.state !== 'ACTIVE') continue;
      const ei = state().elementInstances.get(record.elementInstanceKey);
      if (!ei?.vars) continue;
      for (const [name, variable] of ei.vars) {
        yield { variableKey: variable.key, name, value: JSON.stringify(variable.value ?? null), scopeKey: ei.key, processInstanceKey, tenantId };
      }
    }
  }
  return {
    processDefinitions: () => [...state().definitions.values()].map((definition) => definition.record),
    forms: () => state().forms.values(),
    processInstances: () => [...state().instances.values()].map((instance) => instance.record),
    processInstance: (processInstanceKey) => state().instances.get(processInstanceKey)?.record,
    elementInstances(processInstanceKey?: string): Iterable<ElementInstanceRecord> {
      if (processInstanceKey !== undefined) return state().instances.get(processInstanceKey)?.elementRecords ?? [];
      return [...state().instances.values()].flatMap((instance) => instance.elementRecords);
    },
    incidents: () => [...state().incidents.values()].map((incident) => incident.record),
    userTasks: () => state().userTasks.values(),
    variables(processInstanceKey?: string): Iterable<VariableRecord> {
      if (processInstanceKey !== undefined) return variablesOf(processInstanceKey);
      return [...state().instances.keys()].flatMap((key) => [...variablesOf(key)]);
    },
    jobs: () => [...state().jobs.values()].map((job) => job.record),
  };
}
