// One field condition of a search filter: a plain value (equality) or an advanced filter object
// ({$eq, $neq, $exists, $in, $notIn, $like, $gt, $gte, $lt, $lte}), as the REST API v2 defines
// them per field type. The schema rejects operators a field type does not allow.
import { z } from 'zod';
import { keySchema } from '../validation.ts';

export type FieldKind =
  | { readonly kind: 'string' }
  | { readonly kind: 'key' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'date' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly [string, ...string[]] };

const isoDate = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'expected an ISO 8601 date-time');

export function conditionSchema(field: FieldKind): z.ZodType {
  switch (field.kind) {
    case 'boolean':
      return z.boolean();
    case 'string':
      return z.union([z.string(), setOperators(z.string()).extend({ $like: z.string().optional() })]);
    case 'key':
      return z.union([keySchema, setOperators(keySchema)]);
    case 'enum': {
      const value = z.enum(field.values);
      return z.union([value, setOperators(value).extend({ $like: z.string().optional() })]);
    }
    case 'integer':
      return z.union([z.number().int(), rangeOperators(z.number().int())]);
    case 'date':
      return z.union([isoDate, rangeOperators(isoDate)]);
  }
}

function setOperators(value: z.ZodType) {
  return z.strictObject({
    $eq: value.optional(),
    $neq: value.optional(),
    $exists: z.boolean().optional(),
    $in: z.array(value).optional(),
    $notIn: z.array(value).optional(),
  });
}

function rangeOperators(value: z.ZodType) {
  return z.strictObject({
    $eq: value.optional(),
    $neq: value.optional(),
    $exists: z.boolean().optional(),
    $gt: value.optional(),
    $gte: value.optional(),
    $lt: value.optional(),
    $lte: value.optional(),
    $in: z.array(value).optional(),
  });
}

/**
 * Whether a record's value satisfies a (schema-checked) condition. An array value (a user task's
 * candidate groups) matches when one of its elements does.
 */
export function satisfies(field: FieldKind, actual: unknown, condition: unknown): boolean {
  if (Array.isArray(actual) && !(typeof condition === 'object' && condition !== null && '$exists' in condition)) {
    return actual.some((element) => satisfies(field, element, condition));
  }
  if (typeof condition !== 'object' || condition === null) return same(field, actual, condition);
  const present = actual !== undefined && actual !== null && !(Array.isArray(actual) && actual.length === 0);
  for (const [operator, operand] of Object.entries(condition)) {
    if (operand === undefined) continue;
    if (!holds(field, operator, actual, operand, present)) return false;
  }
  return true;
}

function holds(field: FieldKind, operator: string, actual: unknown, operand: unknown, present: boolean): boolean {
  switch (operator) {
    case '$exists':
      return operand === present;
    case '$eq':
      return same(field, actual, operand);
    case '$neq':
      return !same(field, actual, operand);
    case '$in':
      return Array.isArray(operand) && operand.some((value) => same(field, actual, value));
    case '$notIn':
      return Array.isArray(operand) && !operand.some((value) => same(field, actual, value));
    case '$like':
      return typeof actual === 'string' && typeof operand === 'string' && likePattern(operand).test(actual);
    case '$gt':
      return compare(field, actual, operand, (order) => order > 0);
    case '$gte':
      return compare(field, actual, operand, (order) => order >= 0);
    case '$lt':
      return compare(field, actual, operand, (order) => order < 0);
    case '$lte':
      return compare(field, actual, operand, (order) => order <= 0);
    default:
      return false;
  }
}

function same(field: FieldKind, actual: unknown, expected: unknown): boolean {
  if (actual === undefined || actual === null) return false;
  if (field.kind === 'date') return Date.parse(String(actual)) === Date.parse(String(expected));
  return actual === expected;
}

function compare(field: FieldKind, actual: unknown, operand: unknown, accept: (order: number) => boolean): boolean {
  if (actual === undefined || actual === null) return false;
  const left = field.kind === 'date' ? Date.parse(String(actual)) : Number(actual);
  const right = field.kind === 'date' ? Date.parse(String(operand)) : Number(operand);
  if (Number.isNaN(left) || Number.isNaN(right)) return false;
  return accept(left - right);
}

/** `*` any run of characters, `?` one character, a backslash escapes the next character. */
export function likePattern(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] ?? '';
    if (char === '\\' && index + 1 < pattern.length) source += escapeRegExp(pattern[++index] ?? '');
    else if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 's');
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
