// The raw material of bad inputs: hostile JSON values (wrong types, huge and deeply nested values,
// odd numbers, injection-looking and unpaired-surrogate strings, prototype keys) and mutations of a
// valid document (a value replaced or removed at one of its paths).
import fc from 'fast-check';

const TRICKY_STRINGS = [
  '', ' ', '\u0000', '\ud800', '\ufeff', '\u202e', 'null', 'undefined', 'NaN', '-0', '1e309', '0x10',
  '../../etc/passwd', '<script>alert(1)</script>', "' or 1=1 --", '${jndi:ldap://x/a}', '%s%n%x', '{{7*7}}',
  '__proto__', 'constructor', 'ord-00000000-0000-0000-0000-000000000000', 'é'.repeat(120), '9'.repeat(400),
];

/** A string of `length` characters (huge values: past field limits, or past the body limit). */
const long = (length: number, unit = 'x') => unit.repeat(length);

/** Arrays nested `depth` deep (a value that recurses). */
export const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

/** An object with an own "__proto__" key (as JSON.parse makes it), to try prototype pollution. */
export const protoKeyed = (): unknown => JSON.parse('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":1}}}');

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...TRICKY_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 101, max: 5_000 }).map((n) => long(n)),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1.5, 2 ** 53 + 2, -(2 ** 63), 1e308, 101, 1_000_000)) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { '': '' }) },
  { weight: 1, arbitrary: fc.integer({ min: 20, max: 3_000 }).map(nested) },
  { weight: 1, arbitrary: fc.constant(null).map(protoKeyed) },
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 200 }).map((n) => Array.from({ length: n }, (_, i) => ({ i }))) },
);

/** Every path of a JSON document (objects and arrays) down to 12 levels, the root excluded. */
export function pathsOf(doc: unknown, prefix: readonly (string | number)[] = []): (string | number)[][] {
  // a nested value planted by an earlier mutation can be thousands deep: its inside is not a target
  if (doc === null || typeof doc !== 'object' || prefix.length >= 12) return [];
  const entries: [string | number, unknown][] = Array.isArray(doc) ? doc.map((v, i) => [i, v]) : Object.entries(doc);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

export interface Mutation {
  /** which path (an index into pathsOf(doc), modulo their number) */
  readonly at: number;
  readonly action: 'set' | 'delete' | 'add-sibling';
  readonly value: unknown;
  readonly key: string;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  action: fc.constantFrom('set', 'set', 'set', 'delete', 'add-sibling'),
  value: hostileValue,
  key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'orderId', 'status', 'isAdmin'), fc.string({ maxLength: 12 })),
});

/** A copy of `doc` with the mutations applied (deep copy first: the base is shared). */
export function mutate(doc: unknown, mutations: readonly Mutation[]): unknown {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  for (const m of mutations) {
    const paths = pathsOf(copy);
    if (paths.length === 0) break;
    const path = paths[m.at % paths.length] ?? [];
    const parent = path.slice(0, -1).reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], copy) as Record<string | number, unknown> | unknown[];
    const last = path[path.length - 1] as string | number;
    if (m.action === 'set') parent[last as never] = structuredClone(m.value) as never;
    else if (m.action === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (!Array.isArray(parent)) Object.defineProperty(parent, m.key, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** A body that is not a JSON document of the expected shape at all. */
export const notADocument: fc.Arbitrary<{ readonly text: string; readonly why: string }> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((v) => ({ text: JSON.stringify(v) ?? 'null', why: 'another JSON value' })),
  fc.string({ maxLength: 200 }).map((text) => ({ text, why: 'text' })),
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ text, why: 'any code points' })),
  fc.constantFrom('', '{', '{"a":', '[1,2', '{"a":1}}', '\u0000', '{"a":1,"a":2}', 'NaN', '{\'a\':1}', '{"a":1,}').map((text) => ({ text, why: 'broken JSON' })),
  fc.integer({ min: 257 * 1024, max: 600 * 1024 }).map((n) => ({ text: `{"pad":"${'x'.repeat(n)}"}`, why: 'over the body limit' })),
);

/** encodeURIComponent that also takes unpaired surrogates (as U+FFFD, the way a client would send them). */
export const encodePart = (s: string): string => encodeURIComponent(s.toWellFormed());
