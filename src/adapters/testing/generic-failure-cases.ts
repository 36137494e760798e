// Test support: what every adapter operation must do with the answers no contract names (auth,
// throttling, outages, broken bodies, silence). Registers one jest test per case.
import type { ExternalResult } from '../../core/ports/external-result.ts';
import type { CannedHttpServer } from '../../integration/http/testing/canned-http-server.ts';
import { TEST_SECRET } from '../../integration/http/testing/test-client.ts';

export interface OperationUnderTest {
  readonly name: string;
  readonly server: () => CannedHttpServer;
  /** calls the operation on a fresh adapter (fresh client: no circuit state carried over) */
  readonly call: () => Promise<ExternalResult<unknown>>;
  readonly sideEffect: boolean;
  /** the status the contract answers on success (its body is what the malformed cases break) */
  readonly successStatus: number;
}

export function genericFailureCases(op: OperationUnderTest): void {
  describe(`${op.name}: answers outside the contract`, () => {
    test('401 → AUTH_FAILED, not retryable; credentials are not in the exchange', async () => {
      op.server().respond({ status: 401, body: { message: 'bad credentials' } });
      const r = await op.call();
      expect(r).toMatchObject({ kind: 'failed', category: 'AUTH_FAILED', retryable: false, sent: true });
      expect(r.exchange.httpStatus).toBe(401);
      expect(JSON.stringify(r)).not.toContain(TEST_SECRET);
      expect(op.server().requests.at(-1)?.headers.authorization).toBe(`Bearer ${TEST_SECRET}`);
    });

    test('429 with Retry-After → RATE_LIMITED with the provider wait', async () => {
      op.server().respond({ status: 429, body: {}, headers: { 'retry-after': '7' } });
      expect(await op.call()).toMatchObject({ kind: 'failed', category: 'RATE_LIMITED', retryable: true, retryAfterMs: 7_000 });
    });

    test('503 → SERVER_ERROR, retryable', async () => {
      op.server().respond({ status: 503, body: { code: 'MAINTENANCE' } });
      expect(await op.call()).toMatchObject({ kind: 'failed', category: 'SERVER_ERROR', retryable: true, sent: true });
    });

    test(`504 → ${op.sideEffect ? 'ambiguous (the gateway may have passed it on)' : 'SERVER_ERROR'}`, async () => {
      op.server().respond({ status: 504, body: {} });
      expect(await op.call()).toMatchObject(op.sideEffect ? { kind: 'ambiguous' } : { kind: 'failed', category: 'SERVER_ERROR' });
    });

    test(`malformed ${op.successStatus} body → SCHEMA_MISMATCH`, async () => {
      op.server().respond({ status: op.successStatus, body: { unexpected: true } });
      const r = await op.call();
      expect(r).toMatchObject({ kind: 'failed', category: 'SCHEMA_MISMATCH', retryable: false });
      expect(r.exchange.response).toEqual({ unexpected: true });
    });

    test(`${op.successStatus} that is not JSON → SCHEMA_MISMATCH`, async () => {
      op.server().respond({ status: op.successStatus, rawBody: '<html>maintenance</html>' });
      expect(await op.call()).toMatchObject({ kind: 'failed', category: 'SCHEMA_MISMATCH' });
    });

    test(`answer later than the response timeout → ${op.sideEffect ? 'ambiguous' : 'failed TIMEOUT'}`, async () => {
      op.server().respond({ status: op.successStatus, body: {}, delayMs: 1_000 });
      const r = await op.call();
      expect(r).toMatchObject(op.sideEffect ? { kind: 'ambiguous' } : { kind: 'failed', category: 'TIMEOUT', retryable: true, sent: true });
    });

    test(`connection closed without an answer → ${op.sideEffect ? 'ambiguous' : 'failed CONNECTION_FAILED'}`, async () => {
      op.server().respond({ status: 200, drop: true });
      expect(await op.call()).toMatchObject(op.sideEffect ? { kind: 'ambiguous' } : { kind: 'failed', category: 'CONNECTION_FAILED', retryable: true });
    });
  });
}
