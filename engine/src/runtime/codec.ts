// Runtime state ⇄ plain JSON for snapshots, one walk each way: no JSON round trip, because a
// snapshot of 10,000 active instances is tens of MB and both directions block the command loop.
// Maps and Sets are tagged ({$map: entries}, {$set: values}); a plain object that itself has such
// a key (a variable's value is user data) is wrapped as {$obj: ...}; everything else is data.
//
// The state shares two things by reference, written once and relinked when decoding (a JSON copy
// would split them, and the read side would stop seeing updates): a process element instance's
// `vars` is its instance's `rootVars`, and an element instance's `record` is the one in its
// instance's `elementRecords`. Element records leave out the fields they repeat from their instance.
import type { ElementInstance, RuntimeState } from './state.ts';

const TAGS = ['$map', '$set', '$obj'] as const;
const DOLLAR = 36;
/** element record fields that repeat their instance's (left out of snapshots, shared again on decode) */
const INHERITED = ['processInstanceKey', 'processDefinitionKey', 'bpmnProcessId', 'tenantId'] as const;

type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

/** a deep copy as JSON data (undefined properties left out), never sharing objects with the state */
function toPlain(value: unknown): Plain {
  if (value === null || typeof value !== 'object') return value as Plain;
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toPlain(item)));
  if (value instanceof Map) return { $map: Array.from(value, ([key, item]) => [toPlain(key), toPlain(item)]) };
  if (value instanceof Set) return { $set: Array.from(value, (item) => toPlain(item)) };
  const plain: { [key: string]: Plain } = {};
  let tagged = false;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    plain[key] = toPlain(item);
    if (key.charCodeAt(0) === DOLLAR && (TAGS as readonly string[]).includes(key)) tagged = true;
  }
  return tagged ? { $obj: plain } : plain;
}

/** turns tagged objects back into Maps and Sets, reusing the parsed arrays and objects in place */
function fromPlain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) value[index] = fromPlain(value[index]);
    return value;
  }
  const object = value as Record<string, unknown>;
  if (Object.hasOwn(object, '$map')) return new Map((object.$map as [unknown, unknown][]).map(([key, item]) => [key, fromPlain(item)]));
  if (Object.hasOwn(object, '$set')) return new Set((object.$set as unknown[]).map(fromPlain));
  const target = (Object.hasOwn(object, '$obj') ? object.$obj : object) as Record<string, unknown>;
  for (const key in target) target[key] = fromPlain(target[key]);
  return target;
}

export function encodeState(state: RuntimeState): unknown {
  const sharedRecords = new Set<object>();
  for (const instance of state.instances.values()) for (const record of instance.elementRecords) sharedRecords.add(record);
  const { elementInstances, instances, ...rest } = state;
  const plain = toPlain(rest) as { [key: string]: Plain };
  plain.instances = {
    $map: Array.from(instances, ([key, instance]) => {
      const { elementRecords, ...own } = instance;
      const encoded = toPlain(own) as { [key: string]: Plain };
      encoded.elementRecords = elementRecords.map((record) => {
        const trimmed = toPlain(record) as { [key: string]: Plain };
        for (const field of INHERITED) if (trimmed[field] === instance.record[field]) delete trimmed[field];
        return trimmed;
      });
      return [key, encoded];
    }),
  };
  plain.elementInstances = {
    $map: Array.from(elementInstances, ([key, elementInstance]) => {
      const { record, vars, ...own } = elementInstance;
      const encoded = toPlain(own) as { [key: string]: Plain };
      if (!sharedRecords.has(record)) encoded.record = toPlain(record);
      const rootVars = elementInstance.kind === 'process' ? state.instances.get(key)?.rootVars : undefined;
      if (vars !== undefined && vars !== rootVars) encoded.vars = toPlain(vars);
      return [key, encoded];
    }),
  };
  return plain;
}

/** takes ownership of `encoded` (parsed snapshot JSON): its arrays and objects become the state's */
export function decodeState(encoded: unknown): RuntimeState {
  const state = fromPlain(encoded) as RuntimeState;
  const records = new Map<string, ElementInstance['record']>();
  for (const instance of state.instances.values()) {
    for (const record of instance.elementRecords) {
      for (const field of INHERITED) record[field] ??= instance.record[field];
      records.set(record.elementInstanceKey, record);
    }
  }
  for (const elementInstance of state.elementInstances.values()) {
    // the one object both the element instance and the read side update
    elementInstance.record = records.get(elementInstance.key) ?? elementInstance.record;
    if (elementInstance.kind === 'process' && elementInstance.vars === undefined) {
      elementInstance.vars = state.instances.get(elementInstance.key)?.rootVars;
    }
  }
  return state;
}
