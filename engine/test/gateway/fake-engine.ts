// A small hand-written Engine for testing the wire alone: one job per instance (the process's
// first `type="..."`), messages with messageId uniqueness, and the stream/poll hooks. It keeps
// the façade's contract (errors as EngineError codes), not BPMN semantics.
import { EngineError } from '../../src/api.ts';
import type { ActivatedJob, ActivateJobsRequest, DeployResource, Engine, JsonObject, StreamTarget } from '../../src/api.ts';

interface FakeJob {
  readonly key: string;
  readonly type: string;
  readonly processInstanceKey: string;
  state: 'ACTIVATABLE' | 'ACTIVATED' | 'FAILED' | 'DONE';
  worker: string;
  retries: number;
  deadline: number;
}

type Listener = (jobs: readonly { key: string; type: string; tenantId: string }[]) => void;

export interface FakeEngine extends Engine {
  /** a job of this type, activatable now (as if an instance reached a service task) */
  addJob(type: string): string;
  readonly calls: string[];
  /** the next command throws this (backpressure tests) */
  failNext(error: EngineError): void;
}

export function createFakeEngine(): FakeEngine {
  let counter = 0;
  const nextKey = () => ((1n << 51n) + BigInt(++counter)).toString();
  const processes = new Map<string, { key: string; version: number; xml: string }>();
  const jobs = new Map<string, FakeJob>();
  const messageIds = new Set<string>();
  const listeners = new Set<Listener>();
  const completions = new Map<string, (variables: JsonObject) => void>();
  const calls: string[] = [];
  let nextError: EngineError | undefined;

  const command = (name: string) => {
    calls.push(name);
    if (nextError) {
      const error = nextError;
      nextError = undefined;
      throw error;
    }
  };
  const notify = (job: FakeJob) => {
    for (const listener of listeners) listener([{ key: job.key, type: job.type, tenantId: '<default>' }]);
  };
  const addJob = (type: string, processInstanceKey = nextKey()) => {
    const job: FakeJob = { key: nextKey(), type, processInstanceKey, state: 'ACTIVATABLE', worker: '', retries: 3, deadline: 0 };
    jobs.set(job.key, job);
    notify(job);
    return job.key;
  };
  const activate = (job: FakeJob, worker: string, timeout: number): ActivatedJob => {
    job.state = 'ACTIVATED';
    job.worker = worker;
    job.deadline = Date.now() + timeout;
    return {
      key: job.key,
      type: job.type,
      processInstanceKey: job.processInstanceKey,
      bpmnProcessId: 'fake',
      processDefinitionVersion: 1,
      processDefinitionKey: '1',
      elementId: 'Task',
      elementInstanceKey: job.key,
      customHeaders: '{}',
      worker,
      retries: job.retries,
      deadline: job.deadline,
      variables: '{"orderId":"o-1"}',
      tenantId: '<default>',
    };
  };
  const activeJob = (jobKey: string) => {
    const job = jobs.get(jobKey);
    if (!job || job.state === 'DONE') throw new EngineError('NOT_FOUND', `Expected to find job with key ${jobKey}, but no such job was found`);
    return job;
  };

  const engine: FakeEngine = {
    calls,
    addJob: (type) => addJob(type),
    failNext: (error) => {
      nextError = error;
    },
    queries: {
      processDefinitions: () => [],
      forms: () => [],
      processInstances: () => [],
      processInstance: () => undefined,
      elementInstances: () => [],
      incidents: () => [],
      userTasks: () => [],
      variables: () => [],
      jobs: () => [],
    },
    topology: () => ({ gatewayVersion: '8.9.0-local', clusterSize: 1, partitionsCount: 1, replicationFactor: 1 }),
    clock: () => ({ now: Date.now(), pinnedAt: undefined }),
    async deploy(resources: readonly DeployResource[]) {
      command('deploy');
      const refused = resources.filter((resource) => resource.content.toString().includes('INVALID'));
      if (refused.length) {
        throw new EngineError('INVALID_ARGUMENT', `Expected to deploy new resources, but encountered the following errors:\n${refused.map((resource) => `'${resource.name}': - Element: Task_Broken - ERROR: unsupported element`).join('\n')}`);
      }
      const key = nextKey();
      return {
        key,
        tenantId: '<default>',
        deployments: resources.map((resource) => {
          const xml = resource.content.toString();
          const bpmnProcessId = /<bpmn:process id="([^"]+)"/.exec(xml)?.[1] ?? resource.name;
          const previous = processes.get(bpmnProcessId);
          const deployed = { key: nextKey(), version: (previous?.version ?? 0) + 1, xml };
          processes.set(bpmnProcessId, deployed);
          return { kind: 'process' as const, bpmnProcessId, version: deployed.version, processDefinitionKey: deployed.key, resourceName: resource.name, tenantId: '<default>' };
        }),
      };
    },
    async deleteResource(resourceKey) {
      command('deleteResource');
      if (![...processes.values()].some((process) => process.key === resourceKey)) throw new EngineError('NOT_FOUND', `Expected to delete resource with key ${resourceKey}, but no such resource was found`);
    },
    async createProcessInstance(request) {
      command('createProcessInstance');
      const process = request.bpmnProcessId ? processes.get(request.bpmnProcessId) : undefined;
      if (!process) throw new EngineError('NOT_FOUND', `Expected to find process definition with process ID '${request.bpmnProcessId}', but none found`);
      const processInstanceKey = nextKey();
      const type = /type="([^"]+)"/.exec(process.xml)?.[1];
      if (type) addJob(type, processInstanceKey);
      return { processDefinitionKey: process.key, bpmnProcessId: request.bpmnProcessId ?? '', version: process.version, processInstanceKey, tenantId: '<default>' };
    },
    awaitCompletion(processInstanceKey) {
      return new Promise((resolve) => completions.set(processInstanceKey, resolve));
    },
    async cancelProcessInstance(processInstanceKey) {
      command('cancelProcessInstance');
      throw new EngineError('NOT_FOUND', `Expected to cancel a process instance with key '${processInstanceKey}', but no such process was found`);
    },
    async setVariables() {
      command('setVariables');
      return nextKey();
    },
    async resolveIncident(incidentKey) {
      command('resolveIncident');
      throw new EngineError('NOT_FOUND', `Expected to resolve incident with key '${incidentKey}', but no such incident was found`);
    },
    async publishMessage(request) {
      command('publishMessage');
      if (request.messageId) {
        const id = `${request.name}/${request.messageId}`;
        if (messageIds.has(id)) throw new EngineError('ALREADY_EXISTS', `Expected to publish a new message with id '${request.messageId}', but a message with that id was already published`);
        messageIds.add(id);
      }
      return { key: nextKey(), tenantId: '<default>' };
    },
    async correlateMessage() {
      throw new EngineError('NOT_FOUND', 'no subscription');
    },
    async broadcastSignal() {
      command('broadcastSignal');
      return { key: nextKey(), tenantId: '<default>' };
    },
    async activateJobs(request: ActivateJobsRequest) {
      command('activateJobs');
      const free = [...jobs.values()].filter((job) => job.type === request.type && job.state === 'ACTIVATABLE').slice(0, request.maxJobsToActivate);
      return free.map((job) => activate(job, request.worker, request.timeout));
    },
    async activateForStream(jobKey: string, target: StreamTarget) {
      command('activateForStream');
      const job = jobs.get(jobKey);
      return job && job.state === 'ACTIVATABLE' ? activate(job, target.worker, target.timeout) : undefined;
    },
    async returnJob(jobKey) {
      command('returnJob');
      const job = jobs.get(jobKey);
      if (job?.state === 'ACTIVATED') job.state = 'ACTIVATABLE';
    },
    onJobsAvailable(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async completeJob(jobKey, variables) {
      command('completeJob');
      const job = activeJob(jobKey);
      if (job.state !== 'ACTIVATED') throw new EngineError('FAILED_PRECONDITION', `Expected to complete job with key '${jobKey}', but it is in state '${job.state}'`);
      job.state = 'DONE';
      completions.get(job.processInstanceKey)?.(variables);
    },
    async failJob(request) {
      command('failJob');
      const job = activeJob(request.jobKey);
      job.retries = request.retries;
      job.state = request.retries > 0 ? 'ACTIVATABLE' : 'FAILED';
      if (job.state === 'ACTIVATABLE') notify(job);
    },
    async throwError(request) {
      command('throwError');
      activeJob(request.jobKey).state = 'DONE';
    },
    async updateJobRetries(jobKey, retries) {
      command('updateJobRetries');
      activeJob(jobKey).retries = retries;
    },
    async updateJobTimeout(jobKey, timeout) {
      command('updateJobTimeout');
      activeJob(jobKey).deadline = Date.now() + timeout;
    },
    async assignUserTask() {},
    async unassignUserTask() {},
    async completeUserTask() {},
    async pinClock() {},
    async resetClock() {},
    async close() {},
  };
  return engine;
}
