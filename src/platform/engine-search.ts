// The engine's read side through the orchestration cluster's REST API v2 (Camunda 8.9 shapes, via
// the typed client of orchestration-client.ts): process instances, element instances, incidents
// and user tasks, in the project's own shapes. The cluster's wire names stay in this file, so a
// newer API version changes only this file.
import { ElementId, ProcessDefinitionKey, ProcessInstanceKey } from '@camunda8/orchestration-cluster-api';
import { loadConfig, type Config } from './config.ts';
import { createOrchestrationClient, type OrchestrationClient } from './orchestration-client.ts';

export type ProcessInstanceState = 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
export type ElementInstanceState = 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
export type IncidentState = 'ACTIVE' | 'PENDING' | 'RESOLVED' | 'MIGRATED' | 'UNKNOWN';
export type UserTaskState = 'CREATED' | 'COMPLETED' | 'CANCELED';

export interface ProcessInstanceView {
  readonly key: string;
  readonly processDefinitionId: string;
  readonly version: number;
  readonly state: ProcessInstanceState;
  readonly hasIncident: boolean;
  readonly startDate?: string | undefined;
  readonly endDate?: string | undefined;
}

export interface ElementInstanceView {
  readonly key: string;
  readonly processInstanceKey: string;
  readonly elementId: string;
  readonly type: string;
  readonly state: ElementInstanceState;
  readonly hasIncident: boolean;
  readonly startDate?: string | undefined;
  readonly endDate?: string | undefined;
}

export interface IncidentView {
  readonly key: string;
  readonly processInstanceKey: string;
  readonly processDefinitionKey: string;
  readonly elementId: string;
  readonly elementInstanceKey: string;
  readonly errorType: string;
  readonly errorMessage: string;
  readonly state: string;
  readonly jobKey?: string | undefined;
}

export interface UserTaskView {
  readonly key: string;
  readonly processInstanceKey: string;
  readonly elementId: string;
  readonly state: string;
  readonly assignee?: string | undefined;
  readonly formKey?: string | undefined;
  readonly creationDate?: string | undefined;
}

export class EngineSearchError extends Error {
  override readonly name = 'EngineSearchError';
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

/** Callers poll for what they wait for (process-test.ts eventually): one answer per call, no waiting in the client. */
const NOW = { consistency: { waitUpToMs: 0 } } as const;
/** One page; a search that fills it asks for the next (an instance with a long loop has many element instances). */
const PAGE_SIZE = 500;

const statusOf = (err: unknown): number | undefined => {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
};

/** The client's error as one of ours (with the HTTP status); a 404 is undefined, "not there". */
async function orNotFound<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    const status = statusOf(err);
    if (status === 404) return undefined;
    throw new EngineSearchError(`${what}: ${status ? `HTTP ${status} ` : ''}${(err as Error).message}`, status);
  }
}

/** Every page of a search, in the engine's order. */
async function allPages<T>(what: string, page: (from: number) => Promise<{ items: readonly T[] }>): Promise<T[]> {
  const items: T[] = [];
  for (let from = 0; ; from += PAGE_SIZE) {
    const result = await orNotFound(what, () => page(from));
    const got = result?.items ?? [];
    items.push(...got);
    if (got.length < PAGE_SIZE) return items;
  }
}

const opt = (value: string | null | undefined): string | undefined => value ?? undefined;

export class EngineSearch {
  private readonly client: OrchestrationClient;

  constructor(config: Config = loadConfig(), client?: OrchestrationClient) {
    this.client = client ?? createOrchestrationClient(config);
  }

  /** Process instances whose variable `name` equals `value` (e.g. the orderId they fulfil). */
  async processInstancesByVariable(name: string, value: string | number | boolean, processDefinitionId?: string): Promise<ProcessInstanceView[]> {
    // variable values are compared as their JSON text
    const filter = { variables: [{ name, value: JSON.stringify(value) }], ...(processDefinitionId ? { processDefinitionId } : {}) };
    const rows = await allPages('process instance search', (from) => this.client.searchProcessInstances({ filter, page: { from, limit: PAGE_SIZE } }, NOW));
    return rows.map((row) => ({
      key: String(row.processInstanceKey),
      processDefinitionId: String(row.processDefinitionId),
      version: row.processDefinitionVersion,
      state: row.state,
      hasIncident: row.hasIncident,
      startDate: row.startDate,
      endDate: opt(row.endDate),
    }));
  }

