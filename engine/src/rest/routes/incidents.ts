// Incidents: search (all, or of one process instance), get, resolution.
import type { FastifyInstance } from 'fastify';
import type { IncidentFilter, IncidentResult, IncidentSearchQuerySortRequest } from '@camunda8/orchestration-cluster-api';
import { EngineError } from '../../api.ts';
import type { Engine } from '../../api.ts';
import { toIncident } from '../records.ts';
import { parseKey } from '../validation.ts';
import type { FilterField } from '../search/filter.ts';
import type { SearchDefinition } from '../search/search.ts';
import { mapIterable, registerSearch } from './search-route.ts';
import { parseSearchRequest, runSearch } from '../search/search.ts';
import type { Page } from '../search/page.ts';

type Item = IncidentResult;
type SortField = IncidentSearchQuerySortRequest['field'];

const errorTypes: readonly [Item['errorType'], ...Item['errorType'][]] = [
  'AD_HOC_SUB_PROCESS_NO_RETRIES', 'CALLED_DECISION_ERROR', 'CALLED_ELEMENT_ERROR', 'CONDITION_ERROR', 'DECISION_EVALUATION_ERROR',
  'EXECUTION_LISTENER_NO_RETRIES', 'EXTRACT_VALUE_ERROR', 'FORM_NOT_FOUND', 'IO_MAPPING_ERROR', 'JOB_NO_RETRIES',
  'MESSAGE_SIZE_EXCEEDED', 'RESOURCE_NOT_FOUND', 'TASK_LISTENER_NO_RETRIES', 'UNHANDLED_ERROR_EVENT', 'UNKNOWN', 'UNSPECIFIED',
];

const fields: { [Name in keyof IncidentFilter]-?: FilterField<Item> } = {
  incidentKey: { kind: 'key' },
  processDefinitionId: { kind: 'string' },
  processDefinitionKey: { kind: 'key' },
  processInstanceKey: { kind: 'key' },
  elementId: { kind: 'string' },
  elementInstanceKey: { kind: 'key' },
  jobKey: { kind: 'key' },
  errorType: { kind: 'enum', values: errorTypes },
  errorMessage: { kind: 'string' },
  state: { kind: 'enum', values: ['ACTIVE', 'MIGRATED', 'PENDING', 'RESOLVED', 'UNKNOWN'] },
  creationTime: { kind: 'date' },
  tenantId: { kind: 'string' },
};

const sortFields: readonly [SortField, ...SortField[]] = [
  'incidentKey', 'processDefinitionKey', 'processDefinitionId', 'processInstanceKey', 'errorType', 'elementId',
  'elementInstanceKey', 'creationTime', 'state', 'jobKey', 'tenantId',
];

export const incidentSearch: SearchDefinition<Item> = { resource: 'incident', filter: { fields }, sortFields, keyOf: (item) => item.incidentKey };

export function registerIncidentRoutes(app: FastifyInstance, engine: Engine): void {
  registerSearch(app, '/incidents/search', incidentSearch, () => mapIterable(engine.queries.incidents(), (record) => toIncident(engine.queries, record)));

  app.get('/incidents/:incidentKey', async (request): Promise<Item> => {
    const key = parseKey((request.params as { incidentKey: string }).incidentKey, 'incidentKey');
    for (const record of engine.queries.incidents()) if (record.incidentKey === key) return toIncident(engine.queries, record);
    throw new EngineError('NOT_FOUND', `Incident with key '${key}' not found`);
  });

  app.post('/incidents/:incidentKey/resolution', async (request, reply) => {
    const key = parseKey((request.params as { incidentKey: string }).incidentKey, 'incidentKey');
    await engine.resolveIncident(key);
    return reply.code(204).send();
  });

  app.post('/process-instances/:processInstanceKey/incidents/search', async (request): Promise<Page<Item>> => {
    const processInstanceKey = parseKey((request.params as { processInstanceKey: string }).processInstanceKey, 'processInstanceKey');
    const query = parseSearchRequest(incidentSearch, request.body);
    const ofInstance = [...engine.queries.incidents()].filter((record) => record.processInstanceKey === processInstanceKey);
    return runSearch(incidentSearch, ofInstance.map((record) => toIncident(engine.queries, record)), query);
  });
}
