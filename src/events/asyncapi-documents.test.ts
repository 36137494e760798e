// The AsyncAPI documents say exactly what the zod schemas accept: the same fields, required-ness,
// JSON types, enum values and formats, message by message (the contracts check compares them too;
// this keeps the event code's own suite honest without it). Also: topic, key and message names.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { PROVISIONING_RESULTS_TOPIC } from '../adapters/provisioning/result-event.ts';
import { EVENT_SCHEMAS } from '../main/event-catalogue.ts';
import { EVENT_TYPES, LIFECYCLE_TOPIC } from './event-schemas.ts';

type Node = Record<string, any>;
const load = (name: string): Node => parse(readFileSync(new URL(`../../contracts/asyncapi/${name}`, import.meta.url), 'utf8')) as Node;
const lifecycle = load('fulfillment-events.yaml');
const results = load('provisioning-results.yaml');

function deref(doc: Node, node: Node): Node {
  let current = node;
  while (typeof current.$ref === 'string') current = (current.$ref as string).slice(2).split('/').reduce((at: Node, key) => at[key], doc);
  return current;
}

/** What a schema allows, in comparable form (lengths and patterns left out). */
function summary(doc: Node, node: Node): unknown {
  const s = deref(doc, node);
  const values = Array.isArray(s.enum) ? s.enum : 'const' in s ? [s.const] : undefined;
  const properties = s.properties as Record<string, Node> | undefined;
  return {
    type: s.type,
    ...(values ? { values } : {}),
    ...(typeof s.format === 'string' ? { format: s.format } : {}),
    ...(properties ? { required: [...((s.required as string[] | undefined) ?? [])].sort(), properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, summary(doc, v)])) } : {}),
  };
}

const zodSummary = (schema: z.ZodType) => {
  const json = z.toJSONSchema(schema, { io: 'output' }) as Node;
  return summary(json, json);
};

describe('contracts/asyncapi/fulfillment-events.yaml', () => {
  const channel = lifecycle.channels[LIFECYCLE_TOPIC] as Node;

  it('is AsyncAPI 3 with the lifecycle channel, its topic and every event type as a message', () => {
    expect(lifecycle.asyncapi).toMatch(/^3\./);
    expect(channel.address).toBe(LIFECYCLE_TOPIC);
    expect(channel.bindings.kafka.topic).toBe(LIFECYCLE_TOPIC);
    expect(Object.keys(channel.messages)).toEqual([...EVENT_TYPES]);
    expect(lifecycle.operations.publishLifecycleEvents).toMatchObject({ action: 'send', channel: { $ref: `#/channels/${LIFECYCLE_TOPIC}` } });
  });

  it.each(EVENT_TYPES)('%s: named, keyed by the order id, and describing exactly the zod schema', (type) => {
    const message = deref(lifecycle, channel.messages[type] as Node);
    expect(message.name).toBe(type);
    expect(deref(lifecycle, deref(lifecycle, message.bindings).kafka.key)).toEqual(deref(lifecycle, { $ref: '#/components/schemas/OrderId' }));
    expect(summary(lifecycle, message.payload)).toEqual(zodSummary(EVENT_SCHEMAS[type]));
  });
});

describe('contracts/asyncapi/provisioning-results.yaml', () => {
  it('describes exactly what the adapter reads, on provisioning.results.v1', () => {
    const channel = results.channels[PROVISIONING_RESULTS_TOPIC] as Node;
    expect(channel.address).toBe(PROVISIONING_RESULTS_TOPIC);
    expect(Object.keys(channel.messages)).toEqual(['ServiceOrderStatusChanged']);
    const message = deref(results, channel.messages.ServiceOrderStatusChanged as Node);
    expect(message.name).toBe('ServiceOrderStatusChanged');
    expect(message.bindings.kafka.key.type).toBe('string');
    expect(summary(results, message.payload)).toEqual(zodSummary(EVENT_SCHEMAS.ServiceOrderStatusChanged));
  });
});
