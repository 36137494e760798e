// What the migrated database says, read from its catalog: CHECK constraints with their values,
// columns, and the migrations applied. The checks compare the code with the database the farm
// really runs against, not with the migration text (a migration can be edited after it ran).
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Config } from '../../src/platform/config.ts';
import { createDatabasePool } from '../../src/platform/db.ts';

export interface CheckConstraint {
  readonly table: string;
  readonly name: string;
  readonly definition: string;
  /** `column in (…)` constraints: the column and its allowed values; undefined otherwise */
  readonly column?: string | undefined;
  readonly values?: readonly string[] | undefined;
}

export interface DatabaseIntrospection {
  /** where the catalog was read, for messages ("schema public of …") */
  readonly description: string;
  checkConstraints(): Promise<CheckConstraint[]>;
  columns(): Promise<Set<string>>;
  /** names of the applied migrations; undefined when the database keeps no migration table */
  appliedMigrations(): Promise<string[] | undefined>;
  close(): Promise<void>;
}

/**
 * The column and values of a constraint as PostgreSQL prints it:
 * `CHECK ((status = ANY (ARRAY['A'::text, 'B'::text])))`, optionally with `x IS NULL OR`, or
 * `CHECK ((status = 'A'::text))` for a single value.
 */
export function parseEnumConstraint(definition: string): { column: string; values: string[] } | undefined {
  const any = /\(?"?([a-z_][a-z0-9_]*)"?\)?(?:::text)?\s*=\s*ANY\s*\(\s*(?:\(\s*)?ARRAY\[(.*?)\]/is.exec(definition);
  const single = any ? undefined : /\(\(?"?([a-z_][a-z0-9_]*)"?\)?(?:::text)?\s*=\s*('(?:[^']|'')*'(?:::[a-z ]+)?)\)/is.exec(definition);
  const m = any ?? single;
  if (!m?.[1] || !m[2]) return undefined;
  const values = [...m[2].matchAll(/'((?:[^']|'')*)'/g)].map((v) => (v[1] ?? '').replaceAll("''", "'"));
  return values.length ? { column: m[1], values } : undefined;
}

const constraintRow = z.object({ table_name: z.string(), name: z.string(), definition: z.string() });
const columnRow = z.object({ table_name: z.string(), column_name: z.string() });

export class PostgresCatalog implements DatabaseIntrospection {
  readonly description: string;
  private readonly pool: DatabasePool;
  private readonly schema: string;
  private readonly migrationsTable: string;

  private constructor(pool: DatabasePool, schema: string, migrationsTable: string, where: string) {
    this.pool = pool;
    this.schema = schema;
    this.migrationsTable = migrationsTable;
    this.description = `schema ${schema} of ${where}`;
  }

  /** Connects with the project's database settings (src/platform/config.ts). */
  static async connect(config: Config, opts: { schema?: string; migrationsTable?: string } = {}): Promise<PostgresCatalog> {
    const pool = await createDatabasePool(config, 'contracts-check');
    const where = config.DATABASE_URL.replace(/\/\/[^@]*@/, '//');
    return new PostgresCatalog(pool, opts.schema ?? 'public', opts.migrationsTable ?? 'public.schema_migration', where);
  }

  async checkConstraints(): Promise<CheckConstraint[]> {
    const rows = await this.pool.any(sql.type(constraintRow)`
      select c.relname as table_name, con.conname as name, pg_get_constraintdef(con.oid) as definition
      from pg_constraint con
      join pg_class c on c.oid = con.conrelid
      join pg_namespace n on n.oid = c.relnamespace
      where con.contype = 'c' and n.nspname = ${this.schema}
      order by c.relname, con.conname`);
    return rows.map((r) => ({ table: r.table_name, name: r.name, definition: r.definition, ...parseEnumConstraint(r.definition) }));
  }

  async columns(): Promise<Set<string>> {
    const rows = await this.pool.any(sql.type(columnRow)`
      select table_name, column_name from information_schema.columns where table_schema = ${this.schema}`);
    return new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
  }

  async appliedMigrations(): Promise<string[] | undefined> {
    const exists = await this.pool.oneFirst(sql.type(z.object({ t: z.string().nullable() }))`select to_regclass(${this.migrationsTable})::text as t`);
    if (!exists) return undefined;
    const [schema, table] = this.migrationsTable.includes('.') ? this.migrationsTable.split('.') : ['public', this.migrationsTable];
    return [...(await this.pool.anyFirst(sql.type(z.object({ name: z.string() }))`select name from ${sql.identifier([schema ?? 'public', table ?? ''])} order by run_on, id`))];
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