  async processInstance(key: string): Promise<ProcessInstanceView | undefined> {
    const row = await orNotFound(`process instance ${key}`, () => this.client.getProcessInstance({ processInstanceKey: ProcessInstanceKey.assumeExists(key) }, NOW));
    if (!row) return undefined;
    return {
      key: String(row.processInstanceKey),
      processDefinitionId: String(row.processDefinitionId),
      version: row.processDefinitionVersion,
      state: row.state,
      hasIncident: row.hasIncident,
      startDate: row.startDate,
      endDate: opt(row.endDate),
    };
  }

  /** The BPMN XML of a deployed process definition. */
  async processDefinitionXml(processDefinitionKey: string): Promise<string | undefined> {
    return orNotFound(`process definition ${processDefinitionKey} XML`, () =>
      this.client.getProcessDefinitionXml({ processDefinitionKey: ProcessDefinitionKey.assumeExists(processDefinitionKey) }, NOW),
    );
  }

  async elementInstances(processInstanceKey: string): Promise<ElementInstanceView[]> {
    const filter = { processInstanceKey: ProcessInstanceKey.assumeExists(processInstanceKey) };
    const rows = await allPages('element instance search', (from) => this.client.searchElementInstances({ filter, page: { from, limit: PAGE_SIZE } }, NOW));
    return rows.map((row) => ({
      key: String(row.elementInstanceKey),
      processInstanceKey: String(row.processInstanceKey),
      elementId: String(row.elementId),
      type: row.type,
      state: row.state,
      hasIncident: row.hasIncident,
      startDate: row.startDate,
      endDate: opt(row.endDate),
    }));
  }

  /** state PENDING: created, not yet visible everywhere (a Camunda cluster's secondary storage trails its engine). */
  async incidents(filter: { processInstanceKey?: string; state?: 'ACTIVE' | 'PENDING' | 'RESOLVED' } = {}): Promise<IncidentView[]> {
    const wire = {
      ...(filter.processInstanceKey ? { processInstanceKey: ProcessInstanceKey.assumeExists(filter.processInstanceKey) } : {}),
      ...(filter.state ? { state: filter.state } : {}),
    };
    const rows = await allPages('incident search', (from) => this.client.searchIncidents({ filter: wire, page: { from, limit: PAGE_SIZE } }, NOW));
    return rows.map((row) => ({
      key: String(row.incidentKey),
      processInstanceKey: String(row.processInstanceKey),
      processDefinitionKey: String(row.processDefinitionKey),
      elementId: String(row.elementId),
      elementInstanceKey: String(row.elementInstanceKey),
      errorType: row.errorType,
      errorMessage: row.errorMessage,
      state: row.state,
      jobKey: row.jobKey === null ? undefined : String(row.jobKey),
    }));
  }

  async userTasks(filter: { processInstanceKey?: string; elementId?: string; state?: UserTaskState } = {}): Promise<UserTaskView[]> {
    const wire = {
      ...(filter.processInstanceKey ? { processInstanceKey: ProcessInstanceKey.assumeExists(filter.processInstanceKey) } : {}),
      ...(filter.elementId ? { elementId: ElementId.assumeExists(filter.elementId) } : {}),
      ...(filter.state ? { state: filter.state } : {}),
    };
    const rows = await allPages('user task search', (from) => this.client.searchUserTasks({ filter: wire, page: { from, limit: PAGE_SIZE } }, NOW));
    return rows.map((row) => ({
      key: String(row.userTaskKey),
      processInstanceKey: String(row.processInstanceKey),
      elementId: String(row.elementId),
      state: row.state,
      assignee: opt(row.assignee),
      formKey: row.formKey === null ? undefined : String(row.formKey),
      creationDate: row.creationDate,
    }));
  }
}
