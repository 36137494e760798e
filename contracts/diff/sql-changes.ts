// Changes a migration makes to the schema, classified as seed 004 §20.3 says: expand (safe for the
// code running now), contract/tighten (breaking unless data and code are ready), or review (data
// changes and anything the classifier does not know). Migrations are append-only: an edited or
// deleted migration that already ran somewhere is breaking by itself.
import type { Classification, ContractChange } from './change.ts';
import { enumChecks, statements, topLevelParts } from './sql-statements.ts';

/** Enum CHECK constraints the base migrations define: name → values. */
export function knownEnumChecks(migrations: readonly string[]): Map<string, string[]> {
  const known = new Map<string, string[]>();
  for (const text of migrations) for (const s of statements(text)) for (const c of enumChecks(s)) known.set(c.name, c.values);
  return known;
}

function classifyStatement(s: string, created: Set<string>, known: Map<string, string[]>): { change: string; classification: Classification; note?: string }[] {
  const lower = s.toLowerCase();
  let m: RegExpExecArray | null;
  if ((m = /^create table (?:if not exists )?([\w.]+)/.exec(lower))) {
    created.add(m[1] ?? '');
    for (const c of enumChecks(s)) known.set(c.name, c.values);
    return [{ change: `table ${m[1]} created`, classification: 'expand' }];
  }
  if ((m = /^create (unique )?index (?:concurrently )?(?:if not exists )?(\w+)? ?on (?:only )?([\w.]+)/.exec(lower))) {
    const unique = Boolean(m[1]);
    const onNew = created.has(m[3] ?? '');
    return [{ change: `${unique ? 'unique ' : ''}index ${m[2] ?? ''} on ${m[3]}`, classification: unique && !onNew ? 'potentially-breaking' : 'expand', note: unique && !onNew ? 'existing duplicates fail the migration; old code may insert duplicates' : undefined }];
  }
  if ((m = /^alter table (?:only )?(?:if exists )?([\w.]+) (.*)$/.exec(lower))) {
    const table = m[1] ?? '';
    const fresh = created.has(table);
    const original = s.slice(s.length - (m[2] ?? '').length);
    return topLevelParts(original).map((clause) => classifyClause(table, clause, fresh, known));
  }
  if ((m = /^drop table (?:if exists )?([\w.,\s]+)/.exec(lower))) return [{ change: `table ${m[1]?.trim()} dropped`, classification: 'breaking', note: 'contract step: only once no code reads or writes it' }];
  if ((m = /^drop function (?:if exists )?([\w.]+)/.exec(lower))) return [{ change: `function ${m[1]} dropped`, classification: 'breaking', note: 'old code or processes may still call it' }];
  if ((m = /^create (or replace )?function ([\w.]+)/.exec(lower))) return [{ change: `function ${m[2]} ${m[1] ? 'created or replaced' : 'created'}`, classification: m[1] ? 'review' : 'expand', note: m[1] ? 'a replaced function changes behaviour for every caller' : undefined }];
  if ((m = /^create (?:or replace )?trigger (\w+)/.exec(lower))) return [{ change: `trigger ${m[1]} created`, classification: 'expand' }];
  if ((m = /^drop (index|trigger) (?:if exists )?(\w+)/.exec(lower))) return [{ change: `${m[1]} ${m[2]} dropped`, classification: 'review' }];
  if (/^(insert|update|delete)\b/.test(lower)) return [{ change: 'data change', classification: 'review', note: 'data repair: check it against the data already there' }];
  return [{ change: `not classified: ${s.slice(0, 80)}`, classification: 'review' }];
}

