// Camunda FEEL built-ins that feelin lacks, handed in through the evaluation context (feelin
// resolves multi-word function names from the context). `now()`/`today()` read the engine clock,
// not the wall clock, so an expression evaluates the same way when the journal is replayed.
import { dateAndTime, date } from 'feelin';

export function camundaBuiltins(now: number): Record<string, unknown> {
  const iso = new Date(now).toISOString();
  return {
    'get or else': (value: unknown, defaultValue: unknown) => (value === null || value === undefined ? defaultValue : value),
    // a path argument is answered before feelin runs (evaluate.ts); any other argument is a value, and values are defined
    'is defined': () => true,
    'is empty': (value: unknown) => (Array.isArray(value) ? value.length === 0 : typeof value === 'string' ? value.length === 0 : null),
    'string join': (list: unknown, delimiter?: unknown) =>
      Array.isArray(list) ? list.filter((item) => item !== null).map(String).join(typeof delimiter === 'string' ? delimiter : '') : null,
    'context merge': (contexts: unknown) =>
      Array.isArray(contexts) ? Object.assign({}, ...contexts.filter((item) => item && typeof item === 'object')) : null,
    'upper case': (value: unknown) => (typeof value === 'string' ? value.toUpperCase() : null),
    'lower case': (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : null),
    'trim': (value: unknown) => (typeof value === 'string' ? value.trim() : null),
    'uuid': () => null,
    'now': () => dateAndTime(iso),
    'today': () => date(iso.slice(0, 10)),
  };
}
