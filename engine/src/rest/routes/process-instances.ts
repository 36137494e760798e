// Process instances: create (optionally awaiting completion), get, cancel, search.
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type {
  CreateProcessInstanceResult,
  ProcessInstanceFilterFields,
  ProcessInstanceResult,
  ProcessInstanceSearchQuerySortRequest,
} from '@camunda8/orchestration-cluster-api';
import { EngineError } from '../../api.ts';
import type { CreatedInstance, Engine, JsonObject } from '../../api.ts';
import { asKey, toProcessInstance } from '../records.ts';
import { RestProblem } from '../problem.ts';
import { keySchema, parseKey, parseWith, variablesSchema } from '../validation.ts';
import { satisfies } from '../search/conditions.ts';
import type { CustomFilterField, FilterField } from '../search/filter.ts';
import type { SearchDefinition } from '../search/search.ts';
import { conditionSchema } from '../search/conditions.ts';
import { exactFilterValue, mapIterable, registerSearch } from './search-route.ts';
import { instanceVariablesFilter, instancesWithVariable, variableFilterOf } from './variable-filter.ts';

/** The cluster's generic request timeout, used when awaitCompletion gives none (or 0). */
export const DEFAULT_AWAIT_TIMEOUT_MS = 10_000;

const createSchema = z
  .object({
    processDefinitionId: z.string().min(1).optional(),
    processDefinitionKey: keySchema.optional(),
    processDefinitionVersion: z.number().int().optional(),
    variables: variablesSchema.optional(),
    tenantId: z.string().min(1).optional(),
    startInstructions: z.array(z.object({ elementId: z.string().min(1) })).optional(),
    awaitCompletion: z.boolean().optional(),
    fetchVariables: z.array(z.string()).optional(),
    requestTimeout: z.number().int().min(0).optional(),
  })
  .refine((body) => (body.processDefinitionId === undefined) !== (body.processDefinitionKey === undefined), {
    message: 'expected exactly one of processDefinitionId or processDefinitionKey',
    path: ['processDefinitionId'],
  });

type Item = ProcessInstanceResult;
type FilterName = keyof ProcessInstanceFilterFields;
type SortField = ProcessInstanceSearchQuerySortRequest['field'];

export function processInstanceSearch(engine: Engine): SearchDefinition<Item> {
  const fields: { [Name in FilterName]?: FilterField<Item> } = {
    processInstanceKey: { kind: 'key' },
    processDefinitionId: { kind: 'string' },
    processDefinitionName: { kind: 'string' },
    processDefinitionVersion: { kind: 'integer' },
    processDefinitionVersionTag: { kind: 'string' },
    processDefinitionKey: { kind: 'key' },
    parentProcessInstanceKey: { kind: 'key' },
    parentElementInstanceKey: { kind: 'key' },
    startDate: { kind: 'date' },
    endDate: { kind: 'date' },
    state: { kind: 'enum', values: ['ACTIVE', 'COMPLETED', 'TERMINATED'] },
    hasIncident: { kind: 'boolean' },
    tenantId: { kind: 'string' },
    businessId: { kind: 'string' },
  };
  const elementInstances = (item: Item) => [...engine.queries.elementInstances(item.processInstanceKey)];
  const custom: { [Name in FilterName]?: CustomFilterField<Item> } = {
    variables: instanceVariablesFilter(engine, (item: Item) => item.processInstanceKey),
    elementId: {
      schema: conditionSchema({ kind: 'string' }),
      matches: (item: Item, condition: unknown) => elementInstances(item).some((element) => satisfies({ kind: 'string' }, element.elementId, condition)),
    },
    elementInstanceState: {
      schema: conditionSchema({ kind: 'enum', values: ['ACTIVE', 'COMPLETED', 'TERMINATED'] }),
      matches: (item: Item, condition: unknown) =>
        elementInstances(item).some((element) => satisfies({ kind: 'enum', values: ['ACTIVE', 'COMPLETED', 'TERMINATED'] }, element.state, condition)),
    },
    hasElementInstanceIncident: {
      schema: z.boolean(),
      matches: (item: Item, condition: boolean) => elementInstances(item).some((element) => element.hasIncident) === condition,
    },
    errorMessage: {
      schema: conditionSchema({ kind: 'string' }),
      matches: (item: Item, condition: unknown) =>
        [...engine.queries.incidents()].some(
          (incident) => incident.processInstanceKey === item.processInstanceKey && incident.state === 'ACTIVE' && satisfies({ kind: 'string' }, incident.errorMessage, condition),
        ),
    },
    hasRetriesLeft: {
      schema: z.boolean(),
      matches: (item: Item, condition: boolean) =>
        [...engine.queries.jobs()].some((job) => job.processInstanceKey === item.processInstanceKey && job.state === 'FAILED' && job.retries > 0) === condition,
    },
  };
  const sortFields: readonly [SortField, ...SortField[]] = [
    'processInstanceKey',
    'processDefinitionId',
    'processDefinitionName',
    'processDefinitionVersion',
    'processDefinitionVersionTag',
    'processDefinitionKey',
    'parentProcessInstanceKey',
    'parentElementInstanceKey',
    'startDate',
    'endDate',
    'state',
    'hasIncident',
    'tenantId',
    'businessId',
  ];
  return { resource: 'process instance', filter: { fields, custom, allowOr: true }, sortFields, keyOf: (item) => item.processInstanceKey };
}

