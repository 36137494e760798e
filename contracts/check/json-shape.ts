// One reading of "what values a schema allows" for JSON Schema from three sources (zod's
// z.toJSONSchema, OpenAPI 3.0 documents, AsyncAPI payloads): the JSON types, enum values, object
// fields with required-ness, array items and map values. Constraints such as lengths and patterns
// are left out on purpose: the checks compare structure, where drift breaks a reader.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'object' | 'array';
const ALL_TYPES: readonly JsonType[] = ['string', 'number', 'integer', 'boolean', 'null', 'object', 'array'];

export interface Shape {
  /** 'any': the schema allows every value */
  readonly types: ReadonlySet<JsonType> | 'any';
  /** enum / const values; absent: any value of the types */
  readonly values?: readonly unknown[] | undefined;
  readonly properties?: ReadonlyMap<string, Shape> | undefined;
  readonly required?: ReadonlySet<string> | undefined;
  /** schema of the values of a map (additionalProperties) */
  readonly additional?: Shape | undefined;
  readonly items?: Shape | undefined;
  /** several object/array alternatives (oneOf/anyOf): compared loosely */
  readonly alternatives?: readonly Shape[] | undefined;
}

export const ANY: Shape = { types: 'any' };

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A schema node and the document it came from (for relative $refs). */
export interface Located {
  readonly node: unknown;
  readonly file: string;
  readonly root: unknown;
}

/** Loads documents referenced by $ref across files, once. */
export class DocumentSet {
  private readonly cache = new Map<string, unknown>();

  load(file: string): unknown {
    const abs = path.resolve(file);
    if (!this.cache.has(abs)) {
      if (!existsSync(abs)) throw new Error(`${abs}: missing`);
      this.cache.set(abs, parse(readFileSync(abs, 'utf8')));
    }
    return this.cache.get(abs);
  }

