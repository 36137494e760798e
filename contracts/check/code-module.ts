// Reading the code the registries name: a module by repository path, an export of it, a field
// inside a zod object, and what values or JSON schema it stands for. The checks import the real
// modules, so they see exactly what the farm runs.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

export async function importModule(root: string, module: string): Promise<Record<string, unknown>> {
  return (await import(pathToFileURL(path.resolve(root, module)).href)) as Record<string, unknown>;
}

export const isZod = (v: unknown): v is z.ZodType => typeof v === 'object' && v !== null && '_zod' in v;

/** Optional, nullable, default and array wrappers around a zod schema, removed. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s: unknown = schema;
  for (let i = 0; i < 10; i++) {
    const def = (s as { _zod: { def: { type: string; innerType?: unknown; element?: unknown } } })._zod.def;
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type) && def.innerType) s = def.innerType;
    else if (def.type === 'array' && def.element) s = def.element;
    else break;
  }
  return s as z.ZodType;
}

/** `value` followed along `fields` through zod object shapes; undefined when a field is missing. */
export function member(value: unknown, fields: readonly string[]): unknown {
  let current = value;
  for (const field of fields) {
    if (!isZod(current)) return undefined;
    const shape = (unwrap(current) as unknown as { shape?: Record<string, unknown> }).shape;
    current = shape?.[field];
  }
  return current;
}

export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): unknown {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' });
}

/** String values of an `as const` tuple or a zod enum/literal (or union of them); else undefined. */
export function enumValuesOf(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
  if (!isZod(value)) return undefined;
  const collect = (node: unknown): string[] | undefined => {
    if (typeof node !== 'object' || node === null) return undefined;
    const n = node as { enum?: unknown[]; const?: unknown; anyOf?: unknown[]; oneOf?: unknown[] };
    if (Array.isArray(n.enum)) return n.enum.filter((v): v is string => typeof v === 'string');
    if (typeof n.const === 'string') return [n.const];
    const options = n.anyOf ?? n.oneOf;
    if (Array.isArray(options)) {
      const parts = options.map(collect);
      return parts.every((p) => p !== undefined) ? parts.flat() as string[] : undefined;
    }
    return undefined;
  };
  return collect(jsonSchemaOf(unwrap(value), 'input'));
}

/** Field names of a zod object schema, with required-ness as the given side sees it. */
export function objectFields(schema: z.ZodType, io: 'input' | 'output'): { readonly name: string; readonly required: boolean }[] {
  const json = jsonSchemaOf(schema, io) as { properties?: Record<string, unknown>; required?: string[] };
  const required = new Set(json.required ?? []);
  return Object.keys(json.properties ?? {}).map((name) => ({ name, required: required.has(name) }));
}
