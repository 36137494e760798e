// Changes between two versions of an OpenAPI document, per operation: operations and parameters
// added or removed, request body fields (clients write), response fields per status (clients
// read), classified as seed 004 §20.1 says.
import { DocumentSet, shapeOf, type Located } from '../check/json-shape.ts';
import { operationsOf, schemaAt, type Operation } from '../check/openapi-document.ts';
import type { ContractChange } from './change.ts';
import { fieldChanges, type Reader } from './schema-changes.ts';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const opKey = (o: Operation) => `${o.method} ${o.path.replace(/\{[^}]+\}/g, '{}')}`;

function parameters(docs: DocumentSet, file: string, o: Operation): Map<string, { required: boolean; schema: Located }> {
  const root = docs.load(file);
  const out = new Map<string, { required: boolean; schema: Located }>();
  for (const p of Array.isArray(o.node.parameters) ? o.node.parameters : []) {
    const { node, file: f, root: r } = docs.deref({ node: p, file, root });
    if (!isNode(node) || typeof node.name !== 'string') continue;
    out.set(`${String(node.in)} ${node.name}`, { required: node.required === true, schema: { node: node.schema, file: f, root: r } });
  }
  return out;
}

export function openapiChanges(display: string, before: { docs: DocumentSet; file: string } | undefined, after: { docs: DocumentSet; file: string } | undefined): ContractChange[] {
  const out: ContractChange[] = [];
  const add = (element: string, change: string, classification: ContractChange['classification'], note?: string) => out.push({ contract: 'openapi', file: display, element, change, classification, note });
  if (!before && !after) return out;
  if (!before) return [{ contract: 'openapi', file: display, element: '(document)', change: 'new document', classification: 'compatible' }];
  if (!after) return [{ contract: 'openapi', file: display, element: '(document)', change: 'document removed', classification: 'breaking', note: 'every client of it breaks' }];

  const oldOps = new Map(operationsOf(before.docs.load(before.file)).map((o) => [opKey(o), o]));
  const newOps = new Map(operationsOf(after.docs.load(after.file)).map((o) => [opKey(o), o]));
  for (const [key, o] of oldOps) if (!newOps.has(key)) add(`${o.method} ${o.path}`, `operation removed${o.operationId ? ` (${o.operationId})` : ''}`, 'breaking');
  for (const [key, o] of newOps) if (!oldOps.has(key)) add(`${o.method} ${o.path}`, `operation added${o.operationId ? ` (${o.operationId})` : ''}`, 'compatible');

  for (const [key, o] of newOps) {
    const old = oldOps.get(key);
    if (!old) continue;
    const name = `${o.method} ${o.path}`;
    const compare = (a: Located, b: Located, reader: Reader, where: string) => {
      for (const c of fieldChanges(shapeOf(before.docs, a), shapeOf(after.docs, b), reader)) add(`${name} ${where}${c.field ? ` ${c.field}` : ''}`, c.change, c.classification);
    };

    // parameters (clients send them)
    const pa = parameters(before.docs, before.file, old);
    const pb = parameters(after.docs, after.file, o);
    for (const [p, v] of pb) {
      const was = pa.get(p);
      if (!was) add(`${name} parameter ${p}`, `${v.required ? 'required' : 'optional'} parameter added`, v.required ? 'breaking' : 'compatible');
      else {
        if (!was.required && v.required) add(`${name} parameter ${p}`, 'optional → required', 'breaking');
        if (was.required && !v.required) add(`${name} parameter ${p}`, 'required → optional', 'compatible');
        compare(was.schema, v.schema, 'request', `parameter ${p}`);
      }
    }
    for (const p of pa.keys()) if (!pb.has(p)) add(`${name} parameter ${p}`, 'parameter removed', 'potentially-breaking', 'clients still sending it are ignored or refused');

    // request body
    const ra = schemaAt(before.docs, before.file, { operation: old.operationId ?? '', request: true });
    const rb = schemaAt(after.docs, after.file, { operation: o.operationId ?? '', request: true });
    if (old.operationId && o.operationId) {
      if (typeof ra !== 'string' && typeof rb !== 'string') compare(ra, rb, 'request', 'request');
      else if (typeof ra === 'string' && typeof rb !== 'string') add(`${name} request`, 'request body added', 'breaking');
      else if (typeof ra !== 'string' && typeof rb === 'string') add(`${name} request`, 'request body removed', 'breaking');
    }

    // responses
    const sa = isNode(old.node.responses) ? Object.keys(old.node.responses) : [];
    const sb = isNode(o.node.responses) ? Object.keys(o.node.responses) : [];
    for (const s of sb.filter((x) => !sa.includes(x))) add(`${name} ${s}`, 'response status added', 'potentially-breaking', 'clients may not handle the new status');
    for (const s of sa.filter((x) => !sb.includes(x))) add(`${name} ${s}`, 'response status removed', 'compatible');
    for (const s of sb.filter((x) => sa.includes(x))) {
      if (!old.operationId || !o.operationId) continue;
      const a = schemaAt(before.docs, before.file, { operation: old.operationId, response: s });
      const b = schemaAt(after.docs, after.file, { operation: o.operationId, response: s });
      if (typeof a !== 'string' && typeof b !== 'string') compare(a, b, 'response', s);
    }
  }
  return out;
}
