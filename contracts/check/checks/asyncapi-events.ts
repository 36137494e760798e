// Events between the AsyncAPI documents and the code's event schemas (seed 004 §12, §19: "old event
// samples still deserialize", "event validates against schema"). Events do not exist yet; this
// check waits for them and reports itself skipped ("not yet present") until then.
//
// What it expects once they exist:
//   contracts/asyncapi/*.yaml   AsyncAPI 2.x or 3.x; each message (components.messages, or under
//                               channels) is an event type: its `name`, else its key
//   src/main/event-catalogue.ts (ContractSources.eventSchemasModule) exporting
//     export const EVENT_SCHEMAS: Readonly<Record<string, z.ZodType>>
//       event type (the AsyncAPI message name) → zod schema of the whole message payload as
//       produced (envelope included, if the payload has one)
//     export const SAMPLE_EVENTS: Readonly<Record<string, readonly unknown[]>>
//       event type → example events, including old versions that must still be read
// Then: every AsyncAPI message has a zod schema and at least one sample and vice versa; the zod
// schema and the payload schema describe the same fields, required-ness and enum values; every
// sample passes both; every event the error map names exists.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { CheckInputs, ContractCheck } from '../check-inputs.ts';
import { importModule, isZod, jsonSchemaOf } from '../code-module.ts';
import { Findings, skipped, type CheckResult } from '../finding.ts';
import { DocumentSet, shapeOf, validate, type Located } from '../json-shape.ts';
import { loadErrorMap, registryFiles } from '../registry.ts';
import { compareShapes } from '../shape-compare.ts';
import { shown, type ContractSources } from '../sources.ts';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface AsyncApiMessage {
  readonly eventType: string;
  readonly file: string;
  /** where in the document, for findings */
  readonly at: string;
  readonly payload: Located | undefined;
  /** the Kafka message key binding (resolved), as JSON: what records are partitioned by */
  readonly kafkaKey: string;
}

/** Every message of an AsyncAPI document (2.x or 3.x), by event type. */
export function asyncApiMessages(docs: DocumentSet, file: string): AsyncApiMessage[] {
  const root = docs.load(file);
  const found = new Map<string, AsyncApiMessage>();
  const add = (key: string, at: string, node: unknown): void => {
    const resolved = docs.deref({ node, file, root });
    if (!isNode(resolved.node)) return;
    const message = resolved.node;
    if (Array.isArray(message.oneOf)) {
      message.oneOf.forEach((m, i) => add(key, `${at}/oneOf/${i}`, m));
      return;
    }
    const eventType = typeof message.name === 'string' ? message.name : key;
    let kafkaKey = 'null';
    try {
      const bindings = docs.deref({ node: message.bindings ?? null, file: resolved.file, root: resolved.root }).node;
      const kafka = isNode(bindings) ? bindings.kafka : undefined;
      if (isNode(kafka) && kafka.key !== undefined) kafkaKey = JSON.stringify(docs.deref({ node: kafka.key, file: resolved.file, root: resolved.root }).node);
    } catch {
      kafkaKey = 'unresolved';
    }
    let payload: unknown = message.payload;
    // AsyncAPI 3 multi-format schema: { schemaFormat, schema }
    if (isNode(payload) && 'schemaFormat' in payload && 'schema' in payload) payload = payload.schema;
    if (!found.has(eventType)) found.set(eventType, { eventType, file, at, kafkaKey, payload: payload === undefined ? undefined : { node: payload, file: resolved.file, root: resolved.root } });
  };
  const components = isNode(root) && isNode(root.components) && isNode(root.components.messages) ? root.components.messages : {};
  for (const [key, m] of Object.entries(components)) add(key, `#/components/messages/${key}`, m);
  const channels = isNode(root) && isNode(root.channels) ? root.channels : {};
  for (const [name, ch] of Object.entries(channels)) {
    if (!isNode(ch)) continue;
    for (const op of ['publish', 'subscribe']) if (isNode(ch[op]) && ch[op].message !== undefined) add(name, `#/channels/${name}/${op}/message`, ch[op].message);
    if (isNode(ch.messages)) for (const [key, m] of Object.entries(ch.messages)) add(key, `#/channels/${name}/messages/${key}`, m);
  }
  return [...found.values()];
}

/** The exports the check reads from the event schema module (see the top of this file). */
export interface EventRegistry {
  readonly EVENT_SCHEMAS?: unknown;
  readonly SAMPLE_EVENTS?: unknown;
}

