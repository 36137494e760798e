// The command loop: every Engine method becomes one JSON command, applied synchronously to the
// runtime at one clock reading, appended to the journal, and answered once the journal has it on
// disk. Past `maxQueuedCommands` unanswered commands the engine refuses (RESOURCE_EXHAUSTED).
// One timer wakes the loop for the earliest due work (a `tick` command). Recovery re-applies the
// journal after the last snapshot at the recorded times. Once the journal fails (a write or flush
// rejects) the engine answers every command UNAVAILABLE: its state may be ahead of the disk.
import { EngineError } from './api.ts';
import type {
  ActivatedJob, ClockState, CorrelatedMessage, CreatedInstance, DeploymentResult, DeployResource, Engine, JsonObject, TopologyInfo,
} from './api.ts';
import { Clock } from './clock.ts';
import { memoryJournal } from './durability.ts';
import type { Journal } from './durability.ts';
import { compileBpmn } from './model/compile.ts';
import { compileForm } from './model/form.ts';
import type { Command, CompiledResource } from './runtime/commands.ts';
import { createQueries } from './runtime/queries.ts';
import { DEFAULT_HISTORY_LIMIT, Runtime } from './runtime/runtime.ts';

export interface EngineOptions {
  clock?: Clock;
  journal?: Journal;
  maxQueuedCommands?: number;
  snapshotEvery?: number;
  historyLimit?: number;
}

interface Snapshot {
  readonly runtime: unknown;
  readonly pinnedAt: number | undefined;
}

type JobsListener = (jobs: readonly { key: string; type: string; tenantId: string }[]) => void;

const MAX_TIMEOUT = 2_147_483_647;

