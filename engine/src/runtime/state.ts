// The runtime's state: plain data in Maps (O(1) by key), snapshotted through codec.ts. Records the
// REST read side sees are kept as they are (mutable here, readonly in api.ts).
import type {
  ElementInstanceRecord, FormRecord, IncidentErrorType, IncidentRecord, JobRecord, JsonObject, ProcessDefinitionRecord,
  ProcessInstanceRecord, UserTaskRecord,
} from '../api.ts';
import type { ProcessModel } from '../model/types.ts';
import { emptyDueQueue } from './due-queue.ts';
import type { DueQueueState } from './due-queue.ts';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface Definition {
  record: Mutable<ProcessDefinitionRecord>;
  model: ProcessModel;
}

export interface Variable {
  key: string;
  value: unknown;
}

export type ElementInstanceKind = 'process' | 'element' | 'body' | 'inner';

/** Where a subscription or timer leads when it triggers. */
export type TriggerTarget =
  | { readonly kind: 'catch'; readonly elementInstanceKey: string }
  | { readonly kind: 'boundary'; readonly elementInstanceKey: string; readonly elementId: string; readonly interrupting: boolean }
  | { readonly kind: 'event-subprocess'; readonly elementInstanceKey: string; readonly elementId: string; readonly interrupting: boolean }
  | { readonly kind: 'gateway'; readonly elementInstanceKey: string; readonly elementId: string }
  | { readonly kind: 'start'; readonly definitionKey: string; readonly elementId: string };

export interface ElementInstance {
  key: string;
  processInstanceKey: string;
  elementId: string;
  parentKey: string | undefined;
  kind: ElementInstanceKind;
  phase: 'activating' | 'active' | 'completing';
  vars: Map<string, Variable> | undefined;
  /** live child element instances (created with the first child: most element instances have none) */
  children: Set<string> | undefined;
  record: Mutable<ElementInstanceRecord>;
  /** subscription and timer keys this instance owns (its own, its boundaries', its event subprocesses') */
  triggers: string[];
  jobKey?: string;
  userTaskKey?: string;
  childProcessInstanceKey?: string;
  /** parallel joins waiting in this scope: gateway id → flow id → tokens */
  joins?: Record<string, Record<string, number>>;
  /** completed compensable activities in this scope */
  compensable?: { elementId: string; handlerId: string }[];
  /** a compensation throw waiting for its handlers */
  pendingHandlers?: number;
  /** a compensation handler: the throw event waiting for it */
  compensationOf?: string;
  /** an interrupting event subprocess took over this scope */
  interrupted?: boolean;
  /** multi-instance body */
  multi?: { items: unknown[]; next: number; active: number; completed: number; terminated: number; output: unknown[] | undefined };
  loopIndex?: number;
  /** the event already happened (event-based gateway target, triggered catch) */
  triggered?: boolean;
  /** process: the elements it starts at */
  startIds?: string[];
  /** event subprocess: its start event and the event's variables */
  eventStart?: { startId: string; variables: JsonObject | undefined };
  /** exclusive gateway: the flow chosen at activation */
  chosenFlow?: string;
}

export interface Instance {
  record: Mutable<ProcessInstanceRecord>;
  rootVars: Map<string, Variable>;
  /** every element instance record of the instance, live and finished */
  elementRecords: Mutable<ElementInstanceRecord>[];
  jobKeys: string[];
  incidentKeys: string[];
  userTaskKeys: string[];
  activeIncidents: number;
  /** message start: the (process id, correlation key) lock it holds */
  startLock?: string;
}

export interface Job {
  record: Mutable<JobRecord>;
  processDefinitionVersion: number;
  /** retry backoff end while FAILED with retries left */
  backoffUntil?: number;
  incidentKey?: string;
}

export interface Incident {
  record: Mutable<IncidentRecord>;
  /** what resolving re-runs */
  retry: 'job' | 'job-error' | 'activate' | 'complete';
}

export interface Subscription {
  key: string;
  name: string;
  correlationKey: string;
  tenantId: string;
  processInstanceKey: string;
  target: TriggerTarget;
}

export interface Timer {
  key: string;
  dueAt: number;
  /** -1 unbounded */
  repetitions: number;
  interval: string | undefined;
  target: TriggerTarget;
  processInstanceKey: string | undefined;
  tenantId: string;
}

export interface Message {
  key: string;
  name: string;
  correlationKey: string;
  tenantId: string;
  messageId: string | undefined;
  variables: JsonObject;
  expiresAt: number;
  /** 'p:<bpmn process id>' of the processes it already correlated to (once per process, across versions) */
  correlated: Set<string>;
}

export interface RuntimeState {
  keyCounter: number;
  definitions: Map<string, Definition>;
  /** tenant \0 bpmnProcessId → definition keys, oldest first */
  versions: Map<string, string[]>;
  forms: Map<string, Mutable<FormRecord>>;
  formVersions: Map<string, string[]>;
  instances: Map<string, Instance>;
  elementInstances: Map<string, ElementInstance>;
  jobs: Map<string, Job>;
  /** type → activatable job keys in activation order */
  activatable: Map<string, Set<string>>;
  incidents: Map<string, Incident>;
  userTasks: Map<string, Mutable<UserTaskRecord>>;
  subscriptions: Map<string, Subscription>;
  /** tenant \0 name \0 correlation key → subscription keys */
  subscriptionIndex: Map<string, Set<string>>;
  timers: Map<string, Timer>;
  messages: Map<string, Message>;
  /** tenant \0 name \0 correlation key → buffered message keys, oldest first */
  messageIndex: Map<string, string[]>;
  /** tenant \0 process id \0 correlation key of instances started by message and still active */
  startLocks: Set<string>;
  due: DueQueueState;
  /** finished root process instances, oldest first (history cap) */
  finished: string[];
}

export function emptyState(): RuntimeState {
  return {
    keyCounter: 0,
    definitions: new Map(),
    versions: new Map(),
    forms: new Map(),
    formVersions: new Map(),
    instances: new Map(),
    elementInstances: new Map(),
    jobs: new Map(),
    activatable: new Map(),
    incidents: new Map(),
    userTasks: new Map(),
    subscriptions: new Map(),
    subscriptionIndex: new Map(),
    timers: new Map(),
    messages: new Map(),
    messageIndex: new Map(),
    startLocks: new Set(),
    due: emptyDueQueue(),
    finished: [],
  };
}

export type { IncidentErrorType };
