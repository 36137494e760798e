// Request bodies and path parameters are checked with zod; a failure is a 400 that names each field.
import { z } from 'zod';
import { EngineError } from '../api.ts';

export function parseWith<Schema extends z.ZodType>(schema: Schema, input: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new EngineError('INVALID_ARGUMENT', `Invalid ${what}: ${describeIssues(result.error)}`);
}

export function describeIssues(error: z.ZodError, max = 5): string {
  const parts = error.issues.slice(0, max).map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${[...issue.path.map(String), key].join('.')}: unknown field`).join('; ');
    }
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length > max ? ` (+${error.issues.length - max} more)` : '';
  return parts.join('; ') + more;
}

/** int64 keys travel as decimal strings. */
export const keySchema = z.string().regex(/^\d{1,19}$/, 'expected a key (decimal digits)');

export function parseKey(value: unknown, name: string): string {
  const result = keySchema.safeParse(value);
  if (result.success) return result.data;
  throw new EngineError('INVALID_ARGUMENT', `Invalid ${name} '${String(value)}': expected a key (decimal digits)`);
}

export const variablesSchema = z.record(z.string(), z.unknown());
