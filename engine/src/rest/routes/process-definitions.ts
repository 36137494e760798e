// Process definitions: search, get, and the deployed BPMN XML.
import type { FastifyInstance } from 'fastify';
import type { ProcessDefinitionFilter, ProcessDefinitionResult, ProcessDefinitionSearchQuerySortRequest } from '@camunda8/orchestration-cluster-api';
import { EngineError } from '../../api.ts';
import type { Engine, ProcessDefinitionRecord } from '../../api.ts';
import { toProcessDefinition } from '../records.ts';
import { parseKey } from '../validation.ts';
import { z } from 'zod';
import type { CustomFilterField, FilterField } from '../search/filter.ts';
import type { SearchDefinition } from '../search/search.ts';
import { mapIterable, registerSearch } from './search-route.ts';

type Item = ProcessDefinitionResult;
type SortField = ProcessDefinitionSearchQuerySortRequest['field'];

const fields: { [Name in Exclude<keyof ProcessDefinitionFilter, 'isLatestVersion'>]-?: FilterField<Item> } = {
  processDefinitionKey: { kind: 'key' },
  processDefinitionId: { kind: 'string' },
  name: { kind: 'string' },
  resourceName: { kind: 'string' },
  version: { kind: 'integer' },
  versionTag: { kind: 'string' },
  tenantId: { kind: 'string' },
  hasStartForm: { kind: 'boolean' },
  state: { kind: 'enum', values: ['ACTIVE', 'DRAINING', 'DELETED'] },
};

const sortFields: readonly [SortField, ...SortField[]] = ['processDefinitionKey', 'name', 'resourceName', 'version', 'versionTag', 'processDefinitionId', 'tenantId'];

export function processDefinitionSearch(engine: Engine): SearchDefinition<Item> {
  const isLatestVersion: CustomFilterField<Item> = {
    schema: z.boolean(),
    matches: (item: Item, condition: boolean) => (latestVersion(engine, item.processDefinitionId, item.tenantId) === item.version) === condition,
  };
  return { resource: 'process definition', filter: { fields, custom: { isLatestVersion } }, sortFields, keyOf: (item) => item.processDefinitionKey };
}

function latestVersion(engine: Engine, processDefinitionId: string, tenantId: string): number {
  let latest = 0;
  for (const definition of engine.queries.processDefinitions()) {
    if (definition.bpmnProcessId === processDefinitionId && definition.tenantId === tenantId) latest = Math.max(latest, definition.version);
  }
  return latest;
}

function findDefinition(engine: Engine, params: unknown): ProcessDefinitionRecord {
  const key = parseKey((params as { processDefinitionKey: string }).processDefinitionKey, 'processDefinitionKey');
  for (const record of engine.queries.processDefinitions()) if (record.processDefinitionKey === key) return record;
  throw new EngineError('NOT_FOUND', `Process definition with key '${key}' not found`);
}

export function registerProcessDefinitionRoutes(app: FastifyInstance, engine: Engine): void {
  registerSearch(app, '/process-definitions/search', processDefinitionSearch(engine), () =>
    mapIterable(engine.queries.processDefinitions(), toProcessDefinition),
  );

  app.get('/process-definitions/:processDefinitionKey', async (request): Promise<Item> => toProcessDefinition(findDefinition(engine, request.params)));

  app.get('/process-definitions/:processDefinitionKey/xml', async (request, reply) => {
    const definition = findDefinition(engine, request.params);
    return reply.type('text/xml; charset=utf-8').send(definition.xml);
  });
}
