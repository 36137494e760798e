// The deterministic BPMN state machine. `apply(command, at)` is the only way in: it changes the
// state at one clock reading and answers the command (or throws EngineError before changing
// anything). Tokens move synchronously inside a command through an agenda of element
// activations, so a journal of commands replays to the same state.
import { EngineError } from '../api.ts';
import type {
  ActivatedJob, CreatedInstance, DeployedResource, DeploymentResult, IncidentErrorType, JsonObject, PublishMessageRequest, StreamTarget,
} from '../api.ts';
import { KeyGenerator } from '../keys.ts';
import { evaluateAttribute, evaluateWith, expressionText } from '../feel/evaluate.ts';
import { pickErrorCatch } from './error-catch.ts';
import { IncidentRaised, typeName } from './incident-raised.ts';
import { applyMappings } from './mappings.ts';
import { mergeVariables, setLocal, variableLookup, visibleVariables } from './variables.ts';
import type { VariableLookup } from '../feel/evaluate.ts';
import type { ElementModel, Mapping, ProcessModel } from '../model/types.ts';
import type { Command, CompiledResource, RuntimeEffect } from './commands.ts';
import { peekDue, popDue, pushDue } from './due-queue.ts';
import { emptyState } from './state.ts';
import type { Definition, ElementInstance, Instance, Job, Mutable, RuntimeState, Subscription, Timer, TriggerTarget, Variable } from './state.ts';
import { scheduleTimer } from './timer-spec.ts';
import { decodeState, encodeState } from './codec.ts';

const DEFAULT_TENANT = '<default>';
/** finished root and child instances kept for the read side (a finished fulfillment order holds ~15 KB) */
export const DEFAULT_HISTORY_LIMIT = 2_000;
const indexKey = (...parts: string[]): string => parts.join('\0');

type AgendaItem = { readonly op: 'activate' | 'complete'; readonly key: string };

export class Runtime {
  readonly state: RuntimeState;
  readonly historyLimit: number;
  #keys: KeyGenerator;
  #now = 0;
  #effects: RuntimeEffect[] = [];
  #availableJobs: { key: string; type: string; tenantId: string }[] = [];
  #agenda: AgendaItem[] = [];

  constructor(options: { state?: RuntimeState; historyLimit?: number } = {}) {
    this.state = options.state ?? emptyState();
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.#keys = new KeyGenerator(this.state.keyCounter);
  }

  static restore(snapshot: unknown, historyLimit?: number): Runtime {
    return new Runtime({ state: decodeState(snapshot), ...(historyLimit === undefined ? {} : { historyLimit }) });
  }

  snapshot(): unknown {
    this.state.keyCounter = this.#keys.counter;
    return encodeState(this.state);
  }

  /** effects of the commands applied since the last call */
  drainEffects(): RuntimeEffect[] {
    if (this.#availableJobs.length > 0) {
      this.#effects.push({ kind: 'jobs-available', jobs: this.#availableJobs });
      this.#availableJobs = [];
    }
    const effects = this.#effects;
    this.#effects = [];
    return effects;
  }

  /** the earliest time some due work waits for */
  nextDueAt(): number | undefined {
    return peekDue(this.state.due)?.at;
  }

  apply(command: Command, at: number): unknown {
    this.#now = at;
    const keyCounter = this.#keys.counter;
    let result: unknown;
    try {
      result = this.#dispatch(command);
    } catch (error) {
      if (error instanceof EngineError) this.#keys = new KeyGenerator(keyCounter);
      throw error;
    }
    try {
      this.#runAgenda();
      this.#fireDue();
    } catch (error) {
      // an engine bug: leave no half-run steps behind for the next command
      this.#agenda = [];
      this.#deferredTriggers = [];
      throw error;
    }
    this.state.keyCounter = this.#keys.counter;
    return result;
  }

  #dispatch(command: Command): unknown {
    switch (command.type) {
      case 'deploy':
        return this.#deploy(command.resources, command.tenantId);
      case 'delete-resource':
        return this.#deleteResource(command.resourceKey);
      case 'create-instance':
        return this.#createInstanceCommand(command.request);
      case 'cancel-instance':
        return this.#cancelInstance(command.processInstanceKey);
      case 'set-variables':
        return this.#setVariablesCommand(command.elementInstanceKey, command.variables, command.local);
      case 'resolve-incident':
        return this.#resolveIncident(command.incidentKey);
      case 'publish-message':
        return this.#publishMessage(command.request);
      case 'correlate-message':
        return this.#correlateMessage(command.request);
      case 'broadcast-signal':
        return { key: this.#keys.next(), tenantId: command.tenantId };
      case 'activate-jobs':
        return this.#activateJobs(command.request);
      case 'activate-for-stream':
        return this.#activateForStream(command.jobKey, command.target);
      case 'return-job':
        return this.#returnJob(command.jobKey);
      case 'complete-job':
        return this.#completeJob(command.jobKey, command.variables);
      case 'fail-job':
        return this.#failJob(command.request.jobKey, command.request.retries, command.request.errorMessage, command.request.retryBackOff, command.request.variables);
      case 'throw-error':
        return this.#throwErrorCommand(command.request.jobKey, command.request.errorCode, command.request.errorMessage, command.request.variables);
      case 'update-job-retries':
        return this.#updateJobRetries(command.jobKey, command.retries);
      case 'update-job-timeout':
        return this.#updateJobTimeout(command.jobKey, command.timeout);
      case 'assign-user-task':
        return this.#assignUserTask(command.userTaskKey, command.assignee, command.allowOverride);
      case 'unassign-user-task':
        return this.#unassignUserTask(command.userTaskKey);
      case 'complete-user-task':
        return this.#completeUserTask(command.userTaskKey, command.variables);
      case 'pin-clock':
      case 'reset-clock':
      case 'tick':
        return undefined;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Deployment

  #deploy(resources: readonly CompiledResource[], tenantIdIn: string): DeploymentResult {
    const tenantId = tenantIdIn || DEFAULT_TENANT;
    this.#messageStartCache = undefined;
    const deploymentKey = this.#keys.next();
    const deployed: DeployedResource[] = [];
    for (const resource of resources) {
      if (resource.kind === 'form') {
        const versionsKey = indexKey(tenantId, resource.formId);
        const versions = this.state.formVersions.get(versionsKey) ?? [];
        const latest = this.state.forms.get(versions[versions.length - 1] ?? '');
        if (latest && latest.schema === resource.schema) {
          deployed.push({ kind: 'form', formId: latest.formId, version: latest.version, formKey: latest.formKey, resourceName: latest.resourceName, tenantId });
          continue;
        }
        const formKey = this.#keys.next();
        const version = (latest?.version ?? 0) + 1;
        this.state.forms.set(formKey, { formKey, formId: resource.formId, version, resourceName: resource.name, tenantId, schema: resource.schema });
        versions.push(formKey);
        this.state.formVersions.set(versionsKey, versions);
        deployed.push({ kind: 'form', formId: resource.formId, version, formKey, resourceName: resource.name, tenantId });
        continue;
      }
      for (const model of resource.processes) {
        const versionsKey = indexKey(tenantId, model.bpmnProcessId);
        const versions = this.state.versions.get(versionsKey) ?? [];
        const latest = this.#latestDefinition(tenantId, model.bpmnProcessId, true);
        if (latest && latest.record.xml === resource.xml && !latest.record.deleted) {
          const { record } = latest;
          deployed.push({ kind: 'process', bpmnProcessId: record.bpmnProcessId, version: record.version, processDefinitionKey: record.processDefinitionKey, resourceName: record.resourceName, tenantId });
          continue;
        }
        const previous = this.#latestDefinition(tenantId, model.bpmnProcessId, false);
        const processDefinitionKey = this.#keys.next();
        const lastVersion = this.state.definitions.get(versions[versions.length - 1] ?? '')?.record.version ?? 0;
        const definition: Definition = {
          record: { processDefinitionKey, bpmnProcessId: model.bpmnProcessId, name: model.name, version: lastVersion + 1, resourceName: resource.name, tenantId, deploymentKey, xml: resource.xml, deleted: false },
          model,
        };
        this.state.definitions.set(processDefinitionKey, definition);
        versions.push(processDefinitionKey);
        this.state.versions.set(versionsKey, versions);
        if (previous) this.#closeStartEvents(previous);
        this.#openStartEvents(definition);
        deployed.push({ kind: 'process', bpmnProcessId: model.bpmnProcessId, version: definition.record.version, processDefinitionKey, resourceName: resource.name, tenantId });
      }
    }
    return { key: deploymentKey, tenantId, deployments: deployed };
  }

  /** the newest version (not deleted unless `includeDeleted`) */
  #latestDefinition(tenantId: string, bpmnProcessId: string, includeDeleted: boolean): Definition | undefined {
    const versions = this.state.versions.get(indexKey(tenantId, bpmnProcessId)) ?? [];
    for (let index = versions.length - 1; index >= 0; index -= 1) {
      const definition = this.state.definitions.get(versions[index]!);
      if (definition && (includeDeleted || !definition.record.deleted)) return definition;
      if (definition && includeDeleted) return definition;
    }
    return undefined;
  }

