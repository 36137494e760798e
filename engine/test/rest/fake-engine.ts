// A hand-written Engine for the REST layer's tests: records kept in arrays the test fills, every
// command recorded, and any command made to fail with a chosen EngineError.
import type {
  ActivatedJob,
  ElementInstanceRecord,
  Engine,
  EngineError,
  FormRecord,
  IncidentRecord,
  JobRecord,
  JsonObject,
  ProcessDefinitionRecord,
  ProcessInstanceRecord,
  UserTaskRecord,
  VariableRecord,
} from '../../src/api.ts';

export interface Call {
  readonly method: string;
  readonly args: readonly unknown[];
}

export interface FakeEngine extends Engine {
  readonly records: {
    processDefinitions: ProcessDefinitionRecord[];
    forms: FormRecord[];
    processInstances: ProcessInstanceRecord[];
    elementInstances: ElementInstanceRecord[];
    incidents: IncidentRecord[];
    userTasks: UserTaskRecord[];
    variables: VariableRecord[];
    jobs: JobRecord[];
  };
  readonly calls: Call[];
  /** the next call of `method` rejects with `error` */
  failNext(method: keyof Engine, error: EngineError): void;
  /** jobs the next activateJobs calls hand out, one batch per call */
  readonly activatable: ActivatedJob[][];
  /** what awaitCompletion resolves with (undefined: never resolves) */
  completionVariables: JsonObject | undefined;
  announce(jobs: readonly { key: string; type: string; tenantId: string }[]): void;
}

export function createFakeEngine(): FakeEngine {
  const records: FakeEngine['records'] = {
    processDefinitions: [],
    forms: [],
    processInstances: [],
    elementInstances: [],
    incidents: [],
    userTasks: [],
    variables: [],
    jobs: [],
  };
  const calls: Call[] = [];
  const failures = new Map<string, EngineError>();
  const listeners = new Set<(jobs: readonly { key: string; type: string; tenantId: string }[]) => void>();
  let counter = 0;
  const nextKey = () => String(2251799813685248n + BigInt(++counter));

  async function command<T>(method: string, args: unknown[], result: () => T): Promise<T> {
    calls.push({ method, args });
    const failure = failures.get(method);
    if (failure) {
      failures.delete(method);
      throw failure;
    }
    return result();
  }

  const engine: FakeEngine = {
    records,
    calls,
    activatable: [],
    completionVariables: {},
    failNext: (method, error) => void failures.set(method, error),
    announce: (jobs) => listeners.forEach((listener) => listener(jobs)),
    queries: {
      processDefinitions: () => records.processDefinitions,
      forms: () => records.forms,
      processInstances: () => records.processInstances,
      processInstance: (key) => records.processInstances.find((instance) => instance.processInstanceKey === key),
      elementInstances: (key) => records.elementInstances.filter((element) => key === undefined || element.processInstanceKey === key),
      incidents: () => records.incidents,
      userTasks: () => records.userTasks,
      variables: (key) => records.variables.filter((variable) => key === undefined || variable.processInstanceKey === key),
      jobs: () => records.jobs,
    },
    topology: () => ({ gatewayVersion: '8.9.0', clusterSize: 1, partitionsCount: 1, replicationFactor: 1 }),
    clock: () => ({ now: Date.now(), pinnedAt: undefined }),
    deploy: (resources, tenantId) =>
      command('deploy', [resources, tenantId], () => ({
        key: nextKey(),
        tenantId: tenantId ?? '<default>',
        deployments: resources.map((resource) =>
          resource.name.endsWith('.form')
            ? { kind: 'form' as const, formId: 'form-1', version: 1, formKey: nextKey(), resourceName: resource.name, tenantId: tenantId ?? '<default>' }
            : { kind: 'process' as const, bpmnProcessId: 'process-1', version: 1, processDefinitionKey: nextKey(), resourceName: resource.name, tenantId: tenantId ?? '<default>' },
        ),
      })),
    deleteResource: (key) => command('deleteResource', [key], () => undefined),
    createProcessInstance: (request) =>
      command('createProcessInstance', [request], () => ({
        processDefinitionKey: request.processDefinitionKey ?? '2251799813685249',
        bpmnProcessId: request.bpmnProcessId ?? 'process-1',
        version: request.version ?? 1,
        processInstanceKey: nextKey(),
        tenantId: request.tenantId ?? '<default>',
      })),
    awaitCompletion: (key, fetchVariables, timeoutMs) =>
      command('awaitCompletion', [key, fetchVariables, timeoutMs], () => undefined).then(
        () =>
          new Promise<JsonObject>((resolve) => {
            if (engine.completionVariables !== undefined) resolve(engine.completionVariables);
          }),
      ),
    cancelProcessInstance: (key) => command('cancelProcessInstance', [key], () => undefined),
    setVariables: (key, variables, local) => command('setVariables', [key, variables, local], () => nextKey()),
    resolveIncident: (key) => command('resolveIncident', [key], () => undefined),
    publishMessage: (request) => command('publishMessage', [request], () => ({ key: nextKey(), tenantId: request.tenantId ?? '<default>' })),
    correlateMessage: (request) =>
      command('correlateMessage', [request], () => ({ messageKey: nextKey(), processInstanceKey: '2251799813685300', tenantId: request.tenantId ?? '<default>' })),
    broadcastSignal: (name, variables, tenantId) => command('broadcastSignal', [name, variables, tenantId], () => ({ key: nextKey(), tenantId: tenantId ?? '<default>' })),
    activateJobs: (request) => command('activateJobs', [request], () => engine.activatable.shift() ?? []),
    activateForStream: (key, target) => command('activateForStream', [key, target], () => undefined),
    returnJob: (key) => command('returnJob', [key], () => undefined),
    onJobsAvailable: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    completeJob: (key, variables) => command('completeJob', [key, variables], () => undefined),
    failJob: (request) => command('failJob', [request], () => undefined),
    throwError: (request) => command('throwError', [request], () => undefined),
    updateJobRetries: (key, retries) => command('updateJobRetries', [key, retries], () => undefined),
    updateJobTimeout: (key, timeout) => command('updateJobTimeout', [key, timeout], () => undefined),
    assignUserTask: (key, assignee, allowOverride) => command('assignUserTask', [key, assignee, allowOverride], () => undefined),
    unassignUserTask: (key) => command('unassignUserTask', [key], () => undefined),
    completeUserTask: (key, variables) => command('completeUserTask', [key, variables], () => undefined),
    pinClock: (epochMs) => command('pinClock', [epochMs], () => undefined),
    resetClock: () => command('resetClock', [], () => undefined),
    close: async () => undefined,
  };
  return engine;
}
