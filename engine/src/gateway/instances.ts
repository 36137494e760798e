// Process instance RPCs: create (and create-with-result, which waits for the instance to
// complete), cancel, set variables on a scope, resolve an incident.
import * as grpc from '@grpc/grpc-js';
import type { CreateInstanceRequest, Engine } from '../api.ts';
import { GatewayStatusError, invalidArgument } from './status.ts';
import { nonBlankList, optionalTenant, parseKey, parseNumber, parseOptionalKey, parseVariables } from './wire.ts';

/** What requestTimeout 0 means for CreateProcessInstanceWithResult (the gateway's generic request timeout). */
export const DEFAULT_RESULT_TIMEOUT_MS = 15_000;

interface CreateInstanceWire {
  readonly processDefinitionKey?: string;
  readonly bpmnProcessId?: string;
  readonly version?: number;
  readonly variables?: string;
  readonly startInstructions?: { elementId?: string }[];
  readonly tenantId?: string;
}

function toCreateRequest(request: CreateInstanceWire | null | undefined, field = ''): CreateInstanceRequest {
  if (!request) throw invalidArgument(`Property '${field || 'request'}' is invalid: expected a process instance creation request`);
  const processDefinitionKey = parseOptionalKey(`${field}processDefinitionKey`, request.processDefinitionKey);
  const bpmnProcessId = request.bpmnProcessId?.trim() ? request.bpmnProcessId : undefined;
  if (!processDefinitionKey && !bpmnProcessId) throw invalidArgument(`Expected either '${field}processDefinitionKey' or '${field}bpmnProcessId' to identify the process, but neither was given`);
  const startInstructions = (request.startInstructions ?? []).map((instruction, index) => {
    if (!instruction.elementId?.trim()) throw invalidArgument(`Property '${field}startInstructions[${index}].elementId' is invalid: expected a non-blank element id`);
    return instruction.elementId;
  });
  return {
    processDefinitionKey,
    bpmnProcessId: processDefinitionKey ? undefined : bpmnProcessId,
    // -1 (and 0) is the latest version
    version: request.version && request.version > 0 ? request.version : undefined,
    variables: parseVariables(`${field}variables`, request.variables),
    startInstructions: startInstructions.length ? startInstructions : undefined,
    tenantId: optionalTenant(request.tenantId),
  };
}

export function createProcessInstance(engine: Engine) {
  return async (request: CreateInstanceWire) => {
    const created = await engine.createProcessInstance(toCreateRequest(request));
    return { ...created };
  };
}

export function createProcessInstanceWithResult(engine: Engine) {
  return async (request: { request?: CreateInstanceWire | null; requestTimeout?: string; fetchVariables?: string[] }) => {
    const createRequest = toCreateRequest(request.request, 'request.');
    const requested = parseNumber('requestTimeout', request.requestTimeout);
    const timeoutMs = requested > 0 ? requested : DEFAULT_RESULT_TIMEOUT_MS;
    const created = await engine.createProcessInstance(createRequest);
    // DEADLINE_EXCEEDED is the gateway's answer (the engine's error codes have no timeout of their own)
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new GatewayStatusError(grpc.status.DEADLINE_EXCEEDED, `Expected process instance ${created.processInstanceKey} to complete within ${timeoutMs} ms, but it did not`)),
        timeoutMs,
      );
    });
    try {
      // the engine's own wait runs longer: its UNAVAILABLE would make the SDK retry (a second instance)
      const variables = await Promise.race([engine.awaitCompletion(created.processInstanceKey, nonBlankList(request.fetchVariables), timeoutMs + 1_000), deadline]);
      return { ...created, variables: JSON.stringify(variables) };
    } finally {
      clearTimeout(timer);
    }
  };
}

export function cancelProcessInstance(engine: Engine) {
  return async (request: { processInstanceKey?: string }) => {
    await engine.cancelProcessInstance(parseKey('processInstanceKey', request.processInstanceKey));
    return {};
  };
}

export function setVariables(engine: Engine) {
  return async (request: { elementInstanceKey?: string; variables?: string; local?: boolean }) => {
    const key = await engine.setVariables(parseKey('elementInstanceKey', request.elementInstanceKey), parseVariables('variables', request.variables), request.local === true);
    return { key };
  };
}

export function resolveIncident(engine: Engine) {
  return async (request: { incidentKey?: string }) => {
    await engine.resolveIncident(parseKey('incidentKey', request.incidentKey));
    return {};
  };
}
