// A resource's search filter: which fields it takes (and their condition types), each read from the
// item the search answers with, plus fields that are not on the item (a process instance's
// variables, a user task's candidate group) with their own predicate. Unknown fields are a 400.
import { z } from 'zod';
import { conditionSchema, satisfies } from './conditions.ts';
import type { FieldKind } from './conditions.ts';

export type FilterField<Item> = FieldKind & {
  /** where the value lives when it is not the item's property of the same name */
  readonly read?: (item: Item) => unknown;
};

export interface CustomFilterField<Item> {
  readonly schema: z.ZodType;
  readonly matches: (item: Item, condition: never) => boolean;
}

export interface FilterDefinition<Item> {
  readonly fields: Readonly<Partial<Record<string, FilterField<Item>>>>;
  readonly custom?: Readonly<Partial<Record<string, CustomFilterField<Item>>>>;
  /** the `$or` clause of the API: alternative groups of the same fields */
  readonly allowOr?: boolean;
}

export type Filter = Readonly<Record<string, unknown>>;

export function filterSchema<Item>(definition: FilterDefinition<Item>): z.ZodType<Filter> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(definition.fields)) if (field) shape[name] = conditionSchema(field).optional();
  for (const [name, field] of Object.entries(definition.custom ?? {})) if (field) shape[name] = field.schema.optional();
  const fields = z.strictObject(shape);
  if (!definition.allowOr) return fields;
  return fields.extend({ $or: z.array(fields).optional() });
}

export function matchesFilter<Item>(definition: FilterDefinition<Item>, item: Item, filter: Filter): boolean {
  for (const [name, condition] of Object.entries(filter)) {
    if (condition === undefined) continue;
    if (name === '$or') {
      const groups = condition as readonly Filter[];
      if (groups.length > 0 && !groups.some((group) => matchesFilter(definition, item, group))) return false;
      continue;
    }
    const custom = definition.custom?.[name];
    if (custom) {
      if (!custom.matches(item, condition as never)) return false;
      continue;
    }
    const field = definition.fields[name];
    if (!field) return false;
    const actual = field.read ? field.read(item) : (item as Record<string, unknown>)[name];
    if (!satisfies(field, actual, condition)) return false;
  }
  return true;
}
