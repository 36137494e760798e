// Test support: reads the OpenAPI documents in contracts/openapi and checks values against their
// schemas. A small validator for the subset the documents use (type, required, properties,
// additionalProperties, items, enum, pattern, format, min/max, oneOf, $ref): enough to keep the
// documents and the simulators saying the same thing, without another dependency.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export type Schema = Record<string, any>;

export interface OpenApiOperation {
  readonly operationId?: string;
  readonly parameters?: Schema[];
  readonly requestBody?: Schema;
  readonly callbacks?: Schema;
  readonly responses: Record<string, Schema>;
}

export interface OpenApiDocument {
  readonly openapi: string;
  readonly servers: readonly { readonly url: string }[];
  readonly security?: readonly Record<string, readonly string[]>[];
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components?: Record<string, Record<string, Schema>>;
}

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function loadOpenApi(name: string): OpenApiDocument {
  return loadDocument(`openapi/${name}.yaml`) as OpenApiDocument;
}

/** Any document below contracts/ (AsyncAPI too: its schemas are checked with the same validate()). */
export function loadDocument(pathInContracts: string): unknown {
  return parse(readFileSync(new URL(`../../contracts/${pathInContracts}`, import.meta.url), 'utf8')) as unknown;
}

/** Follows a local $ref ("#/components/schemas/X") until a real node. */
export function deref(doc: OpenApiDocument, node: Schema): Schema {
  let current = node;
  for (let hops = 0; typeof current.$ref === 'string'; hops++) {
    if (hops > 20) throw new Error(`$ref loop at ${String(current.$ref)}`);
    const target = (current.$ref as string)
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], doc);
    if (target === undefined) throw new Error(`unresolved $ref ${String(current.$ref)}`);
    current = target as Schema;
  }
  return current;
}

/** Every operation of the document, as METHOD + path template. */
export function operationsOf(doc: OpenApiDocument): { method: string; path: string; operation: OpenApiOperation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((m) => item[m] !== undefined).map((m) => ({ method: m.toUpperCase(), path, operation: item[m] as OpenApiOperation })),
  );
}

/** The documented operation serving a concrete path ("/v1/reservations/RSV-1"). */
export function findOperation(doc: OpenApiDocument, method: string, path: string): { path: string; operation: OpenApiOperation } | undefined {
  return operationsOf(doc)
    .filter((o) => o.method === method.toUpperCase())
    .find((o) => new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
}

const FORMATS: Readonly<Record<string, (s: string) => boolean>> = {
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
  uri: (s) => URL.canParse(s),
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * Problems of value against schema ([] = valid). closed: an object may carry only the properties
 * its schema declares unless additionalProperties says otherwise; used for answers, so a field
 * the simulator sends but the document does not name is caught.
 */
export function validate(doc: OpenApiDocument, schemaNode: Schema, value: unknown, closed: boolean, at = '$'): string[] {
  const schema = deref(doc, schemaNode);
  if (value === null && schema.nullable === true) return [];
  if (Array.isArray(schema.oneOf)) {
    const passing = (schema.oneOf as Schema[]).filter((s) => validate(doc, s, value, closed, at).length === 0).length;
    return passing === 1 ? [] : [`${at}: matches ${passing} of the oneOf schemas, not exactly one`];
  }
  const problems: string[] = [];
  const actual = typeOf(value);
  if (schema.type !== undefined && !(schema.type === actual || (schema.type === 'number' && actual === 'integer'))) return [`${at}: expected ${String(schema.type)}, got ${actual}`];
  if (Array.isArray(schema.enum) && !(schema.enum as unknown[]).includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) problems.push(`${at}: shorter than ${schema.minLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) problems.push(`${at}: does not match ${schema.pattern}`);
    const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
    if (format && !format(value)) problems.push(`${at}: not a ${String(schema.format)}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${at}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${at}: above ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => problems.push(...validate(doc, schema.items as Schema, item, closed, `${at}[${i}]`)));
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) if (!(name in object)) problems.push(`${at}.${name}: required`);
    for (const [name, field] of Object.entries(object)) {
      const declared = properties[name];
      if (declared) problems.push(...validate(doc, declared, field, closed, `${at}.${name}`));
      else if (typeof schema.additionalProperties === 'object') problems.push(...validate(doc, schema.additionalProperties as Schema, field, closed, `${at}.${name}`));
      else if (schema.additionalProperties === false || (closed && schema.additionalProperties !== true && schema.type === 'object')) problems.push(`${at}.${name}: not in the document`);
    }
  }
  return problems;
}

/** The schema of the JSON body documented for a status of an operation. */
export function responseSchema(doc: OpenApiDocument, operation: OpenApiOperation, status: number): { schema?: Schema; headers: Record<string, Schema> } | undefined {
  const node = operation.responses[String(status)];
  if (!node) return undefined;
  const response = deref(doc, node);
  const schema = response.content?.['application/json']?.schema as Schema | undefined;
  return { ...(schema ? { schema } : {}), headers: (response.headers ?? {}) as Record<string, Schema> };
}

export function requestSchema(doc: OpenApiDocument, operation: OpenApiOperation): Schema | undefined {
  if (!operation.requestBody) return undefined;
  return deref(doc, operation.requestBody).content?.['application/json']?.schema as Schema | undefined;
}
