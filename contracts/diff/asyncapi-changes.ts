// Changes between two versions of an AsyncAPI document (seed 004 §20.2): events added or removed,
// payload fields (consumers read them, like an HTTP response), channel addresses and message keys
// (a changed partition key changes ordering: breaking operationally).
import { asyncApiMessages } from '../check/checks/asyncapi-events.ts';
import { DocumentSet, shapeOf } from '../check/json-shape.ts';
import type { ContractChange } from './change.ts';
import { fieldChanges } from './schema-changes.ts';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** channel name → address and the Kafka message key description, if any */
function channels(docs: DocumentSet, file: string): Map<string, { address: string; key: string }> {
  const root = docs.load(file);
  const out = new Map<string, { address: string; key: string }>();
  const all = isNode(root) && isNode(root.channels) ? root.channels : {};
  for (const [name, ch] of Object.entries(all)) {
    if (!isNode(ch)) continue;
    const address = typeof ch.address === 'string' ? ch.address : name;
    const bindings = isNode(ch.bindings) && isNode(ch.bindings.kafka) ? ch.bindings.kafka : undefined;
    const messageKey = JSON.stringify(bindings?.key ?? (isNode(ch['x-partition-key']) || typeof ch['x-partition-key'] === 'string' ? ch['x-partition-key'] : null));
    out.set(name, { address, key: messageKey });
  }
  return out;
}

export function asyncapiChanges(display: string, before: { docs: DocumentSet; file: string } | undefined, after: { docs: DocumentSet; file: string } | undefined): ContractChange[] {
  const out: ContractChange[] = [];
  const add = (element: string, change: string, classification: ContractChange['classification'], note?: string) => out.push({ contract: 'asyncapi', file: display, element, change, classification, note });
  if (!before && !after) return out;
  if (!before) return [{ contract: 'asyncapi', file: display, element: '(document)', change: 'new document', classification: 'compatible' }];
  if (!after) return [{ contract: 'asyncapi', file: display, element: '(document)', change: 'document removed', classification: 'breaking' }];

  const ca = channels(before.docs, before.file);
  const cb = channels(after.docs, after.file);
  for (const [name, c] of ca) {
    const now = cb.get(name);
    if (!now) add(`channel ${name}`, 'channel removed', 'breaking');
    else {
      if (now.address !== c.address) add(`channel ${name}`, `address ${c.address} → ${now.address}`, 'breaking', 'consumers subscribe to the old topic');
      if (now.key !== c.key) add(`channel ${name}`, `message key ${c.key} → ${now.key}`, 'breaking', 'partitioning and so ordering per key change (breaking operationally)');
    }
  }
  for (const name of cb.keys()) if (!ca.has(name)) add(`channel ${name}`, 'channel added', 'compatible');

  const ma = new Map(asyncApiMessages(before.docs, before.file).map((m) => [m.eventType, m]));
  const mb = new Map(asyncApiMessages(after.docs, after.file).map((m) => [m.eventType, m]));
  for (const type of ma.keys()) if (!mb.has(type)) add(`event ${type}`, 'event type removed', 'breaking');
  for (const type of mb.keys()) if (!ma.has(type)) add(`event ${type}`, 'event type added', 'potentially-breaking', 'consumers of the channel must tolerate an unknown event type');
  for (const [type, m] of mb) {
    const old = ma.get(type);
    if (old && old.kafkaKey !== m.kafkaKey) add(`event ${type}`, `message key ${old.kafkaKey} → ${m.kafkaKey}`, 'breaking', 'partitioning and so ordering per key change (breaking operationally)');
    if (!old?.payload || !m.payload) continue;
    for (const c of fieldChanges(shapeOf(before.docs, old.payload), shapeOf(after.docs, m.payload), 'response')) add(`event ${type}${c.field ? ` ${c.field}` : ''}`, c.change, c.classification);
  }
  return out;
}
