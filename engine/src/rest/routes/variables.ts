// Variables: search (current values) and get.
import type { FastifyInstance } from 'fastify';
import type { VariableFilter, VariableResult, VariableSearchQuerySortRequest, VariableSearchResult } from '@camunda8/orchestration-cluster-api';
import { EngineError } from '../../api.ts';
import type { Engine } from '../../api.ts';
import { toVariable } from '../records.ts';
import { parseKey } from '../validation.ts';
import type { FilterField } from '../search/filter.ts';
import type { SearchDefinition } from '../search/search.ts';
import { exactFilterValue, mapIterable, registerSearch } from './search-route.ts';

type Item = VariableSearchResult;
type SortField = VariableSearchQuerySortRequest['field'];

const fields: { [Name in keyof VariableFilter]-?: FilterField<Item> } = {
  name: { kind: 'string' },
  value: { kind: 'string' },
  tenantId: { kind: 'string' },
  isTruncated: { kind: 'boolean' },
  variableKey: { kind: 'key' },
  scopeKey: { kind: 'key' },
  processInstanceKey: { kind: 'key' },
};

const sortFields: readonly [SortField, ...SortField[]] = ['value', 'name', 'tenantId', 'variableKey', 'scopeKey', 'processInstanceKey'];

export const variableSearch: SearchDefinition<Item> = { resource: 'variable', filter: { fields }, sortFields, keyOf: (item) => item.variableKey };

export function registerVariableRoutes(app: FastifyInstance, engine: Engine): void {
  registerSearch(app, '/variables/search', variableSearch, (query) =>
    mapIterable(engine.queries.variables(exactFilterValue(query, 'processInstanceKey')), (record) => toVariable(engine.queries, record)),
  );

  app.get('/variables/:variableKey', async (request): Promise<VariableResult> => {
    const key = parseKey((request.params as { variableKey: string }).variableKey, 'variableKey');
    for (const record of engine.queries.variables()) {
      if (record.variableKey === key) {
        const { isTruncated: _truncated, ...variable } = toVariable(engine.queries, record);
        return variable;
      }
    }
    throw new EngineError('NOT_FOUND', `Variable with key '${key}' not found`);
  });
}
