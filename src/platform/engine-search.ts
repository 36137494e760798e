// The engine's read side (its secondary storage) through the orchestration cluster's REST API:
// process instances, element instances, incidents and user tasks, in the project's own shapes.
// The cluster's wire names stay in this file, so a newer API version changes only this file.
import { CamundaSession } from './camunda-session.ts';
import { loadConfig, type Config } from './config.ts';

export type ProcessInstanceState = 'ACTIVE' | 'COMPLETED' | 'CANCELED';
export type ElementInstanceState = 'ACTIVE' | 'COMPLETED' | 'TERMINATED';

export interface ProcessInstanceView {
  readonly key: string;
  readonly bpmnProcessId: string;
  readonly version: number;
  readonly state: ProcessInstanceState;
  readonly incident: boolean;
  readonly startDate?: string | undefined;
  readonly endDate?: string | undefined;
}

export interface ElementInstanceView {
  readonly key: string;
  readonly processInstanceKey: string;
  readonly elementId: string;
  readonly type: string;
  readonly state: ElementInstanceState;
  readonly incident: boolean;
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

/** Zeebe keys are int64: big ones must not lose digits in JSON.parse. */
function parseLossless(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value) && context?.source ? context.source : value,
  );
}

/** Marks an int64 key for the request body, written as a bare JSON number without losing digits. */
const int64 = (key: string): string => `#int64:${BigInt(key).toString()}`;
const stringify = (body: unknown): string => JSON.stringify(body).replace(/"#int64:(-?\d+)"/g, '$1');

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const opt = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

// Every state flag set: the 8.6 query API otherwise filters process instances down to none.
const ALL_PROCESS_INSTANCE_STATES = { running: true, active: true, incidents: true, finished: true, completed: true, canceled: true };

type Row = Record<string, unknown>;

export class EngineSearch {
  private readonly base: string;
  private readonly session: CamundaSession | undefined;

  constructor(config: Config = loadConfig(), session?: CamundaSession) {
    this.base = config.ZEEBE_REST_ADDRESS.replace(/\/$/, '');
    this.session = config.CAMUNDA_AUTH_STRATEGY === 'COOKIE' ? (session ?? new CamundaSession(config)) : undefined;
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const text = await this.requestText(method, path, body, 'application/json');
    return text ? parseLossless(text) : undefined;
  }

  /** The answer's body as text; undefined on 404. */
  private async requestText(method: 'GET' | 'POST', path: string, body: unknown, accept: string, retried = false): Promise<string | undefined> {
    const headers: Record<string, string> = { accept, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...((await this.session?.getHeaders()) ?? {}) };
    const res = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? null : stringify(body), signal: AbortSignal.timeout(10_000) });
    if ((res.status === 401 || res.status === 403) && this.session && !retried) {
      this.session.invalidate();
      return this.requestText(method, path, body, accept, true);
    }
    const text = await res.text();
    if (res.status === 404) return undefined;
    if (!res.ok) throw new EngineSearchError(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`, res.status);
    return text;
  }

  private async search(resource: string, filter: Row, size = 500): Promise<Row[]> {
    const result = (await this.request('POST', `/v2/${resource}/search`, { filter, page: { limit: size } })) as { items?: Row[] } | undefined;
    return result?.items ?? [];
  }

  /** Process instances whose variable `name` equals `value` (e.g. the orderId they fulfil). */
  async processInstancesByVariable(name: string, value: string | number | boolean, bpmnProcessId?: string): Promise<ProcessInstanceView[]> {
    const filter: Row = { ...ALL_PROCESS_INSTANCE_STATES, variable: { name, values: [JSON.stringify(value)] } };
    if (bpmnProcessId) filter.bpmnProcessId = bpmnProcessId;
    return (await this.search('process-instances', filter)).map(toProcessInstance);
  }

  /** One process instance by key (the 8.6 query API cannot filter by key; Operate's API can). */
  async processInstance(key: string): Promise<ProcessInstanceView | undefined> {
    const row = (await this.request('GET', `/v1/process-instances/${key}`)) as Row | undefined;
    return row ? toProcessInstance({ ...row, processDefinitionVersion: row.processVersion }) : undefined;
  }

  /** The BPMN XML of a deployed process definition (Operate's API; the 8.6 query API has none). */
  async processDefinitionXml(processDefinitionKey: string): Promise<string | undefined> {
    return this.requestText('GET', `/v1/process-definitions/${processDefinitionKey}/xml`, undefined, 'text/xml');
  }

  async elementInstances(processInstanceKey: string): Promise<ElementInstanceView[]> {
    const rows = await this.search('flownode-instances', { processInstanceKey: int64(processInstanceKey) });
    return rows.map((r) => ({
      key: str(r.flowNodeInstanceKey),
      processInstanceKey: str(r.processInstanceKey),
      elementId: str(r.flowNodeId),
      type: str(r.type),
      state: str(r.state) as ElementInstanceState,
      incident: r.incident === true,
      startDate: opt(r.startDate),
      endDate: opt(r.endDate),
    }));
  }

  /** state PENDING: created in the engine, not yet fully imported (Operate shows it a moment later as ACTIVE) */
  async incidents(filter: { processInstanceKey?: string; state?: 'ACTIVE' | 'PENDING' | 'RESOLVED' } = {}): Promise<IncidentView[]> {
    const f: Row = {};
    if (filter.processInstanceKey) f.processInstanceKey = int64(filter.processInstanceKey);
    if (filter.state) f.state = filter.state;
    const rows = await this.search('incidents', f);
    return rows.map((r) => ({
      key: str(r.key),
      processInstanceKey: str(r.processInstanceKey),
      processDefinitionKey: str(r.processDefinitionKey),
      elementId: str(r.flowNodeId),
      elementInstanceKey: str(r.flowNodeInstanceKey),
      errorType: str(r.errorType),
      errorMessage: str(r.errorMessage),
      state: str(r.state),
      jobKey: opt(r.jobKey),
    }));
  }

  async userTasks(filter: { processInstanceKey?: string; elementId?: string; state?: 'CREATED' | 'COMPLETED' | 'CANCELED' } = {}): Promise<UserTaskView[]> {
    const f: Row = {};
    if (filter.processInstanceKey) f.processInstanceKey = int64(filter.processInstanceKey);
    if (filter.elementId) f.elementId = filter.elementId;
    if (filter.state) f.state = filter.state;
    const rows = await this.search('user-tasks', f);
    return rows.map((r) => ({
      key: str(r.key),
      processInstanceKey: str(r.processInstanceKey),
      elementId: str(r.elementId),
      state: str(r.state),
      assignee: opt(r.assignee),
      formKey: opt(r.formKey),
      creationDate: opt(r.creationDate),
    }));
  }
}

function toProcessInstance(r: Row): ProcessInstanceView {
  return {
    key: str(r.key),
    bpmnProcessId: str(r.bpmnProcessId),
    version: Number(r.processDefinitionVersion ?? 0),
    state: str(r.state) as ProcessInstanceState,
    incident: r.incident === true,
    startDate: opt(r.startDate),
    endDate: opt(r.endDate),
  };
}
