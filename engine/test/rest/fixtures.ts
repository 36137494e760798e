// Records for the REST tests, each with defaults the test overrides.
import type { FastifyInstance } from 'fastify';
import type {
  ElementInstanceRecord,
  IncidentRecord,
  JobRecord,
  ProcessDefinitionRecord,
  ProcessInstanceRecord,
  UserTaskRecord,
  VariableRecord,
} from '../../src/api.ts';
import { createRestServer } from '../../src/rest/server.ts';
import { createFakeEngine } from './fake-engine.ts';
import type { FakeEngine } from './fake-engine.ts';

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');

export function processDefinition(overrides: Partial<ProcessDefinitionRecord> = {}): ProcessDefinitionRecord {
  return {
    processDefinitionKey: '2251799813685249',
    bpmnProcessId: 'order-fulfillment',
    name: 'Order fulfillment',
    version: 1,
    resourceName: 'order-fulfillment.bpmn',
    tenantId: '<default>',
    deploymentKey: '2251799813685250',
    xml: '<definitions/>',
    deleted: false,
    ...overrides,
  };
}

export function processInstance(overrides: Partial<ProcessInstanceRecord> = {}): ProcessInstanceRecord {
  return {
    processInstanceKey: '2251799813685300',
    processDefinitionKey: '2251799813685249',
    bpmnProcessId: 'order-fulfillment',
    version: 1,
    state: 'ACTIVE',
    hasIncident: false,
    startDate: T0,
    endDate: undefined,
    parentProcessInstanceKey: undefined,
    parentElementInstanceKey: undefined,
    tenantId: '<default>',
    ...overrides,
  };
}

export function elementInstance(overrides: Partial<ElementInstanceRecord> = {}): ElementInstanceRecord {
  return {
    elementInstanceKey: '2251799813685400',
    processInstanceKey: '2251799813685300',
    processDefinitionKey: '2251799813685249',
    bpmnProcessId: 'order-fulfillment',
    elementId: 'ServiceTask_ReserveInventory',
    elementName: undefined,
    type: 'SERVICE_TASK',
    state: 'ACTIVE',
    hasIncident: false,
    incidentKey: undefined,
    startDate: T0,
    endDate: undefined,
    tenantId: '<default>',
    ...overrides,
  };
}

export function incident(overrides: Partial<IncidentRecord> = {}): IncidentRecord {
  return {
    incidentKey: '2251799813685500',
    processInstanceKey: '2251799813685300',
    processDefinitionKey: '2251799813685249',
    bpmnProcessId: 'order-fulfillment',
    elementId: 'ServiceTask_ReserveInventory',
    elementInstanceKey: '2251799813685400',
    jobKey: '2251799813685600',
    errorType: 'JOB_NO_RETRIES',
    errorMessage: 'inventory down',
    state: 'ACTIVE',
    creationTime: T0,
    tenantId: '<default>',
    ...overrides,
  };
}

export function userTask(overrides: Partial<UserTaskRecord> = {}): UserTaskRecord {
  return {
    userTaskKey: '2251799813685700',
    processInstanceKey: '2251799813685300',
    processDefinitionKey: '2251799813685249',
    bpmnProcessId: 'order-fulfillment',
    processDefinitionVersion: 1,
    elementId: 'UserTask_ResolveFallout',
    elementInstanceKey: '2251799813685401',
    name: 'Resolve fallout',
    state: 'CREATED',
    assignee: undefined,
    candidateGroups: ['ops'],
    candidateUsers: [],
    formKey: undefined,
    formId: undefined,
    creationDate: T0,
    completionDate: undefined,
    dueDate: undefined,
    followUpDate: undefined,
    priority: 50,
    customHeaders: {},
    tenantId: '<default>',
    ...overrides,
  };
}

export function variable(overrides: Partial<VariableRecord> = {}): VariableRecord {
  return {
    variableKey: '2251799813685800',
    name: 'orderId',
    value: '"A-1"',
    scopeKey: '2251799813685300',
    processInstanceKey: '2251799813685300',
    tenantId: '<default>',
    ...overrides,
  };
}

export function job(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    jobKey: '2251799813685600',
    type: 'inventory.reserve.v1',
    worker: 'farm-1',
    state: 'ACTIVATED',
    retries: 3,
    deadline: T0 + 60_000,
    errorMessage: undefined,
    processInstanceKey: '2251799813685300',
    processDefinitionKey: '2251799813685249',
    bpmnProcessId: 'order-fulfillment',
    elementId: 'ServiceTask_ReserveInventory',
    elementInstanceKey: '2251799813685400',
    customHeaders: {},
    tenantId: '<default>',
    ...overrides,
  };
}

export interface Harness {
  readonly engine: FakeEngine;
  readonly app: FastifyInstance;
}

export async function harness(options: { authenticate?: (authorization: string | undefined) => Promise<void>; bodyLimit?: number } = {}): Promise<Harness> {
  const engine = createFakeEngine();
  const app = await createRestServer({ engine, ...options });
  return { engine, app };
}
