// The `variables: [{name, value}]` filter of process instance (and user task) searches: each entry
// must match a variable of the instance. Values are JSON text; both sides are compared in their
// compact JSON form, so `"\"A-1\""` matches a variable set to the string A-1 however it was written.
import { z } from 'zod';
import type { Engine } from '../../api.ts';
import { conditionSchema, satisfies } from '../search/conditions.ts';
import type { CustomFilterField } from '../search/filter.ts';

const stringField = { kind: 'string' } as const;

export const variableValueFilterSchema = z.array(z.strictObject({ name: z.string().min(1), value: conditionSchema(stringField) }));
type VariableValueFilter = z.output<typeof variableValueFilterSchema>;

export function compactJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

function compactCondition(condition: unknown): unknown {
  if (typeof condition === 'string') return compactJson(condition);
  if (typeof condition !== 'object' || condition === null) return condition;
  return Object.fromEntries(
    Object.entries(condition).map(([operator, operand]) => [
      operator,
      operator === '$like' || operator === '$exists' ? operand : Array.isArray(operand) ? operand.map(compactCondition) : compactCondition(operand),
    ]),
  );
}

export function instanceVariablesFilter<Item>(
  engine: Engine,
  processInstanceKeyOf: (item: Item) => string,
  scopeKeyOf?: (item: Item) => string,
): CustomFilterField<Item> {
  return {
    schema: variableValueFilterSchema,
    matches: (item: Item, entries: VariableValueFilter) => {
      const variables = [...engine.queries.variables(processInstanceKeyOf(item))].filter(
        (variable) => scopeKeyOf === undefined || variable.scopeKey === scopeKeyOf(item),
      );
      return entries.every(({ name, value }) =>
        variables.some((variable) => variable.name === name && satisfies(stringField, compactJson(variable.value), compactCondition(value))),
      );
    },
  };
}

/**
 * The instances holding a variable that matches one entry of the filter: one pass over the
 * variables instead of a lookup per instance, to narrow a search before the full filter runs.
 */
export function instancesWithVariable(engine: Engine, entry: VariableValueFilter[number]): Set<string> {
  const condition = compactCondition(entry.value);
  const keys = new Set<string>();
  for (const variable of engine.queries.variables()) {
    if (variable.name === entry.name && satisfies(stringField, compactJson(variable.value), condition)) keys.add(variable.processInstanceKey);
  }
  return keys;
}

export function variableFilterOf(filter: Readonly<Record<string, unknown>> | undefined, field: string): VariableValueFilter | undefined {
  const entries = filter?.[field];
  return Array.isArray(entries) && entries.length > 0 ? (entries as VariableValueFilter) : undefined;
}
