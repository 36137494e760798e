// Every row of every table of the farm's schema, as JSON (`row_to_json`), searched in PostgreSQL for
// every pattern of the canary: rows scanned per table, and the rows that hold one.
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Canary } from './plant.ts';
import { excerpt, type ScanHit } from './scan-logs.ts';

export interface DbScan {
  readonly tables: number;
  readonly rows: number;
  readonly rowsPerTable: Readonly<Record<string, number>>;
  readonly hits: ScanHit[];
}

const likeEscaped = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function scanDatabase(db: DatabasePool, canary: Canary): Promise<DbScan> {
  const tables = await db.anyFirst(sql.type(z.object({ table_name: z.string() }))`
    select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`);
  const patterns = canary.patterns.map((p) => likeEscaped(p.text));
  const rowsPerTable: Record<string, number> = {};
  const hits: ScanHit[] = [];
  for (const table of tables) {
    const t = sql.identifier([table]);
    rowsPerTable[table] = await db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from ${t}`);
    const found = await db.anyFirst(sql.type(z.object({ row: z.string() }))`
      select row_to_json(x)::text as row from ${t} x where row_to_json(x)::text like any(${sql.array(patterns, 'text')}) limit 20`);
    for (const row of found) {
      for (const p of canary.patterns.filter((c) => row.includes(c.text))) hits.push({ place: `table ${table}`, form: p.form, excerpt: excerpt(row, p.text) });
    }
  }
  return { tables: tables.length, rows: Object.values(rowsPerTable).reduce((n, v) => n + v, 0), rowsPerTable, hits };
}
