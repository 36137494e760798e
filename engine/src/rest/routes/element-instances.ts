// Element instances (Operate's flow node instances): search, get, and setting variables on one.
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ElementInstanceFilter, ElementInstanceResult, ElementInstanceSearchQuerySortRequest } from '@camunda8/orchestration-cluster-api';
import { EngineError } from '../../api.ts';
import type { Engine } from '../../api.ts';
import { toElementInstance } from '../records.ts';
import { parseKey, parseWith, variablesSchema } from '../validation.ts';
import type { FilterField } from '../search/filter.ts';
import type { SearchDefinition } from '../search/search.ts';
import { exactFilterValue, mapIterable, registerSearch } from './search-route.ts';

type Item = ElementInstanceResult;
type SortField = ElementInstanceSearchQuerySortRequest['field'];

const elementTypes: readonly [Item['type'], ...Item['type'][]] = [
  'UNSPECIFIED', 'PROCESS', 'SUB_PROCESS', 'EVENT_SUB_PROCESS', 'AD_HOC_SUB_PROCESS', 'AD_HOC_SUB_PROCESS_INNER_INSTANCE',
  'START_EVENT', 'INTERMEDIATE_CATCH_EVENT', 'INTERMEDIATE_THROW_EVENT', 'BOUNDARY_EVENT', 'END_EVENT', 'SERVICE_TASK',
  'RECEIVE_TASK', 'USER_TASK', 'MANUAL_TASK', 'TASK', 'EXCLUSIVE_GATEWAY', 'INCLUSIVE_GATEWAY', 'PARALLEL_GATEWAY',
  'EVENT_BASED_GATEWAY', 'SEQUENCE_FLOW', 'MULTI_INSTANCE_BODY', 'CALL_ACTIVITY', 'BUSINESS_RULE_TASK', 'SCRIPT_TASK',
  'SEND_TASK', 'UNKNOWN',
];

// elementInstanceScopeKey is not offered: the engine's records do not carry an element's scope.
const fields: { [Name in Exclude<keyof ElementInstanceFilter, 'elementInstanceScopeKey'>]-?: FilterField<Item> } = {
  elementInstanceKey: { kind: 'key' },
  processInstanceKey: { kind: 'key' },
  processDefinitionKey: { kind: 'key' },
  processDefinitionId: { kind: 'string' },
  elementId: { kind: 'string' },
  elementName: { kind: 'string' },
  type: { kind: 'enum', values: elementTypes },
  state: { kind: 'enum', values: ['ACTIVE', 'COMPLETED', 'TERMINATED'] },
  hasIncident: { kind: 'boolean' },
  incidentKey: { kind: 'key' },
  tenantId: { kind: 'string' },
  startDate: { kind: 'date' },
  endDate: { kind: 'date' },
};

const sortFields: readonly [SortField, ...SortField[]] = [
  'elementInstanceKey', 'processInstanceKey', 'processDefinitionKey', 'processDefinitionId', 'startDate', 'endDate',
  'elementId', 'elementName', 'type', 'state', 'incidentKey', 'tenantId',
];

export const elementInstanceSearch: SearchDefinition<Item> = {
  resource: 'element instance',
  filter: { fields },
  sortFields,
  keyOf: (item) => item.elementInstanceKey,
};

const setVariablesSchema = z.object({ variables: variablesSchema, local: z.boolean().optional() });

export function registerElementInstanceRoutes(app: FastifyInstance, engine: Engine): void {
  registerSearch(app, '/element-instances/search', elementInstanceSearch, (query) =>
    mapIterable(engine.queries.elementInstances(exactFilterValue(query, 'processInstanceKey')), (record) => toElementInstance(engine.queries, record)),
  );

  app.get('/element-instances/:elementInstanceKey', async (request): Promise<Item> => {
    const key = parseKey((request.params as { elementInstanceKey: string }).elementInstanceKey, 'elementInstanceKey');
    for (const record of engine.queries.elementInstances()) {
      if (record.elementInstanceKey === key) return toElementInstance(engine.queries, record);
    }
    throw new EngineError('NOT_FOUND', `Element instance with key '${key}' not found`);
  });

  app.put('/element-instances/:elementInstanceKey/variables', async (request, reply) => {
    const key = parseKey((request.params as { elementInstanceKey: string }).elementInstanceKey, 'elementInstanceKey');
    const body = parseWith(setVariablesSchema, request.body, 'set variables request');
    await engine.setVariables(key, body.variables, body.local ?? false);
    return reply.code(204).send();
  });
}
