// NUL in bound values, on the real PostgreSQL: without the interceptor these statements fail
// ("unsupported Unicode escape sequence" / invalid byte sequence); with it they store U+FFFD.
import { sql } from 'slonik';
import { z } from 'zod';
import { loadConfig } from './config.ts';
import { createDatabasePool, type DatabasePool } from './db.ts';
import { storableJson, storableJsonb, storableText } from './storable-text.ts';

let db: DatabasePool;
beforeAll(async () => {
  db = await createDatabasePool(loadConfig(), 'storable-text-test');
});
afterAll(async () => {
  await db.end();
});

test('raw and JSON-escaped NUL become U+FFFD; an escaped backslash before u0000 is text and stays', () => {
  expect(storableText('a\u0000b')).toBe('a\uFFFDb');
  expect(storableText('{"a":"x\\u0000y"}')).toBe('{"a":"x\\ufffdy"}');
  expect(storableText('{"a":"x\\\\u0000y"}')).toBe('{"a":"x\\\\u0000y"}');
  expect(storableText('{"a":"x\\\\\\u0000y"}')).toBe('{"a":"x\\\\\\ufffdy"}');
  expect(storableText('plain')).toBe('plain');
  expect(storableText('lone \ud800 surrogate')).toBe('lone \uFFFD surrogate');
  expect(storableText('pair \ud83d\ude00 kept')).toBe('pair \ud83d\ude00 kept');
});

test('storableJson replaces NUL in nested strings and keys, and hands back the same object when there is none', () => {
  const clean = { a: [1, 'two', { three: true }] };
  expect(storableJson(clean)).toBe(clean);
  expect(storableJson({ 'k\u0000': ['x\u0000', { deep: 'y\u0000' }] })).toEqual({ 'k\uFFFD': ['x\uFFFD', { deep: 'y\uFFFD' }] });
});

test('a jsonb value holding NUL is stored, with U+FFFD in its place', async () => {
  const row = await db.one(sql.type(z.object({ doc: z.object({ note: z.string() }) }))`select ${storableJsonb({ note: 'before\u0000after' })}::jsonb as doc`);
  expect(row.doc.note).toBe('before\uFFFDafter');
});

test('a jsonb value holding an unpaired surrogate or a "__proto__" key is stored as plain JSON', async () => {
  const row = await db.one(sql.type(z.object({ doc: z.unknown() }))`select ${storableJsonb(JSON.parse('{"status":"\\ud800","__proto__":{"x":1}}'))}::jsonb as doc`);
  expect(JSON.stringify(row.doc)).toBe('{"status":"\uFFFD","__proto__":{"x":1}}');
});

test('a text value holding NUL is stored, with U+FFFD in its place', async () => {
  const row = await db.one(sql.type(z.object({ note: z.string() }))`select ${'a\u0000b'}::text as note`);
  expect(row.note).toBe('a\uFFFDb');
});
