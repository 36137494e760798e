// Field-level changes between two versions of a message schema, classified by who reads the
// message (seed 004 §20.1/§20.2):
//   request   clients write, we read: a new required field or a removed/renamed one breaks
//             clients; a new optional field does not; a new enum value does not
//   response  (and events) we write, clients read: a removed/renamed field or one that may now be
//             missing breaks them; a new field does not; a new enum value may (a client's switch
//             without default), so it is potentially breaking
import type { Shape } from '../check/json-shape.ts';
import type { Classification } from './change.ts';

export type Reader = 'request' | 'response';

interface Field {
  readonly types: string;
  readonly values: readonly string[] | undefined;
  readonly required: boolean;
}

/** Every field of a message by path (`items[].quantity`); '' is the message itself. */
export function flatten(shape: Shape, at = '', required = true, out = new Map<string, Field>(), depth = 0): Map<string, Field> {
  out.set(at, {
    types: shape.types === 'any' ? 'any' : [...shape.types].sort().join('|'),
    values: shape.values?.map((v) => JSON.stringify(v)),
    required,
  });
  if (depth > 12) return out;
  for (const [key, field] of shape.properties ?? []) flatten(field, at ? `${at}.${key}` : key, shape.required?.has(key) ?? false, out, depth + 1);
  if (shape.items) flatten(shape.items, `${at}[]`, true, out, depth + 1);
  if (shape.additional) flatten(shape.additional, `${at}.*`, false, out, depth + 1);
  return out;
}

export interface FieldChange {
  readonly field: string;
  readonly change: string;
  readonly classification: Classification;
}

const parentOf = (p: string): string => /^(.*)(\.[^.]+|\[\])$/.exec(p)?.[1] ?? '';
const leafOf = (p: string): string => p.slice(parentOf(p).length).replace(/^\./, '');

export function fieldChanges(before: Shape, after: Shape, reader: Reader): FieldChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const out: FieldChange[] = [];
  const inside = (p: string, set: readonly string[]) => set.some((s) => p !== s && (p.startsWith(`${s}.`) || p.startsWith(`${s}[]`)));
  const removedAll = [...a.keys()].filter((k) => !b.has(k));
  const addedAll = [...b.keys()].filter((k) => !a.has(k));
  // only the top of a removed or added subtree counts
  const removed = removedAll.filter((k) => !inside(k, removedAll));
  const added = addedAll.filter((k) => !inside(k, addedAll));
  // one field gone and one come under the same parent, of the same type, reads as a rename
  const renamed = new Map<string, string>();
  for (const r of removed) {
    const gone = removed.filter((x) => parentOf(x) === parentOf(r));
    const come = added.filter((x) => parentOf(x) === parentOf(r));
    const twin = come[0] === undefined ? undefined : b.get(come[0]);
    const was = a.get(r);
    if (gone.length === 1 && come.length === 1 && twin && was && twin.types === was.types && twin.required === was.required) renamed.set(r, come[0] ?? '');
  }

  for (const [from, to] of renamed) out.push({ field: from, change: `field renamed to ${leafOf(to)} (${to})`, classification: 'breaking' });
  for (const r of removed.filter((x) => !renamed.has(x))) out.push({ field: r, change: 'field removed', classification: 'breaking' });
  for (const x of added) {
    if ([...renamed.values()].includes(x)) continue;
    const f = b.get(x) as Field;
    if (reader === 'request') out.push({ field: x, change: f.required ? 'required field added' : 'optional field added', classification: f.required ? 'breaking' : 'compatible' });
    else out.push({ field: x, change: `${f.required ? 'required' : 'optional'} field added`, classification: 'compatible' });
  }
  for (const [k, old] of a) {
    const now = b.get(k);
    if (!now) continue;
    if (old.types !== now.types) out.push({ field: k, change: `type ${old.types} → ${now.types}`, classification: 'breaking' });
    if (old.required !== now.required) {
      const tighter = now.required; // request: clients must now send it; response: clients can now rely on it
      const breaking = reader === 'request' ? tighter : !tighter;
      out.push({ field: k, change: tighter ? 'optional → required' : 'required → optional', classification: breaking ? 'breaking' : 'compatible' });
    }
    const oldValues = old.values ?? [];
    const newValues = now.values ?? [];
    if (old.values && now.values) {
      const plus = newValues.filter((v) => !oldValues.includes(v));
      const minus = oldValues.filter((v) => !newValues.includes(v));
      if (plus.length) out.push({ field: k, change: `enum value(s) added: ${plus.join(', ')}`, classification: reader === 'request' ? 'compatible' : 'potentially-breaking' });
      if (minus.length) out.push({ field: k, change: `enum value(s) removed: ${minus.join(', ')}`, classification: reader === 'request' ? 'breaking' : 'compatible' });
    } else if (old.values && !now.values) {
      out.push({ field: k, change: 'enum dropped (any value now)', classification: reader === 'request' ? 'compatible' : 'potentially-breaking' });
    } else if (!old.values && now.values) {
      out.push({ field: k, change: `now an enum (${newValues.join(', ')})`, classification: reader === 'request' ? 'breaking' : 'compatible' });
    }
  }
  return out;
}
