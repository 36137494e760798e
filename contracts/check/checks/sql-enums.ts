// Enum values the database allows, read from the migrated database's CHECK constraints, against
// the enum map (and so, through the enums check, against the TypeScript constants): seed 004 §24
// drift 2, "the API accepts a value the database rejects", found before a user does. Also: every
// `column in (…)` CHECK constraint is registered in the map, and the database has every migration
// of migrations/ (else it is compared with an old schema).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckInputs, ContractCheck } from '../check-inputs.ts';
import { Findings, skipped } from '../finding.ts';
import { enumValuesOf, importModule, member } from '../code-module.ts';
import { loadEnumMap, registryFiles, splitCodeRef } from '../registry.ts';
import { shown } from '../sources.ts';
import { valueDrift } from './enums.ts';

/** The migration file that defines a constraint (the last one naming it), for findings. */
function definingMigration(migrationsDir: string, constraint: string): string | undefined {
  let files: string[];
  try {
    files = readdirSync(migrationsDir).filter((f) => f.endsWith('.sql')).sort();
  } catch {
    return undefined;
  }
  return files.reverse().find((f) => new RegExp(`\\b${constraint}\\b`).test(readFileSync(path.join(migrationsDir, f), 'utf8')));
}

export const sqlEnums: ContractCheck = {
  name: 'sql-enums',
  title: 'CHECK constraints of the migrated database allow exactly the enum values of the enum map',
  async run({ sources, database }: CheckInputs) {
    if (!database) return skipped(this.name, this.title, 'no database (run without --skip-db, with the stack up)');
    const f = new Findings(this.name);
    const mapFile = shown(sources, registryFiles(sources).enumMap);
    const migrations = shown(sources, sources.migrationsDir);
    const where = (constraint: string) => {
      const m = definingMigration(sources.migrationsDir, constraint);
      return m ? `${migrations}/${m}` : migrations;
    };

    const applied = await database.appliedMigrations();
    if (applied) {
      const onDisk = readdirSync(sources.migrationsDir).filter((x) => x.endsWith('.sql')).map((x) => x.replace(/\.sql$/, '')).sort();
      for (const m of onDisk.filter((x) => !applied.includes(x))) {
        f.add(`${migrations}/${m}.sql`, m, `not applied to ${database.description}: the database is behind migrations/ (npm run migrate), so it is compared with an old schema`);
      }
    }

    const constraints = await database.checkConstraints();
    const byName = new Map(constraints.map((c) => [`${c.table}.${c.name}`, c]));
    const registered = new Set<string>();
    for (const [name, e] of Object.entries(loadEnumMap(sources).enums)) {
      for (const ref of e.sql) {
        const key = `${ref.table}.${ref.constraint}`;
        registered.add(key);
        const c = byName.get(key);
        if (!c) {
          f.add(mapFile, `${name}.sql ${key}`, `constraint ${ref.constraint} on ${ref.table} is not in ${database.description} (renamed, dropped, or its migration not applied)`);
          continue;
        }
        if (!c.values || c.column !== ref.column) {
          f.add(where(ref.constraint), key, `is not a "${ref.column} in (…)" constraint as ${mapFile} ${name} says: ${c.definition}`);
          continue;
        }
        const drifts = [valueDrift(c.values, `database ${key}`, e.values, `${mapFile} ${name}`)];
        for (const ts of e.typescript) {
          const { module, exportName, path: fields } = splitCodeRef(ts);
          const values = enumValuesOf(member((await importModule(sources.root, module))[exportName ?? ''], fields));
          if (values) drifts.push(valueDrift(c.values, `database ${key}`, values, `TypeScript ${[exportName, ...fields].join('.')} (${module})`));
        }
        const found = drifts.filter((d) => d !== undefined);
        if (found.length) f.add(where(ref.constraint), `${key} (${c.column})`, found.join('; '));
      }
    }
    for (const c of constraints) {
      if (c.values && !registered.has(`${c.table}.${c.name}`)) {
        f.add(where(c.name), `${c.table}.${c.name} (${c.column})`, `enum constraint [${c.values.join(', ')}] is named by no entry of ${mapFile}`);
      }
    }
    return f.result(this.title, `${constraints.length} CHECK constraint(s) in ${database.description}`);
  },
};
