// PostgreSQL's text and jsonb cannot hold U+0000 (nor jsonb an unpaired surrogate): a statement carrying one fails as a whole
// ("unsupported Unicode escape sequence"), so a NUL inside a provider's answer or a result event
// would turn an ordinary write (evidence, inbox row, parked message) into a database error retried
// forever. Input the farm owns (the order) refuses NUL at its schema; what is only kept as a record
// of what arrived is stored with U+FFFD in its place.
import { sql, type Interceptor, type PrimitiveValueExpression, type SerializableValue } from 'slonik';

const RAW_NUL = /\u0000/g;
// a JSON escape \u0000 not itself escaped (an even run of backslashes before it)
const ESCAPED_NUL = /(?<!\\)((?:\\\\)*)\\u0000/gi;

/**
 * The value with every NUL, raw or as a JSON escape, and every unpaired surrogate (which jsonb
 * refuses as well) replaced by U+FFFD.
 */
export function storableText(value: string): string {
  const wellFormed = value.isWellFormed() ? value : value.toWellFormed();
  if (!wellFormed.includes('\u0000') && !/\\u0000/i.test(wellFormed)) return wellFormed;
  return wellFormed.replace(RAW_NUL, '\uFFFD').replace(ESCAPED_NUL, '$1\\ufffd');
}

/** The JSON value with NUL replaced in every string and key; the same object when it holds none. */
export function storableJson<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => storableJson(item));
    return (items.some((item, index) => item !== value[index]) ? items : value) as T;
  }
  let changed = false;
  const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => {
    const storedKey = storableText(key);
    const storedItem = storableJson(item);
    if (storedKey !== key || storedItem !== item) changed = true;
    return [storedKey, storedItem] as const;
  });
  return (changed ? Object.fromEntries(entries) : value) as T;
}

/** sql.jsonb of a value that may carry what arrived from outside (slonik refuses NUL in jsonb outright). */
export const storableJsonb = (value: SerializableValue) => sql.jsonb(storableJson(value));

function storable(value: PrimitiveValueExpression): PrimitiveValueExpression {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storable);
  return value;
}

/** Replaces NUL in every bound string value before the statement is sent. */
export const storableTextValues: Interceptor = {
  name: 'storable-text',
  transformQuery: (_context, query) => (query.values.some((value) => typeof value === 'string' || Array.isArray(value)) ? { ...query, values: query.values.map(storable) } : query),
};
