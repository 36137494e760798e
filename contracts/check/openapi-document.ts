// Finding the schema of a message in an OpenAPI document: the request body or a response of an
// operation (by operationId), or a named component schema.
import type { BindingPlace } from './registry.ts';
import { DocumentSet, type Located } from './json-shape.ts';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operationId?: string | undefined;
  readonly node: Node;
}

export function operationsOf(root: unknown): Operation[] {
  const paths = isNode(root) && isNode(root.paths) ? root.paths : {};
  return Object.entries(paths).flatMap(([p, item]) =>
    isNode(item)
      ? HTTP_METHODS.filter((m) => isNode(item[m])).map((m) => {
          const node = item[m] as Node;
          return { method: m.toUpperCase(), path: p, operationId: typeof node.operationId === 'string' ? node.operationId : undefined, node };
        })
      : [],
  );
}

/** The JSON body schema of a request body or response node (application/json or +json). */
function bodySchema(docs: DocumentSet, at: Located): Located | undefined {
  const { node, file, root } = docs.deref(at);
  if (!isNode(node) || !isNode(node.content)) return undefined;
  const content = node.content;
  const type = Object.keys(content).find((t) => t === 'application/json') ?? Object.keys(content).find((t) => /[/+]json$/.test(t));
  const media = type ? content[type] : undefined;
  return isNode(media) && media.schema !== undefined ? { node: media.schema, file, root } : undefined;
}

/** `inventory.yaml createReservation 201` — how findings name a place. */
export function describePlace(documentName: string, place: BindingPlace): string {
  if ('schema' in place) return `${documentName} schema ${place.schema}`;
  return 'request' in place ? `${documentName} ${place.operation} request` : `${documentName} ${place.operation} ${place.response}`;
}

/** The schema at a binding place, or why there is none. */
export function schemaAt(docs: DocumentSet, file: string, place: BindingPlace): Located | string {
  const root = docs.load(file);
  if ('schema' in place) {
    const node = DocumentSet.at(root, `/components/schemas/${place.schema}`);
    return node === undefined ? `no components/schemas/${place.schema}` : { node, file, root };
  }
  const op = operationsOf(root).find((o) => o.operationId === place.operation);
  if (!op) return `no operation ${place.operation}`;
  if ('request' in place) {
    const body = op.node.requestBody === undefined ? undefined : bodySchema(docs, { node: op.node.requestBody, file, root });
    return body ?? `operation ${place.operation} has no JSON request body`;
  }
  const responses = isNode(op.node.responses) ? op.node.responses : {};
  const response = responses[place.response];
  if (response === undefined) return `operation ${place.operation} documents no ${place.response} response`;
  return bodySchema(docs, { node: response, file, root }) ?? `operation ${place.operation} ${place.response} has no JSON body`;
}
