// Test support: checks a real HTTP answer of the intake against the OpenAPI document that promises
// it — the status must be documented for the operation, the media type must be the documented
// one, the body must match its schema (closed: no undocumented fields), and required headers must
// be present. Returns the problems ([] = conforms) so a test can show all of them at once.
import { findOperation, validate, deref, loadOpenApi, type OpenApiDocument, type Schema } from '../../simulators/testing/openapi-check.ts';

/**
 * A document with its references into sibling documents ("./intake.yaml#/components/schemas/X")
 * inlined, so the local-only validator can follow every $ref.
 */
export function loadBundled(name: string): OpenApiDocument {
  const docs = new Map<string, OpenApiDocument>();
  const load = (file: string): OpenApiDocument => {
    const cached = docs.get(file) ?? loadOpenApi(file);
    docs.set(file, cached);
    return cached;
  };
  const inline = (node: unknown, file: string, depth: number): unknown => {
    if (depth > 50) throw new Error(`$ref nesting too deep in ${file}`);
    if (Array.isArray(node)) return node.map((n) => inline(n, file, depth + 1));
    if (node === null || typeof node !== 'object') return node;
    const ref = (node as Schema).$ref;
    if (typeof ref === 'string' && !ref.startsWith('#')) {
      const [target = '', pointer = ''] = ref.split('#');
      const other = target.replace(/^\.\//, '').replace(/\.yaml$/, '');
      return inline(deref(load(other), { $ref: `#${pointer}` }), other, depth + 1);
    }
    if (typeof ref === 'string' && file !== name) return inline(deref(load(file), node as Schema), file, depth + 1);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v, file, depth + 1)]));
  };
  return inline(load(name), name, 0) as OpenApiDocument;
}

export interface RecordedAnswer {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

export function conformanceProblems(doc: OpenApiDocument, answer: RecordedAnswer): string[] {
  const where = `${answer.method} ${answer.path} → ${answer.status}`;
  const found = findOperation(doc, answer.method, answer.path.split('?')[0] ?? answer.path);
  if (!found) return [`${where}: no documented operation`];
  const node = found.operation.responses[String(answer.status)];
  if (!node) return [`${where}: status not documented for ${found.operation.operationId ?? found.path} (documented: ${Object.keys(found.operation.responses).join(', ')})`];
  const response = deref(doc, node);
  const problems: string[] = [];
  const content = (response.content ?? {}) as Record<string, { schema?: Record<string, unknown> }>;
  const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  const documented = content[mediaType];
  if (Object.keys(content).length > 0 && !documented) problems.push(`${where}: media type "${mediaType}" is not documented (documented: ${Object.keys(content).join(', ')})`);
  if (documented?.schema) problems.push(...validate(doc, documented.schema, answer.body, true).map((p) => `${where}: ${p}`));
  for (const [name, header] of Object.entries((response.headers ?? {}) as Record<string, { required?: boolean }>)) {
    if (header.required === true && answer.headers.get(name) === null) problems.push(`${where}: required header ${name} missing`);
  }
  return problems;
}

/** Sends a request and records the answer (the body parsed as JSON when it is JSON). */
export async function record(baseUrl: string, method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<RecordedAnswer> {
  const res = await fetch(`${baseUrl}${path}`, { method, ...(init.headers ? { headers: init.headers } : {}), ...(init.body !== undefined ? { body: init.body } : {}) });
  const text = await res.text();
  const isJson = /json/.test(res.headers.get('content-type') ?? '');
  return { method, path, status: res.status, headers: res.headers, body: isJson && text.length > 0 ? (JSON.parse(text) as unknown) : text };
}