/** The check itself; `registry` replaces importing ContractSources.eventSchemasModule (tests). */
export async function checkAsyncApiEvents(sources: ContractSources, registry?: EventRegistry): Promise<CheckResult> {
  const name = 'asyncapi-events';
  const title = 'AsyncAPI messages, zod event schemas and sample events agree';
  const dir = path.join(sources.contractsDir, 'asyncapi');
  const documents = existsSync(dir) ? readdirSync(dir).filter((x) => /\.ya?ml$/.test(x)).sort().map((x) => path.join(dir, x)) : [];
  const moduleFile = sources.eventSchemasModule;
  const hasModule = registry !== undefined || existsSync(moduleFile);
  if (!documents.length && !hasModule) return skipped(name, title, `not yet present: no ${shown(sources, dir)}/*.yaml and no ${shown(sources, moduleFile)}`);

  const f = new Findings(name);
  const moduleName = shown(sources, moduleFile);
  if (!documents.length) f.add(moduleName, 'EVENT_SCHEMAS', `event schemas exist, but no AsyncAPI document in ${shown(sources, dir)} describes them`);
  if (!hasModule) f.add(shown(sources, dir), '(documents)', `AsyncAPI documents exist, but ${moduleName} (EVENT_SCHEMAS, SAMPLE_EVENTS) does not`);
  const mod: EventRegistry = registry ?? (hasModule ? await importModule(sources.root, moduleFile) : {});
  const schemas = (isNode(mod.EVENT_SCHEMAS) ? mod.EVENT_SCHEMAS : {}) as Record<string, unknown>;
  const samples = (isNode(mod.SAMPLE_EVENTS) ? mod.SAMPLE_EVENTS : {}) as Record<string, unknown>;
  if (hasModule && !isNode(mod.EVENT_SCHEMAS)) f.add(moduleName, 'EVENT_SCHEMAS', 'is not exported as Record<eventType, zod schema>');
  if (hasModule && !isNode(mod.SAMPLE_EVENTS)) f.add(moduleName, 'SAMPLE_EVENTS', 'is not exported as Record<eventType, unknown[]>');

  const docs = new DocumentSet();
  const messages = documents.flatMap((d) => asyncApiMessages(docs, d));
  for (const m of messages) {
    const docName = shown(sources, m.file);
    const schema = schemas[m.eventType];
    if (!m.payload) f.add(docName, m.at, `message ${m.eventType} has no payload schema`);
    if (!isZod(schema)) {
      f.add(moduleName, `EVENT_SCHEMAS.${m.eventType}`, `no zod schema for event ${m.eventType} of ${docName}`);
      continue;
    }
    const json = jsonSchemaOf(schema, 'output');
    const code = shapeOf(docs, { node: json, file: path.resolve(moduleFile), root: json });
    const doc = m.payload ? shapeOf(docs, m.payload) : undefined;
    if (doc) for (const i of compareShapes(code, doc, 'serves', { code: `zod EVENT_SCHEMAS.${m.eventType}`, document: `${docName} ${m.eventType}` })) f.add(docName, `${m.eventType}: ${i.path || '(payload)'}`, i.message);
    const examples = Array.isArray(samples[m.eventType]) ? (samples[m.eventType] as unknown[]) : [];
    if (!examples.length) f.add(moduleName, `SAMPLE_EVENTS.${m.eventType}`, `no sample event for ${m.eventType}`);
    examples.forEach((sample, i) => {
      const parsed = schema.safeParse(sample);
      if (!parsed.success) f.add(moduleName, `SAMPLE_EVENTS.${m.eventType}[${i}]`, `fails the zod schema: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
      for (const p of doc ? validate(doc, sample, 'payload') : []) f.add(docName, `${m.eventType}: SAMPLE_EVENTS[${i}]`, `sample fails the AsyncAPI payload: ${p}`);
    });
  }
  const documented = new Set(messages.map((m) => m.eventType));
  for (const type of Object.keys(schemas)) if (!documented.has(type)) f.add(moduleName, `EVENT_SCHEMAS.${type}`, `event ${type} is in no AsyncAPI document of ${shown(sources, dir)}`);
  const mapFile = shown(sources, registryFiles(sources).errorMap);
  for (const [key, e] of Object.entries(loadErrorMap(sources).errors)) {
    if (e.event?.eventType && !documented.has(e.event.eventType)) f.add(mapFile, `${key}.event`, `names event ${e.event.eventType}, which no AsyncAPI document has`);
  }
  return f.result(title, `${messages.length} message(s) in ${documents.length} document(s)`);
}

export const asyncapiEvents: ContractCheck = {
  name: 'asyncapi-events',
  title: 'AsyncAPI messages, zod event schemas and sample events agree',
  run: ({ sources }: CheckInputs) => checkAsyncApiEvents(sources),
};
