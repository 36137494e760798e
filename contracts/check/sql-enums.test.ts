// The SQL check against the real database: a throwaway schema holds a table whose CHECK
// constraint lacks a value the TypeScript enum has, and one constraint no enum names; the
// migration that defines them is not applied. Each is found and named.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/platform/config.ts';
import { pgClientConfig } from '../../src/platform/database-connection.ts';
import { sqlEnums } from './checks/sql-enums.ts';
import { parseEnumConstraint, PostgresCatalog } from './database.ts';
import { DriftFixture, lines } from './testing/drift-fixture.ts';

const schema = `contracts_check_${randomUUID().slice(0, 8)}`;
/** plain pg for the DDL of the throwaway schema (slonik wants static SQL) */
let admin: pg.Client;
let catalog: PostgresCatalog;
let fx: DriftFixture;

const DDL = `
create table ${schema}.order_copy (
  order_status text not null,
  constraint ck_order_copy_status check (order_status in ('ACCEPTED', 'IN_FULFILLMENT', 'COMPLETED', 'REJECTED', 'FALLOUT'))
);
create table ${schema}.stray (kind text, constraint ck_stray_kind check (kind is null or kind in ('A', 'B')));`;

beforeAll(async () => {
  admin = new pg.Client(pgClientConfig(loadConfig()));
  await admin.connect();
  await admin.query(`create schema ${schema};\n${DDL}`);
  catalog = await PostgresCatalog.connect(loadConfig(), { schema });
});
afterAll(async () => {
  await catalog?.close();
  await admin?.query(`drop schema if exists ${schema} cascade`);
  await admin?.end();
});
beforeEach(() => {
  fx = DriftFixture.create();
  fx.write('migrations/9999_order_copy.sql', `-- Up Migration\n${DDL}\n`);
  fx.write(
    'contracts/enum-map.yaml',
    `enums:
  OrderStatus:
    owner: fulfillment
    meaning: test copy
    values: [ACCEPTED, IN_FULFILLMENT, COMPLETED, REJECTED, FALLOUT, CANCELLED]
    typescript: [src/core/domain/order.ts#ORDER_STATUSES]
    sql: [{ table: order_copy, column: order_status, constraint: ck_order_copy_status }]
  Missing:
    owner: nobody
    meaning: a constraint that was renamed away
    values: [X]
    sql: [{ table: order_copy, column: order_status, constraint: ck_order_copy_state }]
`,
  );
});
afterEach(() => fx?.remove());

test('an enum value only in TypeScript (and the map), a constraint no enum names, a missing constraint and an unapplied migration', async () => {
  const r = await sqlEnums.run(await fx.inputs({ database: catalog }));
  expect(r.status).toBe('failed');
  expect(lines(r.findings)).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/migrations\/9999_order_copy\.sql \| 9999_order_copy \| not applied to schema contracts_check_/),
      expect.stringMatching(
        /migrations\/9999_order_copy\.sql \| order_copy\.ck_order_copy_status \(order_status\) \| CANCELLED only in .*enum-map\.yaml OrderStatus; CANCELLED only in TypeScript ORDER_STATUSES \(src\/core\/domain\/order\.ts\)/,
      ),
      expect.stringMatching(/migrations\/9999_order_copy\.sql \| stray\.ck_stray_kind \(kind\) \| enum constraint \[A, B\] is named by no entry/),
      expect.stringMatching(/enum-map\.yaml \| Missing\.sql order_copy\.ck_order_copy_state \| constraint ck_order_copy_state on order_copy is not in schema contracts_check_/),
    ]),
  );
});

test('without a database the check says it was skipped, and why', async () => {
  const r = await sqlEnums.run(await fx.inputs());
  expect(r).toMatchObject({ status: 'skipped', findings: [] });
});

test.each([
  ["CHECK ((order_status = ANY (ARRAY['A'::text, 'B'::text])))", { column: 'order_status', values: ['A', 'B'] }],
  ["CHECK (((failure_category IS NULL) OR (failure_category = ANY (ARRAY['TIMEOUT'::text, 'CONFLICT'::text]))))", { column: 'failure_category', values: ['TIMEOUT', 'CONFLICT'] }],
  ["CHECK (((status)::text = ANY ((ARRAY['NEW'::character varying, 'DONE'::character varying])::text[])))", { column: 'status', values: ['NEW', 'DONE'] }],
  ["CHECK ((kind = 'ONLY'::text))", { column: 'kind', values: ['ONLY'] }],
  ['CHECK ((attempt_no > 0))', undefined],
])('reads the values of %s', (definition, expected) => {
  expect(parseEnumConstraint(definition)).toEqual(expected);
});