export function registerProcessInstanceRoutes(app: FastifyInstance, engine: Engine): void {
  app.post('/process-instances', async (request): Promise<CreateProcessInstanceResult> => {
    const body = parseWith(createSchema, request.body, 'process instance creation request');
    const version = body.processDefinitionVersion;
    const created = await engine.createProcessInstance({
      bpmnProcessId: body.processDefinitionId,
      processDefinitionKey: body.processDefinitionKey,
      version: body.processDefinitionId !== undefined && version !== undefined && version > 0 ? version : undefined,
      variables: body.variables,
      startInstructions: body.startInstructions?.map((instruction) => instruction.elementId),
      tenantId: body.tenantId,
    });
    const variables = body.awaitCompletion
      ? await awaitCompletion(engine, created, body.fetchVariables ?? [], body.requestTimeout || DEFAULT_AWAIT_TIMEOUT_MS)
      : {};
    return {
      processDefinitionId: asKey(created.bpmnProcessId),
      processDefinitionVersion: created.version,
      processDefinitionKey: asKey(created.processDefinitionKey),
      processInstanceKey: asKey(created.processInstanceKey),
      tenantId: asKey(created.tenantId),
      variables,
      tags: [],
      businessId: null,
    };
  });

  app.get('/process-instances/:processInstanceKey', async (request): Promise<ProcessInstanceResult> => {
    const key = parseKey((request.params as { processInstanceKey: string }).processInstanceKey, 'processInstanceKey');
    const record = engine.queries.processInstance(key);
    if (!record) throw new EngineError('NOT_FOUND', `Process instance with key '${key}' not found`);
    return toProcessInstance(engine.queries, record);
  });

  app.post('/process-instances/:processInstanceKey/cancellation', async (request, reply) => {
    const key = parseKey((request.params as { processInstanceKey: string }).processInstanceKey, 'processInstanceKey');
    await engine.cancelProcessInstance(key);
    return reply.code(204).send();
  });

  registerSearch(app, '/process-instances/search', processInstanceSearch(engine), (query) => {
    const key = exactFilterValue(query, 'processInstanceKey');
    const byVariable = variableFilterOf(query.filter, 'variables')?.[0];
    const keys = key !== undefined ? [key] : byVariable ? instancesWithVariable(engine, byVariable) : undefined;
    if (keys === undefined) return mapIterable(engine.queries.processInstances(), (record) => toProcessInstance(engine.queries, record));
    return [...keys].flatMap((candidate) => {
      const record = engine.queries.processInstance(candidate);
      return record ? [toProcessInstance(engine.queries, record)] : [];
    });
  });
}

/** Slack given to the runtime's own wait, so the REST deadline (a 504, as the API defines it) fires first. */
const RUNTIME_WAIT_SLACK_MS = 1_000;

/** Waits for the instance to complete; past the timeout a 504 (the instance keeps running). */
async function awaitCompletion(engine: Engine, created: CreatedInstance, fetchVariables: readonly string[], timeoutMs: number): Promise<JsonObject> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new RestProblem(504, 'DEADLINE_EXCEEDED', `Process instance '${created.processInstanceKey}' did not complete within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    const completion = engine.awaitCompletion(created.processInstanceKey, fetchVariables, timeoutMs + RUNTIME_WAIT_SLACK_MS);
    return await Promise.race([completion, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
