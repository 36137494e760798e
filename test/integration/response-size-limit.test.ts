// The adapters' response size limit on the real ledger: a body over EXTERNAL_MAX_RESPONSE_BYTES is
// not read, and the attempt is recorded as a malformed response (SCHEMA_MISMATCH) whose evidence
// names the limit and holds nothing of the body.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { openTroubleCase } from '../../src/core/use-cases/external-step.ts';
import { ExternalCalls } from '../../src/integration/external-call.ts';
import { failureOf } from '../../src/integration/http/system-client.ts';
import { testClient } from '../../src/integration/http/testing/test-client.ts';
import { AttemptLedger } from '../../src/integration/ledger/attempt-ledger.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createMetrics } from '../../src/platform/metrics.ts';
import { billingCall } from '../support/billing-call.ts';

const LIMIT = 8_192;
let db: DatabasePool;
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  db = await createDatabasePool(undefined, 'response-size-test');
  // billing answers 201 with a body of 5 MB, streamed without a Content-Length
  server = http.createServer((_req, res) => {
    res.writeHead(201, { 'content-type': 'application/json' });
    res.write('{"activationId":"');
    let sent = 0;
    const timer = setInterval(() => {
      if (sent > 5 * 1024 * 1024) {
        clearInterval(timer);
        return res.end('"}');
      }
      res.write('B'.repeat(64 * 1024));
      sent += 64 * 1024;
    }, 1);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await db.end();
});

test('an oversized answer is a SCHEMA_MISMATCH attempt whose evidence names the limit, not the body', async () => {
  const client = testClient('BILLING', baseUrl, { maxResponseBytes: LIMIT, responseTimeoutMs: 5_000 });
  const calls = new ExternalCalls(new AttemptLedger(db), { log: createLogger('response-size-test', 'silent'), metrics: createMetrics(), troubles: openTroubleCase });
  const key = `billing-activation:tenant-size:${randomUUID()}`;
  const result = await calls.run(
    billingCall(key, async () => {
      const outcome = await client.send({ method: 'POST', path: '/v1/activations', body: { amount: '10.00' } });
      return failureOf(outcome, { sideEffect: true });
    }),
  );
  expect(result).toMatchObject({ kind: 'failed', category: 'SCHEMA_MISMATCH' });

  const attempt = await db.one(sql.type(z.object({ status: z.string(), failure_category: z.string().nullable(), external_call_id: z.string() }))`
    select status, failure_category, external_call_id from external_call_attempt where idempotency_key = ${key}`);
  expect(attempt).toMatchObject({ status: 'FAILED', failure_category: 'SCHEMA_MISMATCH' });
  const evidence = await db.one(sql.type(z.object({ detail: z.string().nullable(), response_snapshot: z.unknown(), http_status: z.number().nullable() }))`
    select detail, response_snapshot, http_status from external_call_evidence where external_call_id = ${attempt.external_call_id}`);
  expect(evidence.detail).toContain(`over the limit of ${LIMIT} bytes`);
  expect(evidence.detail).toContain('EXTERNAL_MAX_RESPONSE_BYTES');
  expect(evidence.http_status).toBe(201);
  expect(JSON.stringify(evidence)).not.toContain('BBBB');
});
