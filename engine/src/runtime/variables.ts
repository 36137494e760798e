// Variable scopes: every element instance may hold local variables; lookups walk outward (inner
// scopes shadow outer), and merged variables land on the nearest scope that already holds them,
// else on the process scope.
import type { JsonObject } from '../api.ts';
import type { VariableLookup } from '../feel/evaluate.ts';
import type { ElementInstance } from './state.ts';

type Scopes = ReadonlyMap<string, ElementInstance>;

export function setLocal(scope: ElementInstance, name: string, value: unknown, nextKey: () => string): void {
  scope.vars ??= new Map();
  const existing = scope.vars.get(name);
  if (existing) existing.value = value;
  else scope.vars.set(name, { key: nextKey(), value });
}

/** each variable to the nearest scope (from `start` outward) that holds it, else the process scope */
export function mergeVariables(scopes: Scopes, start: ElementInstance, variables: JsonObject | Map<string, unknown>, nextKey: () => string): void {
  const entries = variables instanceof Map ? variables.entries() : Object.entries(variables);
  for (const [name, value] of entries) {
    let scope: ElementInstance | undefined = start;
    let holder: ElementInstance | undefined;
    let root: ElementInstance = start;
    while (scope) {
      if (scope.vars?.has(name)) {
        holder = scope;
        break;
      }
      root = scope;
      scope = scope.parentKey ? scopes.get(scope.parentKey) : undefined;
    }
    setLocal(holder ?? root, name, value, nextKey);
  }
}

/** every variable visible from the element instance, inner shadowing outer */
export function visibleVariables(scopes: Scopes, ei: ElementInstance): Record<string, unknown> {
  const chain: ElementInstance[] = [];
  let scope: ElementInstance | undefined = ei;
  while (scope) {
    chain.push(scope);
    scope = scope.parentKey ? scopes.get(scope.parentKey) : undefined;
  }
  const context: Record<string, unknown> = {};
  for (let index = chain.length - 1; index >= 0; index -= 1) {
    const vars = chain[index]!.vars;
    if (vars) for (const [name, variable] of vars) context[name] = variable.value;
  }
  return context;
}

/** reads one variable as seen from the element instance; undefined when no scope holds it */
export function variableLookup(scopes: Scopes, ei: ElementInstance): VariableLookup {
  return (name) => {
    let scope: ElementInstance | undefined = ei;
    while (scope) {
      const variable = scope.vars?.get(name);
      if (variable) return variable.value;
      scope = scope.parentKey ? scopes.get(scope.parentKey) : undefined;
    }
    return undefined;
  };
}
