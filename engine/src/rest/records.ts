// The engine's records as REST API v2 (8.9) results: keys as strings, dates as ISO 8601, absent
// values as null, the 8.9 names (processDefinitionId, not bpmnProcessId). Typed against the
// orchestration-cluster-api package so the compiler checks every shape.
import type {
  ElementId,
  ElementInstanceResult,
  FormResult,
  IncidentResult,
  JobSearchResult,
  ProcessDefinitionResult,
  ProcessInstanceKey,
  ProcessInstanceResult,
  UserTaskResult,
  VariableSearchResult,
} from '@camunda8/orchestration-cluster-api';
import type {
  ElementInstanceRecord,
  EngineQueries,
  FormRecord,
  IncidentRecord,
  JobRecord,
  ProcessDefinitionRecord,
  ProcessInstanceRecord,
  UserTaskRecord,
  VariableRecord,
} from '../api.ts';

/** The API brands its keys and ids; the engine's are plain strings of the same values. */
export const asKey = <Key extends string>(value: string): Key => value as Key;
export const asKeyOrNull = <Key extends string>(value: string | undefined): Key | null => (value === undefined ? null : (value as Key));

export const isoDate = (epochMs: number): string => new Date(epochMs).toISOString();
export const isoDateOrNull = (epochMs: number | undefined): string | null => (epochMs === undefined ? null : isoDate(epochMs));

/** The top of an instance's call hierarchy (itself when it was not called). */
export function rootInstanceKey(queries: EngineQueries, processInstanceKey: string): string {
  let key = processInstanceKey;
  for (let depth = 0; depth < 1000; depth++) {
    const parent = queries.processInstance(key)?.parentProcessInstanceKey;
    if (parent === undefined) return key;
    key = parent;
  }
  return key;
}

export function processDefinitionName(queries: EngineQueries, processDefinitionKey: string): string | null {
  for (const definition of queries.processDefinitions()) {
    if (definition.processDefinitionKey === processDefinitionKey) return definition.name ?? null;
  }
  return null;
}

export function toProcessInstance(queries: EngineQueries, record: ProcessInstanceRecord): ProcessInstanceResult {
  return {
    processInstanceKey: asKey(record.processInstanceKey),
    processDefinitionKey: asKey(record.processDefinitionKey),
    processDefinitionId: asKey(record.bpmnProcessId),
    processDefinitionName: processDefinitionName(queries, record.processDefinitionKey),
    processDefinitionVersion: record.version,
    processDefinitionVersionTag: null,
    startDate: isoDate(record.startDate),
    endDate: isoDateOrNull(record.endDate),
    state: record.state,
    hasIncident: record.hasIncident,
    tenantId: asKey(record.tenantId),
    parentProcessInstanceKey: asKeyOrNull(record.parentProcessInstanceKey),
    parentElementInstanceKey: asKeyOrNull(record.parentElementInstanceKey),
    rootProcessInstanceKey: asKey<ProcessInstanceKey>(rootInstanceKey(queries, record.processInstanceKey)),
    tags: [],
    businessId: null,
  };
}

export function toElementInstance(queries: EngineQueries, record: ElementInstanceRecord): ElementInstanceResult {
  return {
    elementInstanceKey: asKey(record.elementInstanceKey),
    processInstanceKey: asKey(record.processInstanceKey),
    rootProcessInstanceKey: asKey<ProcessInstanceKey>(rootInstanceKey(queries, record.processInstanceKey)),
    processDefinitionKey: asKey(record.processDefinitionKey),
    processDefinitionId: asKey(record.bpmnProcessId),
    elementId: asKey(record.elementId),
    elementName: record.elementName ?? record.elementId,
    type: record.type as ElementInstanceResult['type'],
    state: record.state,
    hasIncident: record.hasIncident,
    incidentKey: asKeyOrNull(record.incidentKey),
    startDate: isoDate(record.startDate),
    endDate: isoDateOrNull(record.endDate),
    tenantId: asKey(record.tenantId),
  };
}

export function toIncident(queries: EngineQueries, record: IncidentRecord): IncidentResult {
  return {
    incidentKey: asKey(record.incidentKey),
    processInstanceKey: asKey(record.processInstanceKey),
    rootProcessInstanceKey: asKey<ProcessInstanceKey>(rootInstanceKey(queries, record.processInstanceKey)),
    processDefinitionKey: asKey(record.processDefinitionKey),
    processDefinitionId: asKey(record.bpmnProcessId),
    elementId: asKey(record.elementId),
    elementInstanceKey: asKey(record.elementInstanceKey),
    jobKey: asKeyOrNull(record.jobKey),
    errorType: record.errorType,
    errorMessage: record.errorMessage,
    state: record.state,
    creationTime: isoDate(record.creationTime),
    tenantId: asKey(record.tenantId),
  };
}

