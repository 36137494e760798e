// The engine's one inner interface: what the wire layers (gRPC gateway, REST v2) ask of the BPMN
// runtime, and what they read back. Everything below it is in-process and single-threaded; every
// state change is a command applied at one clock reading, so a journal of commands replays to the
// same state (see engine/README.md, "How it keeps state").
//
// Keys are int64 as decimal strings everywhere in this interface (REST and the SDK's gRPC both
// carry them as strings). Times are epoch milliseconds of the engine clock.

export type JsonObject = Record<string, unknown>;

/** The error classes the wire layers map to gRPC status codes and REST problem documents. */
export type EngineErrorCode =
  | 'NOT_FOUND' // gRPC NOT_FOUND, HTTP 404
  | 'ALREADY_EXISTS' // gRPC ALREADY_EXISTS, HTTP 409
  | 'FAILED_PRECONDITION' // gRPC FAILED_PRECONDITION, HTTP 409
  | 'INVALID_ARGUMENT' // gRPC INVALID_ARGUMENT, HTTP 400
  | 'RESOURCE_EXHAUSTED' // gRPC RESOURCE_EXHAUSTED, HTTP 503 (backpressure)
  | 'UNAUTHENTICATED' // gRPC UNAUTHENTICATED, HTTP 401
  | 'UNAVAILABLE'; // gRPC UNAVAILABLE, HTTP 503 (shutting down)

