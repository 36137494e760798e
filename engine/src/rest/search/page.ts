// Sorting and paging of search results: offset ({from, limit}) or cursor ({after} / {before}).
// A cursor names the item it stands for by its key, so paging stays put while new records arrive.
import { z } from 'zod';
import { EngineError } from '../../api.ts';
import type { SearchQueryPageResponse } from '@camunda8/orchestration-cluster-api';

export const DEFAULT_PAGE_LIMIT = 100;
const MAX_PAGE_LIMIT = 10_000;

const limit = z.number().int().min(0).max(MAX_PAGE_LIMIT).optional();
export const pageSchema = z.union([
  z.strictObject({ from: z.number().int().min(0).optional(), limit }),
  z.strictObject({ after: z.string().min(1), limit }),
  z.strictObject({ before: z.string().min(1), limit }),
]);
export type PageRequest = z.output<typeof pageSchema>;

export interface SortCriterion {
  readonly field: string;
  readonly order?: 'ASC' | 'DESC' | undefined;
}

export interface Page<Item> {
  readonly items: Item[];
  readonly page: SearchQueryPageResponse;
}

export function sortItems<Item>(items: Item[], sort: readonly SortCriterion[], keyOf: (item: Item) => string): Item[] {
  const read = (item: Item, field: string): unknown => (item as Record<string, unknown>)[field];
  return items.sort((left, right) => {
    for (const { field, order } of sort) {
      const result = compareValues(read(left, field), read(right, field));
      if (result !== 0) return order === 'DESC' ? -result : result;
    }
    return compareValues(keyOf(left), keyOf(right));
  });
}

/** Missing values sort last; decimal keys numerically; everything else by its natural order. */
export function compareValues(left: unknown, right: unknown): number {
  const leftMissing = left === undefined || left === null;
  const rightMissing = right === undefined || right === null;
  if (leftMissing || rightMissing) return leftMissing === rightMissing ? 0 : leftMissing ? 1 : -1;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'boolean' && typeof right === 'boolean') return Number(left) - Number(right);
  const leftText = String(left);
  const rightText = String(right);
  if (/^\d+$/.test(leftText) && /^\d+$/.test(rightText)) {
    const difference = BigInt(leftText) - BigInt(rightText);
    return difference === 0n ? 0 : difference < 0n ? -1 : 1;
  }
  return leftText < rightText ? -1 : leftText > rightText ? 1 : 0;
}

export function paginate<Item>(sorted: readonly Item[], request: PageRequest | undefined, keyOf: (item: Item) => string): Page<Item> {
  const size = request?.limit ?? DEFAULT_PAGE_LIMIT;
  let items: Item[];
  if (request && 'after' in request) {
    const index = positionOf(sorted, request.after, keyOf);
    items = sorted.slice(index + 1, index + 1 + size);
  } else if (request && 'before' in request) {
    const index = positionOf(sorted, request.before, keyOf);
    items = sorted.slice(Math.max(0, index - size), index);
  } else {
    const from = request && 'from' in request ? (request.from ?? 0) : 0;
    items = sorted.slice(from, from + size);
  }
  const first = items[0];
  const last = items[items.length - 1];
  return {
    items,
    page: {
      totalItems: sorted.length,
      hasMoreTotalItems: false,
      startCursor: first === undefined ? null : (cursorOf(keyOf(first)) as SearchQueryPageResponse['startCursor']),
      endCursor: last === undefined ? null : (cursorOf(keyOf(last)) as SearchQueryPageResponse['endCursor']),
    },
  };
}

/** Standard base64 (the API's cursor pattern), of the item's key. */
export const cursorOf = (key: string): string => Buffer.from(JSON.stringify({ key }), 'utf8').toString('base64');

function positionOf<Item>(sorted: readonly Item[], cursor: string, keyOf: (item: Item) => string): number {
  const key = keyOfCursor(cursor);
  const index = key === undefined ? -1 : sorted.findIndex((item) => keyOf(item) === key);
  if (index < 0) throw new EngineError('INVALID_ARGUMENT', `Invalid page cursor '${cursor}': it names no item of this search`);
  return index;
}

function keyOfCursor(cursor: string): string | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
    if (typeof decoded === 'object' && decoded !== null && 'key' in decoded && typeof decoded.key === 'string') return decoded.key;
  } catch {
    // not one of ours: reported below as an invalid cursor
  }
  return undefined;
}
