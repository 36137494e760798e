// One search endpoint's rules: its filter, the fields it sorts by, and the key that identifies an
// item (the tie-breaker of every sort and what a cursor names). `runSearch` validates the body
// ({filter, sort, page}) and answers {items, page}.
import { z } from 'zod';
import { parseWith } from '../validation.ts';
import { filterSchema, matchesFilter } from './filter.ts';
import type { FilterDefinition } from './filter.ts';
import { pageSchema, paginate, sortItems } from './page.ts';
import type { Page } from './page.ts';

export interface SearchDefinition<Item> {
  readonly resource: string;
  readonly filter: FilterDefinition<Item>;
  readonly sortFields: readonly [string, ...string[]];
  readonly keyOf: (item: Item) => string;
}

export interface SearchRequest {
  readonly filter?: Readonly<Record<string, unknown>> | undefined;
  readonly sort?: readonly { field: string; order?: 'ASC' | 'DESC' | undefined }[] | undefined;
  readonly page?: z.output<typeof pageSchema> | undefined;
}

const schemas = new WeakMap<object, z.ZodType<SearchRequest>>();

export function searchRequestSchema<Item>(definition: SearchDefinition<Item>): z.ZodType<SearchRequest> {
  const known = schemas.get(definition.filter);
  if (known) return known;
  const schema = z.strictObject({
    filter: filterSchema(definition.filter).optional(),
    sort: z.array(z.strictObject({ field: z.enum(definition.sortFields), order: z.enum(['ASC', 'DESC']).optional() })).optional(),
    page: pageSchema.optional(),
  });
  schemas.set(definition.filter, schema);
  return schema;
}

export function parseSearchRequest<Item>(definition: SearchDefinition<Item>, body: unknown): SearchRequest {
  return parseWith(searchRequestSchema(definition), body, `${definition.resource} search request`);
}

export function runSearch<Item>(definition: SearchDefinition<Item>, candidates: Iterable<Item>, request: SearchRequest): Page<Item> {
  const filter = request.filter ?? {};
  const matching: Item[] = [];
  for (const item of candidates) if (matchesFilter(definition.filter, item, filter)) matching.push(item);
  const sorted = sortItems(matching, request.sort ?? [], definition.keyOf);
  return paginate(sorted, request.page, definition.keyOf);
}