export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly code: EngineErrorCode;
  constructor(code: EngineErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export const isEngineError = (value: unknown): value is EngineError => value instanceof EngineError;

// ---------------------------------------------------------------------------------------------
// Commands

export interface DeployResource {
  readonly name: string;
  readonly content: Buffer;
}

export type DeployedResource =
  | { readonly kind: 'process'; readonly bpmnProcessId: string; readonly version: number; readonly processDefinitionKey: string; readonly resourceName: string; readonly tenantId: string }
  | { readonly kind: 'form'; readonly formId: string; readonly version: number; readonly formKey: string; readonly resourceName: string; readonly tenantId: string };

export interface DeploymentResult {
  readonly key: string;
  readonly tenantId: string;
  readonly deployments: readonly DeployedResource[];
}

export interface CreateInstanceRequest {
  /** one of bpmnProcessId (latest version unless `version` > 0) or processDefinitionKey */
  readonly bpmnProcessId?: string | undefined;
  readonly version?: number | undefined;
  readonly processDefinitionKey?: string | undefined;
  readonly variables?: JsonObject | undefined;
  /** element ids to start at instead of the none start event */
  readonly startInstructions?: readonly string[] | undefined;
  readonly tenantId?: string | undefined;
}

export interface CreatedInstance {
  readonly processDefinitionKey: string;
  readonly bpmnProcessId: string;
  readonly version: number;
  readonly processInstanceKey: string;
  readonly tenantId: string;
}

export interface PublishMessageRequest {
  readonly name: string;
  readonly correlationKey: string;
  readonly timeToLive: number;
  readonly messageId?: string | undefined;
  readonly variables?: JsonObject | undefined;
  readonly tenantId?: string | undefined;
}

export interface ActivateJobsRequest {
  readonly type: string;
  readonly worker: string;
  /** ms a job stays with this worker */
  readonly timeout: number;
  readonly maxJobsToActivate: number;
  /** empty: every variable visible from the job's element */
  readonly fetchVariable: readonly string[];
  readonly tenantIds?: readonly string[] | undefined;
}

/** A job as handed to a worker (the gRPC ActivatedJob; REST v2 uses the same fields). */
export interface ActivatedJob {
  readonly key: string;
  readonly type: string;
  readonly processInstanceKey: string;
  readonly bpmnProcessId: string;
  readonly processDefinitionVersion: number;
  readonly processDefinitionKey: string;
  readonly elementId: string;
  readonly elementInstanceKey: string;
  /** JSON text of the task headers */
  readonly customHeaders: string;
  readonly worker: string;
  readonly retries: number;
  /** epoch ms */
  readonly deadline: number;
  /** JSON text */
  readonly variables: string;
  readonly tenantId: string;
}

/**
 * The gateway's open job streams, as the runtime sees them. When a job becomes activatable the
 * runtime does not push it itself (pushing inside a command would not replay): it tells
 * `onJobsAvailable` listeners, and the gateway activates for one stream with `activateForStream`,
 * a command of its own.
 */
export interface StreamTarget {
  readonly worker: string;
  readonly timeout: number;
  readonly fetchVariable: readonly string[];
  readonly tenantIds?: readonly string[] | undefined;
}

export interface FailJobRequest {
  readonly jobKey: string;
  readonly retries: number;
  readonly errorMessage: string;
  /** ms */
  readonly retryBackOff: number;
  /** set local to the task's element instance */
  readonly variables?: JsonObject | undefined;
}

export interface ThrowErrorRequest {
  readonly jobKey: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly variables?: JsonObject | undefined;
}

export interface CorrelatedMessage {
  readonly messageKey: string;
  readonly processInstanceKey: string;
  readonly tenantId: string;
}

// ---------------------------------------------------------------------------------------------
// What the REST read side sees (Operate's records, kept by the runtime itself)

export type ProcessInstanceState = 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
export type ElementInstanceState = 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
export type IncidentState = 'ACTIVE' | 'RESOLVED';
export type UserTaskState = 'CREATED' | 'COMPLETED' | 'CANCELED';
export type JobState = 'ACTIVATABLE' | 'ACTIVATED' | 'FAILED' | 'COMPLETED' | 'ERROR_THROWN' | 'CANCELED';

export type IncidentErrorType =
  | 'JOB_NO_RETRIES'
  | 'UNHANDLED_ERROR_EVENT'
  | 'IO_MAPPING_ERROR'
  | 'EXTRACT_VALUE_ERROR'
  | 'CONDITION_ERROR'
  | 'CALLED_ELEMENT_ERROR'
  | 'FORM_NOT_FOUND';

export interface ProcessDefinitionRecord {
  readonly processDefinitionKey: string;
  readonly bpmnProcessId: string;
  readonly name: string | undefined;
  readonly version: number;
  readonly resourceName: string;
  readonly tenantId: string;
  readonly deploymentKey: string;
  /** the BPMN XML as deployed */
  readonly xml: string;
  /** deleted with DeleteResource: no new instances, timers and message starts gone */
  readonly deleted: boolean;
}

export interface FormRecord {
  readonly formKey: string;
  readonly formId: string;
  readonly version: number;
  readonly resourceName: string;
  readonly tenantId: string;
  /** the form's JSON schema as deployed */
  readonly schema: string;
}

export interface ProcessInstanceRecord {
  readonly processInstanceKey: string;
  readonly processDefinitionKey: string;
  readonly bpmnProcessId: string;
  readonly version: number;
  readonly state: ProcessInstanceState;
  readonly hasIncident: boolean;
  readonly startDate: number;
  readonly endDate: number | undefined;
  readonly parentProcessInstanceKey: string | undefined;
  readonly parentElementInstanceKey: string | undefined;
  readonly tenantId: string;
}

export interface ElementInstanceRecord {
  readonly elementInstanceKey: string;
  readonly processInstanceKey: string;
  readonly processDefinitionKey: string;
  readonly bpmnProcessId: string;
  readonly elementId: string;
  readonly elementName: string | undefined;
  /** REST v2 element type names: SERVICE_TASK, USER_TASK, START_EVENT, MULTI_INSTANCE_BODY, ... */
  readonly type: string;
  readonly state: ElementInstanceState;
  readonly hasIncident: boolean;
  readonly incidentKey: string | undefined;
  readonly startDate: number;
  readonly endDate: number | undefined;
  readonly tenantId: string;
}

export interface IncidentRecord {
  readonly incidentKey: string;
  readonly processInstanceKey: string;
  readonly processDefinitionKey: string;
  readonly bpmnProcessId: string;
  readonly elementId: string;
  readonly elementInstanceKey: string;
  readonly jobKey: string | undefined;
  readonly errorType: IncidentErrorType;
  readonly errorMessage: string;
  readonly state: IncidentState;
  readonly creationTime: number;
  readonly tenantId: string;
}

export interface UserTaskRecord {
  readonly userTaskKey: string;
  readonly processInstanceKey: string;
  readonly processDefinitionKey: string;
  readonly bpmnProcessId: string;
  readonly processDefinitionVersion: number;
  readonly elementId: string;
  readonly elementInstanceKey: string;
  readonly name: string | undefined;
  readonly state: UserTaskState;
  readonly assignee: string | undefined;
  readonly candidateGroups: readonly string[];
  readonly candidateUsers: readonly string[];
  /** the linked form (zeebe:formDefinition formId), resolved at creation */
  readonly formKey: string | undefined;
  readonly formId: string | undefined;
  readonly creationDate: number;
  readonly completionDate: number | undefined;
  readonly dueDate: string | undefined;
  readonly followUpDate: string | undefined;
  readonly priority: number;
  readonly customHeaders: Readonly<Record<string, string>>;
  readonly tenantId: string;
}

export interface VariableRecord {
  readonly variableKey: string;
  readonly name: string;
  /** JSON text */
  readonly value: string;
  /** the element instance (or process instance) that holds it */
  readonly scopeKey: string;
  readonly processInstanceKey: string;
  readonly tenantId: string;
}

export interface JobRecord {
  readonly jobKey: string;
  readonly type: string;
  readonly worker: string;
  readonly state: JobState;
  readonly retries: number;
  readonly deadline: number | undefined;
  readonly errorMessage: string | undefined;
  readonly processInstanceKey: string;
  readonly processDefinitionKey: string;
  readonly bpmnProcessId: string;
  readonly elementId: string;
  readonly elementInstanceKey: string;
  readonly customHeaders: Readonly<Record<string, string>>;
  readonly tenantId: string;
}

/** Read access for the REST search endpoints: every record, live and finished (up to the history cap). */
export interface EngineQueries {
  processDefinitions(): Iterable<ProcessDefinitionRecord>;
  forms(): Iterable<FormRecord>;
  processInstances(): Iterable<ProcessInstanceRecord>;
  processInstance(processInstanceKey: string): ProcessInstanceRecord | undefined;
  /** of one instance when the key is given (the common, cheap case) */
  elementInstances(processInstanceKey?: string): Iterable<ElementInstanceRecord>;
  incidents(): Iterable<IncidentRecord>;
  userTasks(): Iterable<UserTaskRecord>;
  /** current values only; of one instance when the key is given */
  variables(processInstanceKey?: string): Iterable<VariableRecord>;
  jobs(): Iterable<JobRecord>;
}

export interface ClockState {
  /** epoch ms now on the engine clock */
  readonly now: number;
  /** set while the clock is pinned with PUT /v2/clock */
  readonly pinnedAt: number | undefined;
}

export interface TopologyInfo {
  readonly gatewayVersion: string;
  readonly clusterSize: number;
  readonly partitionsCount: number;
  readonly replicationFactor: number;
}

// ---------------------------------------------------------------------------------------------
// The façade

export interface Engine {
  readonly queries: EngineQueries;
  topology(): TopologyInfo;
  clock(): ClockState;

  deploy(resources: readonly DeployResource[], tenantId?: string): Promise<DeploymentResult>;
  /** DeleteResource: a process definition or form by key */
  deleteResource(resourceKey: string): Promise<void>;

  createProcessInstance(request: CreateInstanceRequest): Promise<CreatedInstance>;
  /** resolves with the instance's variables (only `fetchVariables` when non-empty) once it completes; rejects with FAILED_PRECONDITION when it is terminated, RESOURCE_EXHAUSTED... */
  awaitCompletion(processInstanceKey: string, fetchVariables: readonly string[], timeoutMs: number): Promise<JsonObject>;
  cancelProcessInstance(processInstanceKey: string): Promise<void>;
  setVariables(elementInstanceKey: string, variables: JsonObject, local: boolean): Promise<string>;
  resolveIncident(incidentKey: string): Promise<void>;

  publishMessage(request: PublishMessageRequest): Promise<{ key: string; tenantId: string }>;
  /** REST correlation: correlates to a waiting subscription or message start now, else NOT_FOUND; never buffers */
  correlateMessage(request: Omit<PublishMessageRequest, 'timeToLive' | 'messageId'>): Promise<CorrelatedMessage>;
  broadcastSignal(signalName: string, variables: JsonObject, tenantId?: string): Promise<{ key: string; tenantId: string }>;

  /** activates up to maxJobsToActivate activatable jobs now (never waits: long polling is the gateway's) */
  activateJobs(request: ActivateJobsRequest): Promise<ActivatedJob[]>;
  /** activates one specific activatable job for a stream; undefined when it is no longer activatable */
  activateForStream(jobKey: string, target: StreamTarget): Promise<ActivatedJob | undefined>;
  /** a pushed job whose stream broke goes back to activatable (retries unchanged) */
  returnJob(jobKey: string): Promise<void>;
  /** called with job keys (and their types) each time jobs become activatable: created, backoff over, timed out, retries given back */
  onJobsAvailable(listener: (jobs: readonly { key: string; type: string; tenantId: string }[]) => void): () => void;

  completeJob(jobKey: string, variables: JsonObject): Promise<void>;
  failJob(request: FailJobRequest): Promise<void>;
  throwError(request: ThrowErrorRequest): Promise<void>;
  updateJobRetries(jobKey: string, retries: number): Promise<void>;
  /** ms from now */
  updateJobTimeout(jobKey: string, timeout: number): Promise<void>;

  assignUserTask(userTaskKey: string, assignee: string, allowOverride: boolean): Promise<void>;
  unassignUserTask(userTaskKey: string): Promise<void>;
  completeUserTask(userTaskKey: string, variables: JsonObject): Promise<void>;

  pinClock(epochMs: number): Promise<void>;
  resetClock(): Promise<void>;

  /** stops timers and flushes the journal */
  close(): Promise<void>;
}