export function toUserTask(queries: EngineQueries, record: UserTaskRecord): UserTaskResult {
  return {
    userTaskKey: asKey(record.userTaskKey),
    processInstanceKey: asKey(record.processInstanceKey),
    rootProcessInstanceKey: asKey<ProcessInstanceKey>(rootInstanceKey(queries, record.processInstanceKey)),
    processDefinitionKey: asKey(record.processDefinitionKey),
    processDefinitionId: asKey(record.bpmnProcessId),
    processDefinitionVersion: record.processDefinitionVersion,
    processName: processDefinitionName(queries, record.processDefinitionKey),
    elementId: asKey(record.elementId),
    elementInstanceKey: asKey(record.elementInstanceKey),
    name: record.name ?? null,
    state: record.state,
    assignee: record.assignee ?? null,
    candidateGroups: [...record.candidateGroups],
    candidateUsers: [...record.candidateUsers],
    formKey: asKeyOrNull(record.formKey),
    externalFormReference: null,
    creationDate: isoDate(record.creationDate),
    completionDate: isoDateOrNull(record.completionDate),
    dueDate: record.dueDate ?? null,
    followUpDate: record.followUpDate ?? null,
    priority: record.priority,
    customHeaders: { ...record.customHeaders },
    tenantId: asKey(record.tenantId),
    tags: [],
  };
}

/** Values are answered whole (isTruncated false): the engine keeps them in memory anyway. */
export function toVariable(queries: EngineQueries, record: VariableRecord): VariableSearchResult {
  return {
    variableKey: asKey(record.variableKey),
    name: record.name,
    value: record.value,
    isTruncated: false,
    scopeKey: asKey(record.scopeKey),
    processInstanceKey: asKey(record.processInstanceKey),
    rootProcessInstanceKey: asKey<ProcessInstanceKey>(rootInstanceKey(queries, record.processInstanceKey)),
    tenantId: asKey(record.tenantId),
  };
}

export function toProcessDefinition(record: ProcessDefinitionRecord): ProcessDefinitionResult {
  return {
    processDefinitionKey: asKey(record.processDefinitionKey),
    processDefinitionId: asKey(record.bpmnProcessId),
    name: record.name ?? null,
    resourceName: record.resourceName,
    version: record.version,
    versionTag: null,
    tenantId: asKey(record.tenantId),
    hasStartForm: false,
    state: record.deleted ? 'DELETED' : 'ACTIVE',
  };
}

export function toForm(record: FormRecord): FormResult {
  return {
    formKey: asKey(record.formKey),
    formId: asKey(record.formId),
    version: record.version,
    schema: record.schema,
    tenantId: asKey(record.tenantId),
  };
}

const jobStates: Record<JobRecord['state'], JobSearchResult['state']> = {
  ACTIVATABLE: 'CREATED',
  ACTIVATED: 'CREATED',
  FAILED: 'FAILED',
  COMPLETED: 'COMPLETED',
  ERROR_THROWN: 'ERROR_THROWN',
  CANCELED: 'CANCELED',
};

export function toJob(queries: EngineQueries, record: JobRecord): JobSearchResult {
  return {
    jobKey: asKey(record.jobKey),
    type: record.type,
    worker: record.worker,
    state: jobStates[record.state],
    kind: 'BPMN_ELEMENT',
    listenerEventType: 'UNSPECIFIED',
    retries: record.retries,
    hasFailedWithRetriesLeft: record.state === 'FAILED' && record.retries > 0,
    deadline: isoDateOrNull(record.deadline),
    errorMessage: record.errorMessage ?? null,
    errorCode: null,
    deniedReason: null,
    isDenied: null,
    endTime: null,
    creationTime: null,
    lastUpdateTime: null,
    customHeaders: { ...record.customHeaders },
    elementId: asKey<ElementId>(record.elementId),
    elementInstanceKey: asKey(record.elementInstanceKey),
    processInstanceKey: asKey(record.processInstanceKey),
    rootProcessInstanceKey: asKey<ProcessInstanceKey>(rootInstanceKey(queries, record.processInstanceKey)),
    processDefinitionKey: asKey(record.processDefinitionKey),
    processDefinitionId: asKey(record.bpmnProcessId),
    tenantId: asKey(record.tenantId),
  };
}
