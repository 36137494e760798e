// Registers POST <path> for a search: validates the body, reads the candidates (a resource may
// narrow them cheaply, e.g. by process instance key), filters, sorts and pages them.
import type { FastifyInstance } from 'fastify';
import { parseSearchRequest, runSearch } from '../search/search.ts';
import type { SearchDefinition, SearchRequest } from '../search/search.ts';
import type { Page } from '../search/page.ts';

export function registerSearch<Item>(
  app: FastifyInstance,
  path: string,
  definition: SearchDefinition<Item>,
  candidates: (request: SearchRequest) => Iterable<Item>,
): void {
  app.post(path, async (request): Promise<Page<Item>> => {
    const query = parseSearchRequest(definition, request.body);
    return runSearch(definition, candidates(query), query);
  });
}

/** The exact value a filter gives a field, when it gives one (the cheap path to a narrower read). */
export function exactFilterValue(request: SearchRequest, field: string): string | undefined {
  const condition = request.filter?.[field];
  if (typeof condition === 'string') return condition;
  if (typeof condition === 'object' && condition !== null && '$eq' in condition && typeof condition.$eq === 'string') return condition.$eq;
  return undefined;
}

export function* mapIterable<From, To>(source: Iterable<From>, map: (value: From) => To): Iterable<To> {
  for (const value of source) yield map(value);
}