  #openStartEvents(definition: Definition): void {
    for (const elementId of definition.model.timerStartIds) {
      const element = definition.model.elements[elementId];
      if (element?.event.kind !== 'timer') continue;
      const value = evaluateAttribute(element.event.timer.expression, {}, this.#now);
      if (!value.ok || typeof value.value !== 'string') continue;
      const schedule = scheduleTimer(element.event.timer.kind, value.value, this.#now);
      if (!schedule.ok) continue;
      this.#createTimer(schedule.dueAt, schedule.repetitions, schedule.interval, { kind: 'start', definitionKey: definition.record.processDefinitionKey, elementId }, undefined, definition.record.tenantId);
    }
  }

  #closeStartEvents(definition: Definition): void {
    for (const timer of [...this.state.timers.values()]) {
      if (timer.target.kind === 'start' && timer.target.definitionKey === definition.record.processDefinitionKey) this.state.timers.delete(timer.key);
    }
  }

  #deleteResource(resourceKey: string): undefined {
    const definition = this.state.definitions.get(resourceKey);
    if (definition && !definition.record.deleted) {
      this.#messageStartCache = undefined;
      const wasLatest = this.#latestDefinition(definition.record.tenantId, definition.record.bpmnProcessId, false) === definition;
      definition.record.deleted = true;
      this.#closeStartEvents(definition);
      if (wasLatest) {
        const previous = this.#latestDefinition(definition.record.tenantId, definition.record.bpmnProcessId, false);
        if (previous) this.#openStartEvents(previous);
      }
      return undefined;
    }
    const form = this.state.forms.get(resourceKey);
    if (form) {
      this.state.forms.delete(resourceKey);
      const versionsKey = indexKey(form.tenantId, form.formId);
      this.state.formVersions.set(versionsKey, (this.state.formVersions.get(versionsKey) ?? []).filter((key) => key !== resourceKey));
      return undefined;
    }
    throw new EngineError('NOT_FOUND', `Expected to delete resource with key '${resourceKey}', but no such resource was found`);
  }

  // -------------------------------------------------------------------------------------------
  // Process instances

  #createInstanceCommand(request: { bpmnProcessId?: string | undefined; version?: number | undefined; processDefinitionKey?: string | undefined; variables?: JsonObject | undefined; startInstructions?: readonly string[] | undefined; tenantId?: string | undefined }): CreatedInstance {
    const tenantId = request.tenantId || DEFAULT_TENANT;
    let definition: Definition | undefined;
    if (request.processDefinitionKey) {
      definition = this.state.definitions.get(request.processDefinitionKey);
      if (!definition || definition.record.deleted) {
        throw new EngineError('NOT_FOUND', `Expected to find process definition with key '${request.processDefinitionKey}', but none found`);
      }
    } else {
      const bpmnProcessId = request.bpmnProcessId ?? '';
      if (request.version !== undefined && request.version > 0) {
        const versions = this.state.versions.get(indexKey(tenantId, bpmnProcessId)) ?? [];
        definition = versions.map((key) => this.state.definitions.get(key)).find((candidate) => candidate !== undefined && candidate.record.version === request.version && !candidate.record.deleted);
        if (!definition) throw new EngineError('NOT_FOUND', `Expected to find process definition with process ID '${bpmnProcessId}' and version '${request.version}', but none found`);
      } else {
        definition = this.#latestDefinition(tenantId, bpmnProcessId, false);
        if (!definition) throw new EngineError('NOT_FOUND', `Expected to find process definition with process ID '${bpmnProcessId}', but none found`);
      }
    }
    const starts = request.startInstructions ?? [];
    for (const elementId of starts) {
      const element = definition.model.elements[elementId];
      if (!element || element.parentId !== undefined || element.kind === 'boundaryEvent') {
        throw new EngineError('INVALID_ARGUMENT', `Expected to create instance of process with start instructions but the element with id '${elementId}' is not a top-level element of the process`);
      }
    }
    if (starts.length === 0 && !definition.model.noneStartId) {
      throw new EngineError('FAILED_PRECONDITION', `Expected to create instance of process with none start event, but there is no such event`);
    }
    const startIds = starts.length > 0 ? starts : [definition.model.noneStartId!];
    const instance = this.#startInstance(definition, request.variables ?? {}, startIds, undefined);
    return { processDefinitionKey: definition.record.processDefinitionKey, bpmnProcessId: definition.record.bpmnProcessId, version: definition.record.version, processInstanceKey: instance.record.processInstanceKey, tenantId: definition.record.tenantId };
  }

  #startInstance(definition: Definition, variables: JsonObject, startIds: readonly string[], parent: ElementInstance | undefined): Instance {
    const processInstanceKey = this.#keys.next();
    const { record: def } = definition;
    const instance: Instance = {
      record: {
        processInstanceKey, processDefinitionKey: def.processDefinitionKey, bpmnProcessId: def.bpmnProcessId, version: def.version, state: 'ACTIVE', hasIncident: false,
        startDate: this.#now, endDate: undefined, parentProcessInstanceKey: parent?.processInstanceKey, parentElementInstanceKey: parent?.key, tenantId: def.tenantId,
      },
      rootVars: new Map(),
      elementRecords: [],
      jobKeys: [],
      incidentKeys: [],
      userTaskKeys: [],
      activeIncidents: 0,
    };
    this.state.instances.set(processInstanceKey, instance);
    const root: ElementInstance = {
      key: processInstanceKey, processInstanceKey, elementId: def.bpmnProcessId, parentKey: undefined, kind: 'process', phase: 'activating',
      vars: instance.rootVars, children: undefined, triggers: [], startIds: [...startIds],
      record: this.#newRecord(processInstanceKey, instance, def.bpmnProcessId, definition.model.name, 'PROCESS'),
    };
    this.state.elementInstances.set(processInstanceKey, root);
    for (const [name, value] of Object.entries(variables)) this.#setLocal(root, name, value);
    this.#agenda.push({ op: 'activate', key: processInstanceKey });
    return instance;
  }

  #newRecord(key: string, instance: Instance, elementId: string, elementName: string | undefined, type: string): Mutable<import('../api.ts').ElementInstanceRecord> {
    return {
      elementInstanceKey: key, processInstanceKey: instance.record.processInstanceKey, processDefinitionKey: instance.record.processDefinitionKey,
      bpmnProcessId: instance.record.bpmnProcessId, elementId, elementName, type, state: 'ACTIVE', hasIncident: false, incidentKey: undefined,
      startDate: this.#now, endDate: undefined, tenantId: instance.record.tenantId,
    };
  }

  #cancelInstance(processInstanceKey: string): undefined {
    const instance = this.state.instances.get(processInstanceKey);
    if (!instance || instance.record.state !== 'ACTIVE') {
      throw new EngineError('NOT_FOUND', `Expected to cancel a process instance with key '${processInstanceKey}', but no such process instance was found`);
    }
    if (instance.record.parentProcessInstanceKey) {
      throw new EngineError('FAILED_PRECONDITION', `Expected to cancel a process instance with key '${processInstanceKey}', but it is created by a parent process instance. Cancel the root process instance '${instance.record.parentProcessInstanceKey}' instead.`);
    }
    const root = this.state.elementInstances.get(processInstanceKey);
    if (root) this.#terminate(root);
    return undefined;
  }

  #instanceEnded(instance: Instance, state: 'COMPLETED' | 'TERMINATED'): void {
    instance.record.state = state;
    instance.record.endDate = this.#now;
    this.#effects.push({ kind: 'instance-ended', processInstanceKey: instance.record.processInstanceKey });
    if (instance.startLock) {
      this.state.startLocks.delete(instance.startLock);
      const [tenantId, bpmnProcessId, correlationKey] = instance.startLock.split('\0') as [string, string, string];
      this.#retryBufferedStart(tenantId, bpmnProcessId, correlationKey);
    }
    this.state.finished.push(instance.record.processInstanceKey);
    while (this.state.finished.length > this.historyLimit) this.#dropInstance(this.state.finished.shift()!);
  }

  /** forgets a finished instance with every record it left (history cap) */
  #dropInstance(processInstanceKey: string): void {
    const instance = this.state.instances.get(processInstanceKey);
    if (!instance) return;
    for (const key of instance.jobKeys) this.state.jobs.delete(key);
    for (const key of instance.incidentKeys) this.state.incidents.delete(key);
    for (const key of instance.userTaskKeys) this.state.userTasks.delete(key);
    this.state.instances.delete(processInstanceKey);
  }

  // -------------------------------------------------------------------------------------------
  // Variables

  #setLocal(scope: ElementInstance, name: string, value: unknown): void {
    setLocal(scope, name, value, this.#nextKey);
  }

  #merge(start: ElementInstance, variables: JsonObject | Map<string, unknown>): void {
    mergeVariables(this.state.elementInstances, start, variables, this.#nextKey);
  }

  #context(ei: ElementInstance): Record<string, unknown> {
    return visibleVariables(this.state.elementInstances, ei);
  }

  #lookup(ei: ElementInstance): VariableLookup {
    return variableLookup(this.state.elementInstances, ei);
  }

  readonly #nextKey = (): string => this.#keys.next();

  #evaluate(text: string, context: VariableLookup, errorType: IncidentErrorType): unknown {
    const result = evaluateAttribute(text, context, this.#now);
    if (!result.ok) throw new IncidentRaised(errorType, result.message);
    return result.value;
  }

  #applyMappings(mappings: readonly Mapping[], base: VariableLookup): Map<string, unknown> {
    return applyMappings(mappings, base, this.#now);
  }

  /** job completion, message, error or user-task variables arriving at an element instance */
  #deliverPayload(ei: ElementInstance, variables: JsonObject | undefined): void {
    if (!variables) return;
    const element = this.#element(ei);
    if (element && element.outputs.length > 0) {
      for (const [name, value] of Object.entries(variables)) this.#setLocal(ei, name, value);
    } else this.#merge(ei, variables);
  }

  #setVariablesCommand(elementInstanceKey: string, variables: JsonObject, local: boolean): string {
    const ei = this.state.elementInstances.get(elementInstanceKey);
    if (!ei) throw new EngineError('NOT_FOUND', `Expected to update variables for element with key '${elementInstanceKey}', but no such element was found`);
    if (local) for (const [name, value] of Object.entries(variables)) this.#setLocal(ei, name, value);
    else this.#merge(ei, variables);
    return this.#keys.next();
  }

  // -------------------------------------------------------------------------------------------
  // Element lifecycle

  #definitionOf(ei: ElementInstance): Definition {
    const instance = this.state.instances.get(ei.processInstanceKey)!;
    return this.state.definitions.get(instance.record.processDefinitionKey)!;
  }

  #element(ei: ElementInstance): ElementModel | undefined {
    return ei.kind === 'process' ? undefined : this.#definitionOf(ei).model.elements[ei.elementId];
  }

  #parent(ei: ElementInstance): ElementInstance | undefined {
    return ei.parentKey ? this.state.elementInstances.get(ei.parentKey) : undefined;
  }

  /** creates an element instance in the scope and queues its activation */
  #enter(scope: ElementInstance, elementId: string, kind: 'element' | 'inner' = 'element'): ElementInstance {
    const element = this.#definitionOf(scope).model.elements[elementId]!;
    const instance = this.state.instances.get(scope.processInstanceKey)!;
    const key = this.#keys.next();
    const isBody = kind === 'element' && element.multiInstance !== undefined;
    const ei: ElementInstance = {
      key, processInstanceKey: scope.processInstanceKey, elementId, parentKey: scope.key, kind: isBody ? 'body' : kind, phase: 'activating',
      vars: undefined, children: undefined, triggers: [],
      record: this.#newRecord(key, instance, elementId, element.name, isBody ? 'MULTI_INSTANCE_BODY' : element.type),
    };
    instance.elementRecords.push(ei.record);
    this.state.elementInstances.set(key, ei);
    (scope.children ??= new Set()).add(key);
    this.#agenda.push({ op: 'activate', key });
    return ei;
  }

  #runAgenda(): void {
    while (this.#agenda.length > 0) {
      const item = this.#agenda.shift()!;
      const ei = this.state.elementInstances.get(item.key);
      if (!ei) continue;
      if (item.op === 'activate' && ei.phase === 'activating') this.#guarded(ei, 'activate', () => this.#activate(ei));
      else if (item.op === 'complete' && ei.phase !== 'activating') this.#guarded(ei, 'complete', () => this.#complete(ei));
    }
  }

  /** runs a step; an IncidentRaised leaves the element instance waiting with an incident */
  #guarded(ei: ElementInstance, step: 'activate' | 'complete', run: () => void): void {
    try {
      run();
    } catch (error) {
      if (!(error instanceof IncidentRaised)) throw error;
      if (step === 'activate') this.#closeTriggers(ei, () => true);
      this.#raiseIncident(ei, error.errorType, error.message, step, undefined);
    }
  }

  #activate(ei: ElementInstance): void {
    if (ei.kind === 'process') {
      this.#openEventSubProcesses(ei, this.#definitionOf(ei).model.eventSubProcessIds);
      ei.phase = 'active';
      for (const elementId of ei.startIds ?? []) this.#enter(ei, elementId);
      return undefined;
    }
    const element = this.#element(ei)!;
    if (ei.kind === 'body') return this.#activateBody(ei, element);
    if (element.inputs.length > 0) {
      const results = this.#applyMappings(element.inputs, this.#lookup(ei));
      for (const [name, value] of results) this.#setLocal(ei, name, value);
    }
    if (ei.kind !== 'inner') this.#openBoundaries(ei, element);
    ei.phase = 'active';
    switch (element.kind) {
      case 'serviceTask':
      case 'sendTask':
      case 'businessRuleTask':
        return this.#createJob(ei, element);
      case 'userTask':
        return element.userTask ? this.#createUserTask(ei, element) : this.#createJob(ei, element);
      case 'scriptTask':
        if (element.job) return this.#createJob(ei, element);
        return this.#runScript(ei, element);
      case 'receiveTask':
      case 'intermediateCatchEvent':
        if (ei.triggered) return this.#queueComplete(ei);
        return this.#openCatch(ei, element);
      case 'eventBasedGateway':
        return this.#openEventGateway(ei, element);
      case 'exclusiveGateway':
        ei.chosenFlow = this.#chooseFlow(ei, element);
        return this.#queueComplete(ei);
      case 'subProcess':
      case 'eventSubProcess':
        this.#openEventSubProcesses(ei, element.eventSubProcessIds);
        if (element.kind === 'subProcess') this.#enter(ei, element.noneStartId!);
        else if (ei.eventStart) {
          // an event subprocess starts at its start event, carrying the event's variables
          const start = this.#enter(ei, ei.eventStart.startId);
          this.#deliverPayload(start, ei.eventStart.variables);
        }
        return undefined;
      case 'callActivity':
        return this.#startCalledInstance(ei, element);
      case 'endEvent':
        return this.#activateEndEvent(ei, element);
      case 'intermediateThrowEvent':
        if (element.event.kind === 'compensate') return this.#throwCompensation(ei, element.event.activityRef);
        return this.#queueComplete(ei);
      default:
        return this.#queueComplete(ei);
    }
  }

  #queueComplete(ei: ElementInstance): void {
    this.#agenda.push({ op: 'complete', key: ei.key });
  }

  #activateEndEvent(ei: ElementInstance, element: ElementModel): void {
    const { event } = element;
    if (event.kind === 'error') {
      if (!this.#throwError(ei, event.errorCode ?? '', '', undefined)) {
        throw new IncidentRaised('UNHANDLED_ERROR_EVENT', `Expected to throw an error event with the code '${event.errorCode ?? ''}', but it was not caught. No error events are available in the scope.`);
      }
      return;
    }
    if (event.kind === 'compensate') return this.#throwCompensation(ei, event.activityRef);
    if (event.kind === 'terminate') {
      const scope = this.#parent(ei)!;
      for (const childKey of [...(scope.children ?? [])]) {
        if (childKey === ei.key) continue;
        const child = this.state.elementInstances.get(childKey);
        if (child) this.#terminate(child);
      }
      if (scope.joins) scope.joins = {};
    }
    this.#queueComplete(ei);
  }

  #complete(ei: ElementInstance): void {
    const element = this.#element(ei);
    if (element && element.outputs.length > 0 && ei.kind !== 'body') {
      ei.phase = 'completing';
      const results = this.#applyMappings(element.outputs, this.#lookup(ei));
      const parent = this.#parent(ei);
      if (parent) this.#merge(parent, results);
    }
    this.#closeTriggers(ei, () => true);
    const scope = this.#parent(ei);
    const outputCollection = ei.kind === 'body' ? element?.multiInstance?.outputCollection : undefined;
    if (scope && outputCollection) this.#merge(scope, new Map([[outputCollection, ei.multi?.output ?? []]]));
    // compensation bookkeeping: the scope remembers completed compensable activities, and a
    // completed subprocess hands up what completed inside it
    if (scope && element) {
      if (ei.compensable?.length) (scope.compensable ??= []).push(...ei.compensable);
      if (element.compensationHandlerId && ei.kind !== 'inner') (scope.compensable ??= []).push({ elementId: element.id, handlerId: element.compensationHandlerId });
    }
    this.#finish(ei, 'COMPLETED');
    if (ei.kind === 'process') return this.#processCompleted(ei);
    if (!scope || !element) return;
    if (ei.kind === 'inner') return this.#innerEnded(scope, ei, 'COMPLETED');
    if (ei.compensationOf) {
      const thrower = this.state.elementInstances.get(ei.compensationOf);
      if (thrower && thrower.pendingHandlers !== undefined) {
        thrower.pendingHandlers -= 1;
        if (thrower.pendingHandlers === 0) this.#queueComplete(thrower);
      }
      return this.#checkScope(scope);
    }
    this.#leave(scope, ei, element);
    this.#checkScope(scope);
  }

  /** takes the outgoing flows after completion */
  #leave(scope: ElementInstance, ei: ElementInstance, element: ElementModel): void {
    if (element.kind === 'eventBasedGateway') return;
    const flows = element.kind === 'exclusiveGateway' ? (ei.chosenFlow ? [ei.chosenFlow] : []) : element.outgoing;
    const model = this.#definitionOf(scope).model;
    for (const flowId of flows) {
      const flow = model.flows[flowId];
      if (!flow) continue;
      const target = model.elements[flow.targetId];
      if (!target) continue;
      if (target.kind === 'parallelGateway' && target.incoming.length > 1) {
        scope.joins ??= {};
        const tokens = (scope.joins[target.id] ??= {});
        tokens[flowId] = (tokens[flowId] ?? 0) + 1;
        if (target.incoming.every((incoming) => (tokens[incoming] ?? 0) > 0)) {
          for (const incoming of target.incoming) {
            tokens[incoming] = (tokens[incoming] ?? 0) - 1;
            if (tokens[incoming] === 0) delete tokens[incoming];
          }
          this.#enter(scope, target.id);
        }
        continue;
      }
      this.#enter(scope, target.id);
    }
  }

  /** a scope with nothing left to do completes */
  #checkScope(scope: ElementInstance): void {
    if ((scope.children?.size ?? 0) > 0 || scope.phase === 'activating') return;
    if (scope.joins && Object.values(scope.joins).some((tokens) => Object.keys(tokens).length > 0)) return;
    if (scope.kind === 'body') return;
    this.#queueComplete(scope);
  }

  /** marks an element instance ended and detaches it */
  #finish(ei: ElementInstance, state: 'COMPLETED' | 'TERMINATED'): void {
    ei.record.state = state;
    ei.record.endDate = this.#now;
    this.state.elementInstances.delete(ei.key);
    const scope = this.#parent(ei);
    scope?.children?.delete(ei.key);
  }

  #processCompleted(root: ElementInstance): void {
    const instance = this.state.instances.get(root.processInstanceKey)!;
    this.#instanceEnded(instance, 'COMPLETED');
    const parentKey = instance.record.parentElementInstanceKey;
    const callEi = parentKey ? this.state.elementInstances.get(parentKey) : undefined;
    if (!callEi) return;
    const element = this.#element(callEi)!;
    if (element.calledElement?.propagateAllChildVariables !== false || element.outputs.length > 0) {
      const variables: JsonObject = {};
      for (const [name, variable] of instance.rootVars) variables[name] = variable.value;
      if (element.outputs.length > 0) for (const [name, value] of Object.entries(variables)) this.#setLocal(callEi, name, value);
      else this.#merge(callEi, variables);
    }
    this.#queueComplete(callEi);
  }

  /** terminates an element instance and everything below it (no flows taken) */
  #terminate(ei: ElementInstance): void {
    for (const childKey of [...(ei.children ?? [])]) {
      const child = this.state.elementInstances.get(childKey);
      if (child) this.#terminate(child);
    }
    this.#closeTriggers(ei, () => true);
    if (ei.jobKey) this.#cancelJob(ei.jobKey);
    if (ei.userTaskKey) {
      const task = this.state.userTasks.get(ei.userTaskKey);
      if (task && task.state === 'CREATED') {
        task.state = 'CANCELED';
        task.completionDate = this.#now;
      }
    }
    if (ei.childProcessInstanceKey) {
      const childRoot = this.state.elementInstances.get(ei.childProcessInstanceKey);
      if (childRoot) this.#terminate(childRoot);
    }
    if (ei.record.incidentKey) this.#resolveIncidentRecord(ei.record.incidentKey);
    ei.phase = 'completing';
    this.#finish(ei, 'TERMINATED');
    if (ei.kind === 'process') this.#instanceEnded(this.state.instances.get(ei.processInstanceKey)!, 'TERMINATED');
  }

  // -------------------------------------------------------------------------------------------
  // Gateways, scripts, call activities

  #chooseFlow(ei: ElementInstance, element: ElementModel): string | undefined {
    if (element.outgoing.length === 0) return undefined;
    if (element.outgoing.length === 1 && !this.#definitionOf(ei).model.flows[element.outgoing[0]!]?.condition) return element.outgoing[0]!;
    const model = this.#definitionOf(ei).model;
    const context = this.#lookup(ei);
    for (const flowId of element.outgoing) {
      if (flowId === element.defaultFlow) continue;
      const condition = model.flows[flowId]?.condition;
      if (!condition) continue;
      const result = evaluateWith(expressionText(condition), context, this.#now);
      if (!result.ok) throw new IncidentRaised('CONDITION_ERROR', result.message);
      if (result.value === true) return flowId;
      if (result.value !== false && result.value !== null) {
        throw new IncidentRaised('CONDITION_ERROR', `Expected result of the expression '${expressionText(condition)}' to be 'BOOLEAN', but was '${typeName(result.value)}'.`);
      }
    }
    if (element.defaultFlow) return element.defaultFlow;
    throw new IncidentRaised('CONDITION_ERROR', `Expected at least one condition to evaluate to true, or to have a default flow`);
  }

  #runScript(ei: ElementInstance, element: ElementModel): void {
    const value = this.#evaluate(element.script!.expression, this.#lookup(ei), 'EXTRACT_VALUE_ERROR');
    const resultVariable = element.script!.resultVariable;
    if (resultVariable) this.#deliverPayload(ei, { [resultVariable]: value });
    this.#queueComplete(ei);
  }

  #startCalledInstance(ei: ElementInstance, element: ElementModel): void {
    const called = element.calledElement!;
    const processId = this.#evaluate(called.processId, this.#lookup(ei), 'CALLED_ELEMENT_ERROR');
    const tenantId = this.state.instances.get(ei.processInstanceKey)!.record.tenantId;
    const definition = typeof processId === 'string' ? this.#latestDefinition(tenantId, processId, false) : undefined;
    if (!definition) {
      throw new IncidentRaised('CALLED_ELEMENT_ERROR', `Expected process with BPMN process id '${String(processId)}' to be deployed, but not found.`);
    }
    if (!definition.model.noneStartId) {
      throw new IncidentRaised('CALLED_ELEMENT_ERROR', `Expected process with BPMN process id '${String(processId)}' to have a none start event, but not found.`);
    }
    const variables: JsonObject = {};
    if (called.propagateAllParentVariables) Object.assign(variables, this.#context(ei));
    else if (ei.vars) for (const [name, variable] of ei.vars) variables[name] = variable.value;
    const child = this.#startInstance(definition, variables, [definition.model.noneStartId], ei);
    ei.childProcessInstanceKey = child.record.processInstanceKey;
  }

  // -------------------------------------------------------------------------------------------
  // Multi-instance

  #activateBody(body: ElementInstance, element: ElementModel): void {
    const multi = element.multiInstance!;
    const items = this.#evaluate(multi.inputCollection, this.#lookup(body), 'EXTRACT_VALUE_ERROR');
    if (!Array.isArray(items)) {
      throw new IncidentRaised('EXTRACT_VALUE_ERROR', `Expected result of the expression '${expressionText(multi.inputCollection)}' to be 'ARRAY', but was '${typeName(items)}'.`);
    }
    this.#openBoundaries(body, element);
    body.phase = 'active';
    body.multi = { items, next: 0, active: 0, completed: 0, terminated: 0, output: multi.outputCollection ? items.map(() => null) : undefined };
    if (multi.outputCollection) this.#setLocal(body, multi.outputCollection, body.multi.output);
    if (items.length === 0) return this.#queueComplete(body);
    const count = multi.sequential ? 1 : items.length;
    for (let index = 0; index < count; index += 1) this.#spawnInner(body, element);
  }

  #spawnInner(body: ElementInstance, element: ElementModel): void {
    const multi = element.multiInstance!;
    const state = body.multi!;
    const index = state.next;
    state.next += 1;
    state.active += 1;
    const inner = this.#enter(body, element.id, 'inner');
    inner.loopIndex = index;
    if (multi.inputElement) this.#setLocal(inner, multi.inputElement, state.items[index] ?? null);
    this.#setLocal(inner, 'loopCounter', index + 1);
    const outputVariable = multi.outputElement && /^=\s*[A-Za-z_][\w]*\s*$/.test(multi.outputElement) ? multi.outputElement.replace('=', '').trim() : undefined;
    if (outputVariable && !inner.vars?.has(outputVariable)) this.#setLocal(inner, outputVariable, null);
  }

  #innerEnded(body: ElementInstance, inner: ElementInstance, state: 'COMPLETED' | 'TERMINATED'): void {
    const element = this.#element(body)!;
    const multi = element.multiInstance!;
    const mi = body.multi!;
    mi.active -= 1;
    if (state === 'TERMINATED') mi.terminated += 1;
    else mi.completed += 1;
    if (state === 'COMPLETED' && multi.outputElement && mi.output) {
      const result = evaluateAttribute(multi.outputElement, this.#lookup(inner), this.#now);
      mi.output[inner.loopIndex ?? 0] = result.ok ? result.value : null;
      this.#setLocal(body, multi.outputCollection!, mi.output);
    }
    if (multi.completionCondition) {
      const counts: Record<string, number> = {
        numberOfInstances: mi.items.length,
        numberOfActiveInstances: mi.active,
        numberOfCompletedInstances: mi.completed,
        numberOfTerminatedInstances: mi.terminated,
      };
      const bodyLookup = this.#lookup(body);
      const context: VariableLookup = (name) => (name in counts ? counts[name] : bodyLookup(name));
      const result = evaluateWith(expressionText(multi.completionCondition), context, this.#now);
      if (result.ok && result.value === true) {
        for (const childKey of [...(body.children ?? [])]) {
          const child = this.state.elementInstances.get(childKey);
          if (child) this.#terminate(child);
        }
        mi.active = 0;
        mi.next = mi.items.length;
        return this.#queueComplete(body);
      }
    }
    if (multi.sequential && mi.next < mi.items.length) return this.#spawnInner(body, element);
    if (mi.active === 0 && mi.next >= mi.items.length) this.#queueComplete(body);
  }

  // -------------------------------------------------------------------------------------------
  // Jobs

  #createJob(ei: ElementInstance, element: ElementModel): void {
    const context = this.#lookup(ei);
    const type = String(this.#evaluate(element.job!.type, context, 'EXTRACT_VALUE_ERROR'));
    const retriesValue = this.#evaluate(element.job!.retries, context, 'EXTRACT_VALUE_ERROR');
    const retries = Number(retriesValue);
    if (!Number.isFinite(retries)) {
      throw new IncidentRaised('EXTRACT_VALUE_ERROR', `Expected result of the expression '${expressionText(element.job!.retries)}' to be 'NUMBER', but was '${typeName(retriesValue)}'.`);
    }
    const instance = this.state.instances.get(ei.processInstanceKey)!;
    const key = this.#keys.next();
    const job: Job = {
      record: {
        jobKey: key, type, worker: '', state: 'ACTIVATABLE', retries, deadline: undefined, errorMessage: undefined,
        processInstanceKey: ei.processInstanceKey, processDefinitionKey: instance.record.processDefinitionKey, bpmnProcessId: instance.record.bpmnProcessId,
        elementId: element.id, elementInstanceKey: ei.key, customHeaders: element.headers, tenantId: instance.record.tenantId,
      },
      processDefinitionVersion: instance.record.version,
    };
    this.state.jobs.set(key, job);
    instance.jobKeys.push(key);
    ei.jobKey = key;
    this.#makeActivatable(job);
  }

  #makeActivatable(job: Job): void {
    job.record.state = 'ACTIVATABLE';
    job.record.deadline = undefined;
    job.backoffUntil = undefined;
    let set = this.state.activatable.get(job.record.type);
    if (!set) this.state.activatable.set(job.record.type, (set = new Set()));
    set.add(job.record.jobKey);
    this.#availableJobs.push({ key: job.record.jobKey, type: job.record.type, tenantId: job.record.tenantId });
  }

  #unlistActivatable(job: Job): void {
    this.state.activatable.get(job.record.type)?.delete(job.record.jobKey);
  }

  #cancelJob(jobKey: string): void {
    const job = this.state.jobs.get(jobKey);
    if (!job || job.record.state === 'COMPLETED' || job.record.state === 'CANCELED' || job.record.state === 'ERROR_THROWN') return;
    this.#unlistActivatable(job);
    job.record.state = 'CANCELED';
  }

  #activateJob(job: Job, worker: string, timeout: number, fetchVariable: readonly string[]): ActivatedJob {
    this.#unlistActivatable(job);
    job.record.state = 'ACTIVATED';
    job.record.worker = worker;
    job.record.deadline = this.#now + timeout;
    pushDue(this.state.due, job.record.deadline, 'job-deadline', job.record.jobKey);
    const ei = this.state.elementInstances.get(job.record.elementInstanceKey);
    const context = ei ? this.#context(ei) : {};
    let variables: Record<string, unknown> = context;
    if (fetchVariable.length > 0) {
      variables = {};
      for (const name of fetchVariable) if (name in context) variables[name] = context[name];
    }
    const { record } = job;
    return {
      key: record.jobKey, type: record.type, processInstanceKey: record.processInstanceKey, bpmnProcessId: record.bpmnProcessId,
      processDefinitionVersion: job.processDefinitionVersion, processDefinitionKey: record.processDefinitionKey, elementId: record.elementId,
      elementInstanceKey: record.elementInstanceKey, customHeaders: JSON.stringify(record.customHeaders), worker, retries: record.retries,
      deadline: record.deadline!, variables: JSON.stringify(variables), tenantId: record.tenantId,
    };
  }

  #activateJobs(request: { type: string; worker: string; timeout: number; maxJobsToActivate: number; fetchVariable: readonly string[]; tenantIds?: readonly string[] | undefined }): ActivatedJob[] {
    const set = this.state.activatable.get(request.type);
    const activated: ActivatedJob[] = [];
    if (!set) return activated;
    const tenants = request.tenantIds && request.tenantIds.length > 0 ? new Set(request.tenantIds) : undefined;
    for (const jobKey of set) {
      if (activated.length >= request.maxJobsToActivate) break;
      const job = this.state.jobs.get(jobKey);
      if (!job) continue;
      if (tenants && !tenants.has(job.record.tenantId)) continue;
      activated.push(this.#activateJob(job, request.worker, request.timeout, request.fetchVariable));
    }
    return activated;
  }

  #activateForStream(jobKey: string, target: StreamTarget): ActivatedJob | undefined {
    const job = this.state.jobs.get(jobKey);
    if (!job || job.record.state !== 'ACTIVATABLE') return undefined;
    if (target.tenantIds && target.tenantIds.length > 0 && !target.tenantIds.includes(job.record.tenantId)) return undefined;
    return this.#activateJob(job, target.worker, target.timeout, target.fetchVariable);
  }

  #returnJob(jobKey: string): undefined {
    const job = this.state.jobs.get(jobKey);
    if (job && job.record.state === 'ACTIVATED') this.#makeActivatable(job);
    return undefined;
  }

  /** a job a worker may act on: activated; FAILED_PRECONDITION for failed/error-thrown, else NOT_FOUND */
  #activatedJob(jobKey: string, verb: string): Job {
    const job = this.state.jobs.get(jobKey);
    if (job && job.record.state === 'ACTIVATED') return job;
    // a job whose error was caught, or whose element instance ended, is gone
    const live = job !== undefined && this.state.elementInstances.has(job.record.elementInstanceKey);
    if (job && live && (job.record.state === 'FAILED' || job.record.state === 'ERROR_THROWN')) {
      throw new EngineError('FAILED_PRECONDITION', `Expected to ${verb} job with key '${jobKey}', but it is in state '${job.record.state}'`);
    }
    throw new EngineError('NOT_FOUND', `Expected to ${verb} job with key '${jobKey}', but no such job was found`);
  }

  #completeJob(jobKey: string, variables: JsonObject): undefined {
    const job = this.#activatedJob(jobKey, 'complete');
    job.record.state = 'COMPLETED';
    const ei = this.state.elementInstances.get(job.record.elementInstanceKey);
    if (!ei) return undefined;
    ei.jobKey = undefined;
    this.#deliverPayload(ei, variables);
    this.#queueComplete(ei);
    return undefined;
  }

  #failJob(jobKey: string, retries: number, errorMessage: string, retryBackOff: number, variables: JsonObject | undefined): undefined {
    const job = this.#activatedJob(jobKey, 'fail');
    const ei = this.state.elementInstances.get(job.record.elementInstanceKey);
    if (ei && variables) for (const [name, value] of Object.entries(variables)) this.#setLocal(ei, name, value);
    job.record.retries = retries;
    job.record.errorMessage = errorMessage;
    job.record.deadline = undefined;
    if (retries > 0) {
      if (retryBackOff > 0) {
        job.record.state = 'FAILED';
        job.backoffUntil = this.#now + retryBackOff;
        pushDue(this.state.due, job.backoffUntil, 'job-backoff', jobKey);
      } else this.#makeActivatable(job);
      return undefined;
    }
    job.record.state = 'FAILED';
    if (ei) this.#raiseIncident(ei, 'JOB_NO_RETRIES', errorMessage || 'No more retries left.', 'job', jobKey);
    return undefined;
  }

  #throwErrorCommand(jobKey: string, errorCode: string, errorMessage: string, variables: JsonObject | undefined): undefined {
    const job = this.#activatedJob(jobKey, 'throw an error for');
    job.record.state = 'ERROR_THROWN';
    job.record.errorMessage = errorMessage;
    const ei = this.state.elementInstances.get(job.record.elementInstanceKey);
    if (!ei) return undefined;
    if (!this.#throwError(ei, errorCode, errorMessage, variables)) {
      const message = `Expected to throw an error event with the code '${errorCode}'${errorMessage ? ` with message '${errorMessage}'` : ''}, but it was not caught. No error events are available in the scope.`;
      this.#raiseIncident(ei, 'UNHANDLED_ERROR_EVENT', message, 'job-error', jobKey);
    }
    return undefined;
  }

  #updateJobRetries(jobKey: string, retries: number): undefined {
    const job = this.state.jobs.get(jobKey);
    if (!job || job.record.state === 'COMPLETED' || job.record.state === 'CANCELED') {
      throw new EngineError('NOT_FOUND', `Expected to update retries for job with key '${jobKey}', but no such job was found`);
    }
    if (retries < 1) throw new EngineError('INVALID_ARGUMENT', `Expected retries to be greater than zero, but it was '${retries}'`);
    job.record.retries = retries;
    return undefined;
  }

  #updateJobTimeout(jobKey: string, timeout: number): undefined {
    const job = this.state.jobs.get(jobKey);
    if (!job || job.record.state !== 'ACTIVATED') {
      throw new EngineError('NOT_FOUND', `Expected to update the timeout of job with key '${jobKey}', but no such job was found`);
    }
    job.record.deadline = this.#now + timeout;
    pushDue(this.state.due, job.record.deadline, 'job-deadline', jobKey);
    return undefined;
  }

  // -------------------------------------------------------------------------------------------
  // User tasks

  #createUserTask(ei: ElementInstance, element: ElementModel): void {
    const spec = element.userTask!;
    const instance = this.state.instances.get(ei.processInstanceKey)!;
    let formKey: string | undefined;
    if (spec.formId) {
      const versions = this.state.formVersions.get(indexKey(instance.record.tenantId, spec.formId)) ?? [];
      formKey = versions[versions.length - 1];
      if (!formKey) {
        throw new IncidentRaised('FORM_NOT_FOUND', `Expected to find a form with id '${spec.formId}', but no form with this id is found, at least a form with this id should be available. To resolve the Incident please deploy a form with the same id`);
      }
    }
    const context = this.#lookup(ei);
    const text = (value: string | undefined): string | undefined => {
      if (value === undefined) return undefined;
      const result = this.#evaluate(value, context, 'EXTRACT_VALUE_ERROR');
      return result === null ? undefined : String(result);
    };
    const textList = (value: string | undefined): string[] => {
      if (value === undefined) return [];
      const result = this.#evaluate(value, context, 'EXTRACT_VALUE_ERROR');
      if (Array.isArray(result)) return result.map(String);
      return typeof result === 'string' ? result.split(',').map((part) => part.trim()).filter(Boolean) : [];
    };
    const key = this.#keys.next();
    this.state.userTasks.set(key, {
      userTaskKey: key, processInstanceKey: ei.processInstanceKey, processDefinitionKey: instance.record.processDefinitionKey, bpmnProcessId: instance.record.bpmnProcessId,
      processDefinitionVersion: instance.record.version, elementId: element.id, elementInstanceKey: ei.key, name: element.name, state: 'CREATED',
      assignee: text(spec.assignee), candidateGroups: textList(spec.candidateGroups), candidateUsers: textList(spec.candidateUsers), formKey, formId: spec.formId,
      creationDate: this.#now, completionDate: undefined, dueDate: text(spec.dueDate), followUpDate: text(spec.followUpDate),
      priority: spec.priority === undefined ? 50 : Number(text(spec.priority) ?? 50), customHeaders: element.headers, tenantId: instance.record.tenantId,
    });
    instance.userTaskKeys.push(key);
    ei.userTaskKey = key;
  }

  #openUserTask(userTaskKey: string, verb: string): Mutable<import('../api.ts').UserTaskRecord> {
    const task = this.state.userTasks.get(userTaskKey);
    if (!task || task.state !== 'CREATED') throw new EngineError('NOT_FOUND', `Command '${verb}' rejected with code 'NOT_FOUND': Expected to ${verb} user task with key '${userTaskKey}', but no such user task was found`);
    return task;
  }

  #assignUserTask(userTaskKey: string, assignee: string, allowOverride: boolean): undefined {
    const task = this.#openUserTask(userTaskKey, 'assign');
    if (!allowOverride && task.assignee && task.assignee !== assignee) {
      throw new EngineError('FAILED_PRECONDITION', `Expected to assign user task with key '${userTaskKey}', but it is already assigned to '${task.assignee}'`);
    }
    task.assignee = assignee;
    return undefined;
  }

  #unassignUserTask(userTaskKey: string): undefined {
    this.#openUserTask(userTaskKey, 'unassign').assignee = undefined;
    return undefined;
  }

  #completeUserTask(userTaskKey: string, variables: JsonObject): undefined {
    const task = this.#openUserTask(userTaskKey, 'complete');
    task.state = 'COMPLETED';
    task.completionDate = this.#now;
    const ei = this.state.elementInstances.get(task.elementInstanceKey);
    if (!ei) return undefined;
    ei.userTaskKey = undefined;
    this.#deliverPayload(ei, variables);
    this.#queueComplete(ei);
    return undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Incidents

  #raiseIncident(ei: ElementInstance, errorType: IncidentErrorType, errorMessage: string, retry: 'job' | 'job-error' | 'activate' | 'complete', jobKey: string | undefined): void {
    const instance = this.state.instances.get(ei.processInstanceKey)!;
    const key = this.#keys.next();
    this.state.incidents.set(key, {
      record: {
        incidentKey: key, processInstanceKey: ei.processInstanceKey, processDefinitionKey: instance.record.processDefinitionKey, bpmnProcessId: instance.record.bpmnProcessId,
        elementId: ei.elementId, elementInstanceKey: ei.key, jobKey, errorType, errorMessage, state: 'ACTIVE', creationTime: this.#now, tenantId: instance.record.tenantId,
      },
      retry,
    });
    instance.incidentKeys.push(key);
    instance.activeIncidents += 1;
    instance.record.hasIncident = true;
    ei.record.hasIncident = true;
    ei.record.incidentKey = key;
    if (jobKey) {
      const job = this.state.jobs.get(jobKey);
      if (job) job.incidentKey = key;
    }
  }

  #resolveIncidentRecord(incidentKey: string): void {
    const incident = this.state.incidents.get(incidentKey);
    if (!incident || incident.record.state !== 'ACTIVE') return;
    incident.record.state = 'RESOLVED';
    const instance = this.state.instances.get(incident.record.processInstanceKey);
    if (instance) {
      instance.activeIncidents -= 1;
      instance.record.hasIncident = instance.activeIncidents > 0;
    }
    const ei = this.state.elementInstances.get(incident.record.elementInstanceKey);
    const record = ei?.record ?? instance?.elementRecords.find((candidate) => candidate.elementInstanceKey === incident.record.elementInstanceKey);
    if (record && record.incidentKey === incidentKey) {
      record.hasIncident = false;
      record.incidentKey = undefined;
    }
  }

  #resolveIncident(incidentKey: string): undefined {
    const incident = this.state.incidents.get(incidentKey);
    if (!incident || incident.record.state !== 'ACTIVE') {
      throw new EngineError('NOT_FOUND', `Expected to resolve incident with key '${incidentKey}', but no such incident was found`);
    }
    // a job incident resolves into an activatable job: its retries must be given back first
    const incidentJob = incident.retry === 'job' && incident.record.jobKey ? this.state.jobs.get(incident.record.jobKey) : undefined;
    if (incidentJob && incidentJob.record.retries <= 0) {
      throw new EngineError('FAILED_PRECONDITION', `Expected to resolve incident with key '${incidentKey}', but job with key '${incidentJob.record.jobKey}' has no retries left; update the job's retries first`);
    }
    this.#resolveIncidentRecord(incidentKey);
    const ei = this.state.elementInstances.get(incident.record.elementInstanceKey);
    if (!ei) return undefined;
    const job = incident.record.jobKey ? this.state.jobs.get(incident.record.jobKey) : undefined;
    switch (incident.retry) {
      case 'job':
        if (job) this.#makeActivatable(job);
        return undefined;
      case 'job-error':
        if (job) {
          if (job.record.retries <= 0) job.record.retries = 1;
          this.#makeActivatable(job);
        }
        return undefined;
      case 'activate':
        ei.phase = 'activating';
        this.#agenda.push({ op: 'activate', key: ei.key });
        return undefined;
      case 'complete':
        this.#queueComplete(ei);
        return undefined;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Errors

  /** finds the catch for an error from `from` outward (through call activities); false if none */
  #throwError(from: ElementInstance, errorCode: string, errorMessage: string, variables: JsonObject | undefined): boolean {
    let current: ElementInstance | undefined = from;
    while (current) {
      const model = this.#definitionOf(current).model;
      const element = this.#element(current);
      const isContainer = current.kind === 'process' || ((element?.kind === 'subProcess' || element?.kind === 'eventSubProcess') && current.kind !== 'body');
      // a scope an interrupting event subprocess already took over starts no other one
      if (isContainer && !current.interrupted) {
        const espIds = current.kind === 'process' ? model.eventSubProcessIds : element!.eventSubProcessIds;
        const startOf = (espId: string) => model.elements[model.elements[espId]?.startEventId ?? ''];
        const candidates = espIds.filter((espId) => startOf(espId)?.event.kind === 'error');
        const match = pickErrorCatch(candidates, (espId) => startOf(espId)!, errorCode);
        if (match) {
          this.#triggerEventSubProcess(current, match, variables, true);
          return true;
        }
      }
      if (element && current.kind !== 'inner') {
        const candidates = element.boundaryIds.filter((boundaryId) => model.elements[boundaryId]?.event.kind === 'error');
        const match = pickErrorCatch(candidates, (boundaryId) => model.elements[boundaryId]!, errorCode);
        if (match) {
          this.#triggerBoundary(current, match, variables, true);
          return true;
        }
      }
      if (current.kind === 'process') {
        const instance: Instance = this.state.instances.get(current.processInstanceKey)!;
        current = instance.record.parentElementInstanceKey ? this.state.elementInstances.get(instance.record.parentElementInstanceKey) : undefined;
      } else current = this.#parent(current);
    }
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Compensation

  #throwCompensation(thrower: ElementInstance, activityRef: string | undefined): void {
    let scope = this.#parent(thrower)!;
    if (this.#element(scope)?.kind === 'eventSubProcess') scope = this.#parent(scope) ?? scope;
    const entries = scope.compensable ?? [];
    const chosen = entries.filter((entry) => activityRef === undefined || entry.elementId === activityRef);
    scope.compensable = entries.filter((entry) => !chosen.includes(entry));
    thrower.pendingHandlers = chosen.length;
    if (chosen.length === 0) return this.#queueComplete(thrower);
    for (const entry of chosen) {
      const handler = this.#enter(scope, entry.handlerId);
      handler.compensationOf = thrower.key;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Triggers: boundary events, event subprocesses, catch events, event-based gateways

  #openBoundaries(ei: ElementInstance, element: ElementModel): void {
    if (element.boundaryIds.length === 0) return;
    const model = this.#definitionOf(ei).model;
    const context = this.#lookup(ei);
    for (const boundaryId of element.boundaryIds) {
      const boundary = model.elements[boundaryId]!;
      if (boundary.event.kind !== 'timer' && boundary.event.kind !== 'message') continue;
      const target: TriggerTarget = { kind: 'boundary', elementInstanceKey: ei.key, elementId: boundaryId, interrupting: boundary.cancelActivity };
      this.#openTrigger(ei, boundary, target, context);
    }
  }

  #openEventSubProcesses(scope: ElementInstance, espIds: readonly string[]): void {
    if (espIds.length === 0) return;
    const model = this.#definitionOf(scope).model;
    const context = this.#lookup(scope);
    for (const espId of espIds) {
      const start = model.elements[model.elements[espId]?.startEventId ?? ''];
      if (!start || (start.event.kind !== 'timer' && start.event.kind !== 'message')) continue;
      this.#openTrigger(scope, start, { kind: 'event-subprocess', elementInstanceKey: scope.key, elementId: espId, interrupting: start.interrupting }, context);
    }
  }

  #openCatch(ei: ElementInstance, element: ElementModel): void {
    this.#openTrigger(ei, element, { kind: 'catch', elementInstanceKey: ei.key }, this.#lookup(ei));
  }

  #openEventGateway(ei: ElementInstance, element: ElementModel): void {
    const model = this.#definitionOf(ei).model;
    const context = this.#lookup(ei);
    for (const flowId of element.outgoing) {
      const target = model.elements[model.flows[flowId]?.targetId ?? ''];
      if (target) this.#openTrigger(ei, target, { kind: 'gateway', elementInstanceKey: ei.key, elementId: target.id }, context);
    }
  }

  /** opens a message subscription or a timer owned by `owner` */
  #openTrigger(owner: ElementInstance, element: ElementModel, target: TriggerTarget, context: VariableLookup): void {
    const { event } = element;
    const tenantId = this.state.instances.get(owner.processInstanceKey)!.record.tenantId;
    if (event.kind === 'timer') {
      const value = this.#evaluate(event.timer.expression, context, 'EXTRACT_VALUE_ERROR');
      const text = typeof value === 'number' ? new Date(value).toISOString() : String(value);
      const schedule = scheduleTimer(event.timer.kind, text, this.#now);
      if (!schedule.ok) throw new IncidentRaised('EXTRACT_VALUE_ERROR', schedule.message);
      const timer = this.#createTimer(schedule.dueAt, schedule.repetitions, schedule.interval, target, owner.processInstanceKey, tenantId);
      owner.triggers.push(timer.key);
      return;
    }
    if (event.kind !== 'message') return;
    const correlationKey = this.#evaluate(event.correlationKey ?? '', context, 'EXTRACT_VALUE_ERROR');
    if (typeof correlationKey !== 'string' && typeof correlationKey !== 'number') {
      throw new IncidentRaised('EXTRACT_VALUE_ERROR', `Failed to extract the correlation key for '${expressionText(event.correlationKey ?? '')}': The value must be either a string or a number, but was '${typeName(correlationKey)}'.`);
    }
    const subscription: Subscription = {
      key: this.#keys.next(), name: event.messageName, correlationKey: String(correlationKey), tenantId, processInstanceKey: owner.processInstanceKey, target,
    };
    this.state.subscriptions.set(subscription.key, subscription);
    const index = indexKey(tenantId, subscription.name, subscription.correlationKey);
    let keys = this.state.subscriptionIndex.get(index);
    if (!keys) this.state.subscriptionIndex.set(index, (keys = new Set()));
    keys.add(subscription.key);
    owner.triggers.push(subscription.key);
    // a buffered message may wait for exactly this: looked up once the opening step is done
    if (this.state.messageIndex.has(index)) this.#deferredTriggers.push(subscription.key);
  }

  /** new subscriptions to match against buffered messages after the current step */
  #deferredTriggers: string[] = [];

  #createTimer(dueAt: number, repetitions: number, interval: string | undefined, target: TriggerTarget, processInstanceKey: string | undefined, tenantId: string): Timer {
    const timer: Timer = { key: this.#keys.next(), dueAt, repetitions, interval, target, processInstanceKey, tenantId };
    this.state.timers.set(timer.key, timer);
    pushDue(this.state.due, dueAt, 'timer', timer.key);
    return timer;
  }

  /** closes the subscriptions and timers an element instance owns (those matching `which`) */
  #closeTriggers(ei: ElementInstance, which: (target: TriggerTarget) => boolean): void {
    if (ei.triggers.length === 0) return;
    const kept: string[] = [];
    for (const key of ei.triggers) {
      const subscription = this.state.subscriptions.get(key);
      const timer = subscription ? undefined : this.state.timers.get(key);
      const target = subscription?.target ?? timer?.target;
      if (!target) continue;
      if (!which(target)) {
        kept.push(key);
        continue;
      }
      if (subscription) this.#deleteSubscription(subscription);
      else this.state.timers.delete(key);
    }
    ei.triggers = kept;
  }

  #deleteSubscription(subscription: Subscription): void {
    this.state.subscriptions.delete(subscription.key);
    const index = indexKey(subscription.tenantId, subscription.name, subscription.correlationKey);
    const keys = this.state.subscriptionIndex.get(index);
    keys?.delete(subscription.key);
    if (keys?.size === 0) this.state.subscriptionIndex.delete(index);
  }

  /** a message or timer arrived for a target */
  #fire(target: TriggerTarget, variables: JsonObject | undefined): void {
    switch (target.kind) {
      case 'start': {
        const definition = this.state.definitions.get(target.definitionKey);
        if (definition && !definition.record.deleted) this.#startInstance(definition, variables ?? {}, [target.elementId], undefined);
        return;
      }
      case 'catch': {
        const ei = this.state.elementInstances.get(target.elementInstanceKey);
        if (!ei || ei.phase !== 'active') return;
        this.#closeTriggers(ei, () => true);
        this.#deliverPayload(ei, variables);
        return this.#queueComplete(ei);
      }
      case 'boundary': {
        const attached = this.state.elementInstances.get(target.elementInstanceKey);
        if (!attached) return;
        if (target.interrupting) this.#closeTriggers(attached, () => true);
        return this.#triggerBoundary(attached, target.elementId, variables, target.interrupting);
      }
      case 'event-subprocess': {
        const scope = this.state.elementInstances.get(target.elementInstanceKey);
        if (!scope) return;
        return this.#triggerEventSubProcess(scope, target.elementId, variables, target.interrupting);
      }
      case 'gateway': {
        const gateway = this.state.elementInstances.get(target.elementInstanceKey);
        if (!gateway || gateway.phase !== 'active') return;
        const scope = this.#parent(gateway)!;
        this.#closeTriggers(gateway, () => true);
        const caught = this.#enter(scope, target.elementId);
        caught.triggered = true;
        this.#deliverPayload(caught, variables);
        // the gateway ends without taking its flows: the event took one
        this.#finish(gateway, 'COMPLETED');
        return;
      }
    }
  }

  #triggerBoundary(attached: ElementInstance, boundaryId: string, variables: JsonObject | undefined, interrupting: boolean): void {
    const scope = this.#parent(attached);
    if (!scope) return;
    const boundary = this.#enter(scope, boundaryId);
    if (interrupting) this.#terminateAttached(attached);
    this.#deliverPayload(boundary, variables);
  }

  /** terminates an activity for its interrupting boundary event (the scope stays: the boundary takes over) */
  #terminateAttached(attached: ElementInstance): void {
    const scope = this.#parent(attached);
    this.#terminate(attached);
    if (scope?.kind === 'body' && attached.kind === 'inner') this.#innerEnded(scope, attached, 'TERMINATED');
  }

  #triggerEventSubProcess(scope: ElementInstance, espId: string, variables: JsonObject | undefined, interrupting: boolean): void {
    if (scope.interrupted) return;
    const model = this.#definitionOf(scope).model;
    if (interrupting) {
      scope.interrupted = true;
      this.#closeTriggers(scope, (target) => target.kind === 'event-subprocess');
      for (const childKey of [...(scope.children ?? [])]) {
        const child = this.state.elementInstances.get(childKey);
        if (child) this.#terminate(child);
      }
      if (scope.joins) scope.joins = {};
    }
    const esp = this.#enter(scope, espId);
    esp.eventStart = { startId: model.elements[espId]!.startEventId!, variables };
  }

  // -------------------------------------------------------------------------------------------
  // Messages

  #publishMessage(request: PublishMessageRequest): { key: string; tenantId: string } {
    const tenantId = request.tenantId || DEFAULT_TENANT;
    const index = indexKey(tenantId, request.name, request.correlationKey);
    if (request.messageId) {
      for (const messageKey of this.state.messageIndex.get(index) ?? []) {
        if (this.state.messages.get(messageKey)?.messageId === request.messageId) {
          throw new EngineError('ALREADY_EXISTS', `Expected to publish a new message with id '${request.messageId}', but a message with that id was already published`);
        }
      }
    }
    const message = {
      key: this.#keys.next(), name: request.name, correlationKey: request.correlationKey, tenantId, messageId: request.messageId || undefined,
      variables: request.variables ?? {}, expiresAt: this.#now + Math.max(0, request.timeToLive), correlated: new Set<string>(),
    };
    this.#correlate(message);
    if (request.timeToLive > 0) {
      this.state.messages.set(message.key, message);
      const buffered = this.state.messageIndex.get(index) ?? [];
      buffered.push(message.key);
      this.state.messageIndex.set(index, buffered);
      pushDue(this.state.due, message.expiresAt, 'message-ttl', message.key);
    }
    return { key: message.key, tenantId };
  }

  #correlateMessage(request: { name: string; correlationKey: string; variables?: JsonObject | undefined; tenantId?: string | undefined }): { messageKey: string; processInstanceKey: string; tenantId: string } {
    const tenantId = request.tenantId || DEFAULT_TENANT;
    const message = {
      key: this.#keys.next(), name: request.name, correlationKey: request.correlationKey, tenantId, messageId: undefined,
      variables: request.variables ?? {}, expiresAt: this.#now, correlated: new Set<string>(),
    };
    const first = this.#correlate(message);
    if (!first) {
      throw new EngineError('NOT_FOUND', `Expected to find subscription for message with name '${request.name}' and correlation key '${request.correlationKey}', but none was found.`);
    }
    return { messageKey: message.key, processInstanceKey: first, tenantId };
  }

  /** correlates a message to waiting subscriptions (once per instance) and message starts; the first instance key */
  #correlate(message: { key: string; name: string; correlationKey: string; tenantId: string; variables: JsonObject; correlated: Set<string> }): string | undefined {
    let first: string | undefined;
    const index = indexKey(message.tenantId, message.name, message.correlationKey);
    const keys = this.state.subscriptionIndex.get(index);
    if (keys) {
      for (const subscriptionKey of [...keys]) {
        const subscription = this.state.subscriptions.get(subscriptionKey);
        if (!subscription) continue;
        // once per process (BPMN process id, across versions): one subscription of it gets the message
        const processMark = `p:${this.#bpmnProcessIdOf(subscription)}`;
        if (message.correlated.has(processMark)) continue;
        message.correlated.add(processMark);
        first ??= subscription.processInstanceKey;
        this.#triggerSubscription(subscription, message.variables);
      }
    }
    for (const { definitionKey, startId } of this.#messageStarts().get(indexKey(message.tenantId, message.name)) ?? []) {
      const definition = this.state.definitions.get(definitionKey);
      if (!definition) continue;
      const started = this.#startByMessage(definition, startId, message);
      first ??= started;
    }
    return first;
  }

  /** tenant \0 message name → the message start events of the latest versions (derived, rebuilt after deployments) */
  #messageStartCache: Map<string, { definitionKey: string; startId: string }[]> | undefined;

  #messageStarts(): Map<string, { definitionKey: string; startId: string }[]> {
    if (this.#messageStartCache) return this.#messageStartCache;
    const cache = new Map<string, { definitionKey: string; startId: string }[]>();
    for (const versions of this.state.versions.values()) {
      const latest = [...versions].reverse().map((key) => this.state.definitions.get(key)).find((definition) => definition && !definition.record.deleted);
      if (!latest) continue;
      for (const startId of latest.model.messageStartIds) {
        const event = latest.model.elements[startId]?.event;
        if (event?.kind !== 'message') continue;
        const key = indexKey(latest.record.tenantId, event.messageName);
        const list = cache.get(key) ?? [];
        list.push({ definitionKey: latest.record.processDefinitionKey, startId });
        cache.set(key, list);
      }
    }
    this.#messageStartCache = cache;
    return cache;
  }

  #startByMessage(definition: Definition, startId: string, message: { correlationKey: string; tenantId: string; variables: JsonObject; correlated: Set<string> }): string | undefined {
    const { bpmnProcessId } = definition.record;
    if (message.correlated.has(`p:${bpmnProcessId}`)) return undefined;
    const lock = indexKey(message.tenantId, bpmnProcessId, message.correlationKey);
    if (message.correlationKey !== '' && this.state.startLocks.has(lock)) return undefined;
    message.correlated.add(`p:${bpmnProcessId}`);
    const instance = this.#startInstance(definition, message.variables, [startId], undefined);
    if (message.correlationKey !== '') {
      this.state.startLocks.add(lock);
      instance.startLock = lock;
    }
    return instance.record.processInstanceKey;
  }

  /** an instance started by message ended: a buffered message with the same key may start the next */
  #retryBufferedStart(tenantId: string, bpmnProcessId: string, correlationKey: string): void {
    const definition = this.#latestDefinition(tenantId, bpmnProcessId, false);
    if (!definition) return;
    for (const startId of definition.model.messageStartIds) {
      const event = definition.model.elements[startId]?.event;
      if (event?.kind !== 'message') continue;
      for (const messageKey of this.state.messageIndex.get(indexKey(tenantId, event.messageName, correlationKey)) ?? []) {
        const message = this.state.messages.get(messageKey);
        if (!message || message.correlated.has(`p:${bpmnProcessId}`)) continue;
        this.#startByMessage(definition, startId, message);
        return;
      }
    }
  }

  #bpmnProcessIdOf(subscription: Subscription): string {
    return this.state.instances.get(subscription.processInstanceKey)?.record.bpmnProcessId ?? '';
  }

  #triggerSubscription(subscription: Subscription, variables: JsonObject): void {
    const { target } = subscription;
    const stays = (target.kind === 'boundary' || target.kind === 'event-subprocess') && !target.interrupting;
    if (!stays) {
      this.#deleteSubscription(subscription);
      const owner = this.state.elementInstances.get(target.kind === 'start' ? '' : target.elementInstanceKey);
      if (owner) owner.triggers = owner.triggers.filter((key) => key !== subscription.key);
    }
    this.#fire(target, variables);
  }

  // -------------------------------------------------------------------------------------------
  // Due work

  #fireDue(): void {
    for (;;) {
      this.#runDeferred();
      const next = peekDue(this.state.due);
      if (!next || next.at > this.#now) return;
      popDue(this.state.due);
      this.#fireEntry(next.kind, next.key, next.at);
      this.#runAgenda();
    }
  }

  #runDeferred(): void {
    while (this.#deferredTriggers.length > 0) {
      const subscription = this.state.subscriptions.get(this.#deferredTriggers.shift()!);
      if (subscription) {
        // the oldest buffered message not yet correlated to the instance
        for (const messageKey of this.state.messageIndex.get(indexKey(subscription.tenantId, subscription.name, subscription.correlationKey)) ?? []) {
          const message = this.state.messages.get(messageKey);
          const processMark = `p:${this.#bpmnProcessIdOf(subscription)}`;
          if (!message || message.correlated.has(processMark)) continue;
          message.correlated.add(processMark);
          this.#triggerSubscription(subscription, message.variables);
          break;
        }
      }
      this.#runAgenda();
    }
  }

  #fireEntry(kind: string, key: string, at: number): void {
    if (kind === 'timer') {
      const timer = this.state.timers.get(key);
      if (!timer || timer.dueAt !== at) return;
      const repeats = timer.repetitions === -1 || timer.repetitions > 1;
      const stays = repeats && (timer.target.kind === 'start' || ((timer.target.kind === 'boundary' || timer.target.kind === 'event-subprocess') && !timer.target.interrupting));
      if (stays && timer.interval) {
        // the next cycle counts from now: a clock jump does not replay every missed cycle
        timer.dueAt = Math.max(at, this.#now);
        const next = scheduleTimer('duration', timer.interval, timer.dueAt);
        if (next.ok) {
          timer.dueAt = next.dueAt;
          if (timer.repetitions > 0) timer.repetitions -= 1;
          pushDue(this.state.due, timer.dueAt, 'timer', timer.key);
        }
      } else {
        this.state.timers.delete(key);
        const owner = timer.target.kind === 'start' ? undefined : this.state.elementInstances.get(timer.target.elementInstanceKey);
        if (owner) owner.triggers = owner.triggers.filter((trigger) => trigger !== key);
      }
      this.#fire(timer.target, undefined);
      return;
    }
    if (kind === 'job-deadline') {
      const job = this.state.jobs.get(key);
      if (job && job.record.state === 'ACTIVATED' && job.record.deadline === at) this.#makeActivatable(job);
      return;
    }
    if (kind === 'job-backoff') {
      const job = this.state.jobs.get(key);
      if (job && job.record.state === 'FAILED' && job.backoffUntil === at && job.record.retries > 0) this.#makeActivatable(job);
      return;
    }
    if (kind === 'message-ttl') {
      const message = this.state.messages.get(key);
      if (!message || message.expiresAt !== at) return;
      this.state.messages.delete(key);
      const index = indexKey(message.tenantId, message.name, message.correlationKey);
      const buffered = (this.state.messageIndex.get(index) ?? []).filter((messageKey) => messageKey !== key);
      if (buffered.length > 0) this.state.messageIndex.set(index, buffered);
      else this.state.messageIndex.delete(index);
    }
  }
}

export { emptyState };
export type { Variable, ProcessModel };