function classifyClause(table: string, clause: string, fresh: boolean, known: Map<string, string[]>): { change: string; classification: Classification; note?: string } {
  const lower = clause.toLowerCase();
  let m: RegExpExecArray | null;
  if ((m = /^add (?:column )?(?:if not exists )?(\w+)\s/.exec(lower)) && !/^add constraint/.test(lower)) {
    const notNull = /\bnot null\b/.test(lower);
    const withDefault = /\bdefault\b/.test(lower);
    if (notNull && !withDefault && !fresh) return { change: `${table}.${m[1]} added, not null without default`, classification: 'breaking', note: 'inserts of the code running now fail' };
    return { change: `${table}.${m[1]} added${notNull ? ' (not null, with default)' : ' (nullable)'}`, classification: 'expand' };
  }
  if ((m = /^drop (?:column )?(?:if exists )?(\w+)/.exec(lower)) && !/^drop constraint/.test(lower)) return { change: `${table}.${m[1]} dropped`, classification: 'breaking', note: 'contract step: only once no code reads or writes it' };
  if ((m = /^rename (?:column )?(\w+) to (\w+)/.exec(lower))) return { change: `${table}.${m[1]} renamed to ${m[2]}`, classification: 'breaking', note: 'add the new column, copy, switch readers, then drop (seed 004 §23)' };
  if ((m = /^rename to (\w+)/.exec(lower))) return { change: `table ${table} renamed to ${m[1]}`, classification: 'breaking' };
  if ((m = /^alter (?:column )?(\w+) set not null/.exec(lower))) return { change: `${table}.${m[1]} set not null`, classification: 'breaking', note: 'tightened: rows and code must be ready' };
  if ((m = /^alter (?:column )?(\w+) drop not null/.exec(lower))) return { change: `${table}.${m[1]} may be null now`, classification: 'expand', note: 'readers must handle null' };
  if ((m = /^alter (?:column )?(\w+) (?:set data )?type /.exec(lower))) return { change: `${table}.${m[1]} type changed`, classification: 'breaking' };
  if ((m = /^alter (?:column )?(\w+) (set|drop) default/.exec(lower))) return { change: `${table}.${m[1]} default ${m[2] === 'set' ? 'set' : 'dropped'}`, classification: m[2] === 'set' ? 'expand' : 'review' };
  if ((m = /^drop constraint (?:if exists )?(\w+)/.exec(lower))) return { change: `${table} constraint ${m[1]} dropped`, classification: 'expand', note: 'loosened (re-added below if this is a change of its values)' };
  if ((m = /^add constraint (\w+) check/.exec(lower))) {
    const name = m[1] ?? '';
    const [now] = enumChecks(clause);
    const before = known.get(name);
    if (now) known.set(name, now.values);
    if (fresh) return { change: `${table} constraint ${name} added`, classification: 'expand' };
    if (now && before) {
      const removed = before.filter((v) => !now.values.includes(v));
      const added = now.values.filter((v) => !before.includes(v));
      if (removed.length) return { change: `${table} constraint ${name}: values removed ${removed.join(', ')}${added.length ? `, added ${added.join(', ')}` : ''}`, classification: 'breaking', note: 'tightened: existing rows and the code running now may hold the removed values' };
      if (added.length) return { change: `${table} constraint ${name}: values added ${added.join(', ')}`, classification: 'expand', note: 'widened; readers of the enum (code, events, clients) may not know the new values: potentially breaking for them' };
      return { change: `${table} constraint ${name} re-created unchanged`, classification: 'cosmetic' };
    }
    return { change: `${table} check constraint ${name} added`, classification: 'breaking', note: 'tightened: existing rows and the code running now must comply' };
  }
  if ((m = /^add constraint (\w+) (unique|foreign key|primary key|exclude)/.exec(lower))) {
    return { change: `${table} ${m[2]} constraint ${m[1]} added`, classification: fresh ? 'expand' : 'breaking', note: fresh ? undefined : 'tightened: existing rows and the code running now must comply' };
  }
  return { change: `${table}: not classified: ${clause.slice(0, 80)}`, classification: 'review' };
}

/** Changes of the migrations folder between the base and now (file name → text). */
export function sqlChanges(dir: string, before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): ContractChange[] {
  const out: ContractChange[] = [];
  const add = (file: string, element: string, change: string, classification: Classification, note?: string) => out.push({ contract: 'sql', file: `${dir}/${file}`, element, change, classification, note });
  for (const [file, text] of before) {
    const now = after.get(file);
    if (now === undefined) add(file, '(migration)', 'migration deleted', 'breaking', 'databases that ran it keep its effects; write a new migration instead');
    else if (now.replace(/\s+/g, ' ').trim() !== text.replace(/\s+/g, ' ').trim()) add(file, '(migration)', 'an existing migration was edited', 'breaking', 'databases that already ran it never see the edit; write a new migration instead');
  }
  const known = knownEnumChecks([...before.values()]);
  const created = new Set<string>();
  for (const [file, text] of [...after].filter(([f]) => !before.has(f)).sort(([a], [b]) => a.localeCompare(b))) {
    statements(text).forEach((s, i) => {
      for (const c of classifyStatement(s, created, known)) add(file, `statement ${i + 1}`, c.change, c.classification, c.note);
    });
  }
  return out;
}
