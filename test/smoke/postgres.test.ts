// PostgreSQL round trip through slonik against the stack's real server.
import { sql } from 'slonik';
import { z } from 'zod';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';

let pool: DatabasePool;
beforeAll(async () => {
  pool = await createDatabasePool(undefined, 'smoke');
});
afterAll(async () => {
  await pool.end();
});

test('writes and reads back a row inside a transaction', async () => {
  const row = await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`create temporary table smoke_probe (id int primary key, note text not null) on commit drop`);
    await tx.query(sql.unsafe`insert into smoke_probe (id, note) values (${1}, ${'round trip'})`);
    return tx.one(sql.type(z.object({ id: z.number(), note: z.string() }))`select id, note from smoke_probe where id = ${1}`);
  });
  expect(row).toEqual({ id: 1, note: 'round trip' });
});

test('the migrations built the order tables', async () => {
  const tables = await pool.anyFirst(
    sql.type(z.object({ table_name: z.string() }))`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  expect(tables).toEqual(expect.arrayContaining(['customer_order', 'order_orchestration_link', 'idempotency_record', 'schema_migration']));
});