export async function createEngine(options: EngineOptions = {}): Promise<Engine & { readonly clockControl: Clock }> {
  const clock = options.clock ?? new Clock();
  const journal = options.journal ?? memoryJournal();
  const maxQueued = options.maxQueuedCommands ?? 10_000;
  const snapshotEvery = options.snapshotEvery ?? 50_000;
  const historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;

  const recovered = await journal.recover();
  const snapshot = recovered.snapshot as Snapshot | undefined;
  const runtime = snapshot ? Runtime.restore(snapshot.runtime, historyLimit) : new Runtime({ historyLimit });
  if (snapshot?.pinnedAt !== undefined) clock.pin(snapshot.pinnedAt);
  for (const entry of recovered.entries) {
    const command = entry.command as Command;
    if (command.type === 'pin-clock') clock.pin(command.epochMs);
    if (command.type === 'reset-clock') clock.reset();
    try {
      runtime.apply(command, entry.at);
    } catch {
      // a command that failed when first applied failed the same way: nothing changed
    }
  }
  runtime.drainEffects();

  const listeners = new Set<JobsListener>();
  const waiters = new Map<string, { fetch: readonly string[]; resolve: (variables: JsonObject) => void; reject: (error: Error) => void }[]>();
  let pending = 0;
  let closed = false;
  /** set once the journal failed: the state may hold commands the journal lost, so none are taken */
  let failure: EngineError | undefined;
  let snapshotting = false;
  let wake: NodeJS.Timeout | undefined;
  let wakeAt: number | undefined;

  const queries = createQueries(() => runtime.state);

  function finalVariables(processInstanceKey: string, fetch: readonly string[]): JsonObject {
    const variables: JsonObject = {};
    for (const variable of queries.variables(processInstanceKey)) {
      if (variable.scopeKey !== processInstanceKey) continue;
      if (fetch.length > 0 && !fetch.includes(variable.name)) continue;
      variables[variable.name] = JSON.parse(variable.value) as unknown;
    }
    return variables;
  }

  function settleWaiters(processInstanceKey: string): void {
    const list = waiters.get(processInstanceKey);
    if (!list) return;
    waiters.delete(processInstanceKey);
    const record = queries.processInstance(processInstanceKey);
    for (const waiter of list) {
      if (record?.state === 'COMPLETED') waiter.resolve(finalVariables(processInstanceKey, waiter.fetch));
      else waiter.reject(new EngineError('FAILED_PRECONDITION', `Expected the process instance '${processInstanceKey}' to complete, but it was terminated`));
    }
  }

  function emitEffects(): void {
    for (const effect of runtime.drainEffects()) {
      if (effect.kind === 'instance-ended') settleWaiters(effect.processInstanceKey);
      else if (listeners.size > 0) {
        const jobs = effect.jobs;
        queueMicrotask(() => {
          for (const listener of listeners) listener(jobs);
        });
      }
    }
  }

  function journalFailed(cause: unknown): EngineError {
    if (failure) return failure;
    const reason = cause instanceof Error ? cause.message : String(cause);
    failure = new EngineError('UNAVAILABLE', `The engine stopped taking commands because its journal failed (${reason}); restart it to recover the state on disk`);
    if (wake) clearTimeout(wake);
    wake = undefined;
    for (const [key, list] of waiters) {
      waiters.delete(key);
      for (const waiter of list) waiter.reject(failure);
    }
    return failure;
  }

  function schedule(): void {
    const due = runtime.nextDueAt();
    if (due === undefined || closed || failure) return;
    if (wake && wakeAt !== undefined && wakeAt <= due) return;
    if (clock.pinnedAt !== undefined && due > clock.now()) return; // a pinned clock moves only by pinClock
    if (wake) clearTimeout(wake);
    wakeAt = due;
    wake = setTimeout(() => {
      wake = undefined;
      wakeAt = undefined;
      if (closed) return;
      if (pending >= maxQueued) return void setTimeout(schedule, 10).unref();
      submit({ type: 'tick' }).catch(() => undefined);
    }, Math.min(MAX_TIMEOUT, Math.max(0, due - clock.now())));
    wake.unref();
  }

  async function maybeSnapshot(): Promise<void> {
    if (snapshotting || failure || journal.entriesSinceSnapshot < snapshotEvery) return;
    snapshotting = true;
    try {
      await journal.writeSnapshot({ runtime: runtime.snapshot(), pinnedAt: clock.pinnedAt } satisfies Snapshot);
    } finally {
      snapshotting = false;
    }
  }

  /** the state already holds the command: if the journal cannot take it, stop here */
  function append(entry: { at: number; command: Command }): void {
    try {
      journal.append(entry);
    } catch (error) {
      throw journalFailed(error);
    }
  }

  async function submit<T>(command: Command): Promise<T> {
    if (closed) throw new EngineError('UNAVAILABLE', 'The engine is shutting down');
    if (failure) throw failure;
    if (pending >= maxQueued) throw new EngineError('RESOURCE_EXHAUSTED', `Expected to handle the request, but the engine has ${pending} commands in flight (limit ${maxQueued})`);
    if (command.type === 'pin-clock') clock.pin(command.epochMs);
    if (command.type === 'reset-clock') clock.reset();
    const at = clock.now();
    let result: unknown;
    try {
      result = runtime.apply(command, at);
    } catch (error) {
      if (error instanceof EngineError) throw error;
      // an engine bug half-applied the command: keep it in the journal so recovery sees the same
      append({ at, command });
      throw error;
    }
    append({ at, command });
    pending += 1;
    emitEffects();
    schedule();
    try {
      await journal.flushed();
    } catch (error) {
      // the command changed the state but may not be on disk: the caller must not take it as done
      throw journalFailed(error);
    } finally {
      pending -= 1;
    }
    void maybeSnapshot().catch(() => undefined);
    return result as T;
  }

  async function compileResources(resources: readonly DeployResource[]): Promise<CompiledResource[]> {
    if (resources.length === 0) throw new EngineError('INVALID_ARGUMENT', 'Expected to deploy at least one resource, but none given');
    const compiled: CompiledResource[] = [];
    const errors: string[] = [];
    for (const resource of resources) {
      const content = resource.content.toString('utf8');
      if (resource.name.endsWith('.form')) {
        const form = compileForm(content);
        if (form.ok) compiled.push({ kind: 'form', name: resource.name, formId: form.formId, schema: form.schema });
        else errors.push(`'${resource.name}': ${form.reason}`);
        continue;
      }
      if (!resource.name.endsWith('.bpmn') && !resource.name.endsWith('.xml')) {
        errors.push(`'${resource.name}': Expected the resource to be a BPMN (.bpmn, .xml) or a form (.form), but its type is not supported`);
        continue;
      }
      const result = await compileBpmn(content);
      if (result.ok) compiled.push({ kind: 'bpmn', name: resource.name, xml: content, processes: result.processes });
      else errors.push(`'${resource.name}': ${result.refusals.map((refusal) => `- Element: ${refusal.elementId}\n    - ERROR: ${refusal.reason}`).join('\n')}`);
    }
    if (errors.length > 0) {
      throw new EngineError('INVALID_ARGUMENT', `Expected to deploy new resources, but encountered the following errors:\n${errors.join('\n')}`);
    }
    return compiled;
  }

  const engine: Engine & { readonly clockControl: Clock } = {
    clockControl: clock,
    queries,
    topology: (): TopologyInfo => ({ gatewayVersion: '8.9.0', clusterSize: 1, partitionsCount: 1, replicationFactor: 1 }),
    clock: (): ClockState => ({ now: clock.now(), pinnedAt: clock.pinnedAt }),

    async deploy(resources, tenantId = ''): Promise<DeploymentResult> {
      const compiled = await compileResources(resources);
      return submit({ type: 'deploy', tenantId, resources: compiled });
    },
    deleteResource: (resourceKey) => submit({ type: 'delete-resource', resourceKey }),
    createProcessInstance: (request): Promise<CreatedInstance> => submit({ type: 'create-instance', request }),
    awaitCompletion(processInstanceKey, fetchVariables, timeoutMs): Promise<JsonObject> {
      const record = queries.processInstance(processInstanceKey);
      if (!record) return Promise.reject(new EngineError('NOT_FOUND', `Expected to find process instance with key '${processInstanceKey}', but none found`));
      if (record.state === 'COMPLETED') return Promise.resolve(finalVariables(processInstanceKey, fetchVariables));
      if (record.state === 'TERMINATED') return Promise.reject(new EngineError('FAILED_PRECONDITION', `Expected the process instance '${processInstanceKey}' to complete, but it was terminated`));
      return new Promise<JsonObject>((resolve, reject) => {
        const timer = setTimeout(() => {
          const list = waiters.get(processInstanceKey)?.filter((waiter) => waiter !== entry);
          if (list && list.length > 0) waiters.set(processInstanceKey, list);
          else waiters.delete(processInstanceKey);
          reject(new EngineError('UNAVAILABLE', `Expected the process instance '${processInstanceKey}' to complete within ${timeoutMs} ms, but it did not (request timed out)`));
        }, Math.min(MAX_TIMEOUT, Math.max(1, timeoutMs)));
        timer.unref();
        const entry = {
          fetch: fetchVariables,
          resolve: (variables: JsonObject) => {
            clearTimeout(timer);
            resolve(variables);
          },
          reject: (error: Error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        const list = waiters.get(processInstanceKey) ?? [];
        list.push(entry);
        waiters.set(processInstanceKey, list);
      });
    },
    cancelProcessInstance: (processInstanceKey) => submit({ type: 'cancel-instance', processInstanceKey }),
    setVariables: (elementInstanceKey, variables, local) => submit({ type: 'set-variables', elementInstanceKey, variables, local }),
    resolveIncident: (incidentKey) => submit({ type: 'resolve-incident', incidentKey }),
    publishMessage: (request) => submit({ type: 'publish-message', request }),
    correlateMessage: (request): Promise<CorrelatedMessage> => submit({ type: 'correlate-message', request }),
    broadcastSignal: (signalName, variables, tenantId = '<default>') => submit({ type: 'broadcast-signal', signalName, variables, tenantId }),
    activateJobs: (request): Promise<ActivatedJob[]> => submit({ type: 'activate-jobs', request }),
    activateForStream: (jobKey, target) => submit({ type: 'activate-for-stream', jobKey, target }),
    returnJob: (jobKey) => submit({ type: 'return-job', jobKey }),
    onJobsAvailable(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    completeJob: (jobKey, variables) => submit({ type: 'complete-job', jobKey, variables }),
    failJob: (request) => submit({ type: 'fail-job', request }),
    throwError: (request) => submit({ type: 'throw-error', request }),
    updateJobRetries: (jobKey, retries) => submit({ type: 'update-job-retries', jobKey, retries }),
    updateJobTimeout: (jobKey, timeout) => submit({ type: 'update-job-timeout', jobKey, timeout }),
    assignUserTask: (userTaskKey, assignee, allowOverride) => submit({ type: 'assign-user-task', userTaskKey, assignee, allowOverride }),
    unassignUserTask: (userTaskKey) => submit({ type: 'unassign-user-task', userTaskKey }),
    completeUserTask: (userTaskKey, variables) => submit({ type: 'complete-user-task', userTaskKey, variables }),
    pinClock: (epochMs) => submit({ type: 'pin-clock', epochMs }),
    resetClock: () => submit({ type: 'reset-clock' }),

    async close() {
      if (closed) return;
      closed = true;
      if (wake) clearTimeout(wake);
      for (const [key, list] of waiters) {
        waiters.delete(key);
        for (const waiter of list) waiter.reject(new EngineError('UNAVAILABLE', 'The engine is shutting down'));
      }
      // after a journal failure the flush rejects again; it was reported to every caller already
      await journal.flushed().catch((error: unknown) => {
        if (!failure) throw error;
      });
      // the engine owns the journal it was given: start.ts hands it over and keeps no reference
      await journal.close();
    },
  };
  // due work that came due while the engine was down
  if (runtime.nextDueAt() !== undefined) schedule();
  return engine;
}
