// zeebe:ioMapping: each source is FEEL, each target a variable name or a path into a context
// (`a.b`); later mappings see the targets of earlier ones. A failure is IO_MAPPING_ERROR.
import { evaluateWith, expressionText } from '../feel/evaluate.ts';
import type { VariableLookup } from '../feel/evaluate.ts';
import type { Mapping } from '../model/types.ts';
import { IncidentRaised, typeName } from './incident-raised.ts';

const isContext = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

export function applyMappings(mappings: readonly Mapping[], base: VariableLookup, now: number): Map<string, unknown> {
  const results = new Map<string, unknown>();
  const context: VariableLookup = (name) => (results.has(name) ? results.get(name) : base(name));
  for (const mapping of mappings) {
    const result = evaluateWith(expressionText(mapping.source), context, now);
    if (!result.ok) throw new IncidentRaised('IO_MAPPING_ERROR', result.message);
    const [head, ...path] = mapping.target.split('.');
    if (!head) continue;
    if (path.length === 0) {
      results.set(head, result.value);
      continue;
    }
    const current = context(head) ?? {};
    if (!isContext(current)) throw new IncidentRaised('IO_MAPPING_ERROR', `Expected the variable '${head}' to be a context to set '${mapping.target}', but it is '${typeName(current)}'`);
    const target = structuredClone(current);
    let cursor: Record<string, unknown> = target;
    for (const [index, part] of path.entries()) {
      if (index === path.length - 1) cursor[part] = result.value;
      else {
        const next = (cursor[part] ??= {});
        if (!isContext(next)) throw new IncidentRaised('IO_MAPPING_ERROR', `Expected '${part}' of '${mapping.target}' to be a context, but it is '${typeName(next)}'`);
        cursor = next;
      }
    }
    results.set(head, target);
  }
  return results;
}