  /** The node at a JSON pointer ("/components/schemas/X"), or undefined. */
  static at(root: unknown, pointer: string): unknown {
    if (pointer === '' || pointer === '/') return root;
    return pointer
      .replace(/^\//, '')
      .split('/')
      .map((p) => decodeURIComponent(p).replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>((at, key) => (isNode(at) || Array.isArray(at) ? (at as Record<string, unknown>)[key] : undefined), root);
  }

  /** Follows $ref (local "#/…" or "other.yaml#/…") until a node that is not a reference. */
  deref(at: Located, seen: readonly string[] = []): Located {
    let current = at;
    for (let hops = 0; isNode(current.node) && typeof current.node.$ref === 'string'; hops++) {
      const ref = current.node.$ref;
      const key = `${current.file}|${ref}`;
      if (hops > 50 || seen.includes(key)) throw new Error(`$ref loop at ${ref} in ${current.file}`);
      const [target = '', pointer = ''] = ref.split('#');
      const file = target ? path.resolve(path.dirname(current.file), target) : current.file;
      const root = target ? this.load(file) : current.root;
      const node = DocumentSet.at(root, pointer);
      if (node === undefined) throw new Error(`unresolved $ref ${ref} in ${current.file}`);
      current = { node, file, root };
    }
    return current;
  }
}

function typesOf(node: Node): Set<JsonType> | 'any' {
  const t = node.type;
  const set = new Set<JsonType>();
  if (typeof t === 'string') set.add(t as JsonType);
  else if (Array.isArray(t)) for (const x of t) set.add(x as JsonType);
  else if (isNode(node.properties) || isNode(node.additionalProperties)) set.add('object');
  else if (node.items !== undefined) set.add('array');
  else if (Array.isArray(node.enum)) for (const v of node.enum) set.add(jsonTypeOf(v));
  else if ('const' in node) set.add(jsonTypeOf(node.const));
  else return 'any';
  if (node.nullable === true) set.add('null');
  return set;
}

export function jsonTypeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v as JsonType;
}

const structured = (s: Shape): boolean => s.properties !== undefined || s.items !== undefined || s.additional !== undefined || s.alternatives !== undefined;

function union(options: readonly Shape[]): Shape {
  if (options.some((o) => o.types === 'any')) return ANY;
  const types = new Set<JsonType>(options.flatMap((o) => [...(o.types as ReadonlySet<JsonType>)]));
  // an enum survives only when every option lists its values (a null option counts as [null])
  const values = options.every((o) => o.values !== undefined || (o.types !== 'any' && o.types.size === 1 && o.types.has('null')))
    ? options.flatMap((o) => o.values ?? [null])
    : undefined;
  const withStructure = options.filter(structured);
  if (withStructure.length <= 1) return { ...withStructure[0], types, values };
  return { types, values, alternatives: withStructure };
}

function intersection(parts: readonly Shape[]): Shape {
  const typed = parts.filter((p) => p.types !== 'any');
  const types = typed.length ? new Set(ALL_TYPES.filter((t) => typed.every((p) => (p.types as ReadonlySet<JsonType>).has(t)))) : 'any';
  const properties = new Map<string, Shape>();
  const required = new Set<string>();
  for (const p of parts) {
    for (const [k, v] of p.properties ?? []) properties.set(k, v);
    for (const r of p.required ?? []) required.add(r);
  }
  const values = parts.find((p) => p.values)?.values;
  const items = parts.find((p) => p.items)?.items;
  const additional = parts.find((p) => p.additional)?.additional;
  return { types, values, properties: properties.size ? properties : undefined, required: properties.size ? required : undefined, items, additional };
}

/** The shape of a JSON schema node (any dialect the repository uses). */
export function shapeOf(docs: DocumentSet, at: Located, stack: readonly unknown[] = []): Shape {
  const { node, file, root } = docs.deref(at);
  if (node === true || node === undefined) return ANY;
  if (node === false) return { types: new Set() };
  if (!isNode(node)) return ANY;
  if (stack.includes(node)) return ANY; // recursive schema: stop here
  const next = [...stack, node];
  const sub = (n: unknown): Shape => shapeOf(docs, { node: n, file, root }, next);

  const alternatives = (Array.isArray(node.oneOf) ? node.oneOf : Array.isArray(node.anyOf) ? node.anyOf : undefined) as unknown[] | undefined;
  if (alternatives) {
    const merged = union(alternatives.map(sub));
    return node.nullable === true && merged.types !== 'any' ? { ...merged, types: new Set([...merged.types, 'null' as const]) } : merged;
  }
  if (Array.isArray(node.allOf)) {
    const { allOf, ...rest } = node;
    return intersection([...(allOf as unknown[]).map(sub), ...(Object.keys(rest).length ? [sub(rest)] : [])]);
  }

  const types = typesOf(node);
  const values = Array.isArray(node.enum) ? (node.enum as unknown[]) : 'const' in node ? [node.const] : undefined;
  const isObject = types === 'any' ? false : types.has('object');
  const isArray = types === 'any' ? false : types.has('array');
  const properties = isObject && isNode(node.properties) ? new Map(Object.entries(node.properties).map(([k, v]) => [k, sub(v)])) : undefined;
  return {
    types,
    // a nullable enum lists null among its values in some dialects, not in others
    values: values && types !== 'any' && types.has('null') && !values.includes(null) ? [...values, null] : values,
    properties: isObject ? (properties ?? new Map()) : undefined,
    required: isObject ? new Set(Array.isArray(node.required) ? (node.required as string[]) : []) : undefined,
    additional: isObject && node.additionalProperties !== undefined && node.additionalProperties !== false ? sub(node.additionalProperties) : undefined,
    items: isArray ? sub(node.items) : undefined,
  };
}

/** Why a value does not fit a shape (empty when it fits); paths like `payload.items[0].id`. */
export function validate(shape: Shape, value: unknown, at = '(value)'): string[] {
  if (shape.types === 'any') return [];
  const t = jsonTypeOf(value);
  const typeOk = shape.types.has(t) || (t === 'integer' && shape.types.has('number'));
  if (!typeOk) return [`${at}: ${t} where the schema allows ${[...shape.types].join(' | ') || 'nothing'}`];
  if (shape.values && !shape.values.some((v) => JSON.stringify(v) === JSON.stringify(value))) return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(shape.values)}`];
  const problems: string[] = [];
  if (t === 'object' && shape.properties) {
    const obj = value as Record<string, unknown>;
    for (const r of shape.required ?? []) if (!(r in obj) || obj[r] === undefined) problems.push(`${at}.${r}: required, missing`);
    for (const [k, v] of Object.entries(obj)) {
      const prop = shape.properties.get(k) ?? shape.additional;
      if (prop) problems.push(...validate(prop, v, `${at}.${k}`));
    }
  }
  if (t === 'array' && shape.items) (value as unknown[]).forEach((v, i) => problems.push(...validate(shape.items as Shape, v, `${at}[${i}]`)));
  return problems;
}

export const describeTypes = (s: Shape): string => (s.types === 'any' ? 'any value' : [...s.types].sort().join(' | ') || 'nothing');

/** Every field path of a shape (`payload.items[].id`), for "does this message have field X". */
export function fieldPaths(shape: Shape, at = '', out = new Set<string>(), depth = 0): Set<string> {
  if (at) out.add(at);
  if (depth > 12) return out;
  for (const [key, field] of shape.properties ?? []) fieldPaths(field, at ? `${at}.${key}` : key, out, depth + 1);
  if (shape.items) fieldPaths(shape.items, `${at}[]`, out, depth + 1);
  for (const alt of shape.alternatives ?? []) fieldPaths(alt, at, out, depth + 1);
  return out;
}
