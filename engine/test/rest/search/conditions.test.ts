import { conditionSchema, likePattern, satisfies } from '../../../src/rest/search/conditions.ts';
import { compareValues, paginate } from '../../../src/rest/search/page.ts';

describe('search conditions', () => {
  it('$like: * any run, ? one character, backslash escapes, everything else literal', () => {
    expect(likePattern('order-*').test('order-fulfillment')).toBe(true);
    expect(likePattern('order-?').test('order-12')).toBe(false);
    expect(likePattern('a.c').test('abc')).toBe(false);
    expect(likePattern('100\\*').test('100*')).toBe(true);
    expect(likePattern('100\\*').test('1000')).toBe(false);
    expect(likePattern('*(x)*').test('f(x) = 1')).toBe(true);
  });

  it('compares dates as instants, whatever their offset', () => {
    const date = { kind: 'date' } as const;
    expect(satisfies(date, '2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00+01:00')).toBe(true);
    expect(satisfies(date, '2026-01-01T00:00:00.000Z', { $gt: '2025-12-31T23:59:59Z', $lte: '2026-01-01T00:00:00Z' })).toBe(true);
    expect(satisfies(date, null, { $lt: '2030-01-01T00:00:00Z' })).toBe(false);
  });

  it('$exists, $neq, $notIn and an array value (any element)', () => {
    const text = { kind: 'string' } as const;
    expect(satisfies(text, null, { $exists: false })).toBe(true);
    expect(satisfies(text, 'x', { $exists: false })).toBe(false);
    expect(satisfies(text, 'x', { $neq: 'y', $notIn: ['a', 'b'] })).toBe(true);
    expect(satisfies(text, ['ops', 'billing'], 'billing')).toBe(true);
    expect(satisfies(text, [], { $exists: true })).toBe(false);
  });

  it('schemas refuse operators a field type does not have', () => {
    expect(conditionSchema({ kind: 'key' }).safeParse({ $like: '1*' }).success).toBe(false);
    expect(conditionSchema({ kind: 'integer' }).safeParse({ $gte: 1, $lt: 3 }).success).toBe(true);
    expect(conditionSchema({ kind: 'integer' }).safeParse(1.5).success).toBe(false);
    expect(conditionSchema({ kind: 'date' }).safeParse('yesterday').success).toBe(false);
    expect(conditionSchema({ kind: 'enum', values: ['A', 'B'] }).safeParse({ $in: ['A', 'C'] }).success).toBe(false);
  });
});

describe('sort and page', () => {
  it('orders decimal keys numerically and missing values last', () => {
    expect(['10', '9', '100'].sort(compareValues)).toEqual(['9', '10', '100']);
    expect([null, 'b', undefined, 'a'].sort(compareValues)).toEqual(['a', 'b', null, undefined]);
    expect([true, false].sort(compareValues)).toEqual([false, true]);
  });

  it('cursors name items by key, so a page after the last item is empty with null cursors', () => {
    const items = ['1', '2', '3'];
    const first = paginate(items, { limit: 3 }, (item) => item);
    const after = paginate(items, { after: first.page.endCursor ?? '' }, (item) => item);
    expect(after.items).toEqual([]);
    expect(after.page).toEqual({ totalItems: 3, hasMoreTotalItems: false, startCursor: null, endCursor: null });
    expect(paginate(items, { limit: 0 }, (item) => item).items).toEqual([]);
  });
});
