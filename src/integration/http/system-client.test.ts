import { Socket } from 'node:net';
import { CannedHttpServer } from './testing/canned-http-server.ts';
import { TEST_SECRET, testClient } from './testing/test-client.ts';
import { failureOf } from './system-client.ts';

/** A port nothing listens on (taken from the OS, then given back). */
async function freePort(): Promise<number> {
  const s = await CannedHttpServer.start();
  const port = s.port;
  await s.stop();
  return port;
}

/** Counts TCP connection attempts to a port while fn runs (the only way to count refused connections). */
async function countingConnections<T>(port: number, fn: () => Promise<T>): Promise<{ result: T; attempts: number }> {
  const original = Socket.prototype.connect;
  let attempts = 0;
  Socket.prototype.connect = function (this: Socket, ...args: unknown[]) {
    // net.createConnection passes its normalised [options, callback] array as the first argument
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    if ((first as { port?: unknown } | undefined)?.port === port) attempts++;
    return (original as (...a: unknown[]) => Socket).apply(this, args);
  } as typeof Socket.prototype.connect;
  try {
    return { result: await fn(), attempts };
  } finally {
    Socket.prototype.connect = original;
  }
}

describe('connection refused', () => {
  test('→ failed CONNECTION_FAILED, not sent, retryable; after one immediate retry', async () => {
    const port = await freePort();
    const client = testClient('INVENTORY', `http://127.0.0.1:${port}`);
    const started = performance.now();
    const { result: outcome, attempts } = await countingConnections(port, () => client.send({ method: 'POST', path: '/v1/reservations', body: { a: 1 } }));
    expect(outcome).toMatchObject({ kind: 'transport', failure: { category: 'CONNECTION_FAILED', sent: false } });
    // exactly one immediate retry (seed 000 §7.1: 0-1 in the adapter), after its 200 ms pause
    expect(attempts).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    // never sent, so even a side effect is a plain failure, not ambiguous
    expect(failureOf(outcome, { sideEffect: true })).toMatchObject({ kind: 'failed', category: 'CONNECTION_FAILED', sent: false, retryable: true });
  });

  test('the first connection refused, the immediate retry gets through: one request reaches the server', async () => {
    const port = await freePort();
    const client = testClient('INVENTORY', `http://127.0.0.1:${port}`);
    let server: CannedHttpServer | undefined;
    try {
      const { result: outcome, attempts } = await countingConnections(port, async () => {
        const pending = client.send({ method: 'GET', path: '/v1/reservations' });
        // the first attempt is refused at once; the server is up before the retry (200 ms later)
        await new Promise((r) => setTimeout(r, 80));
        server = await CannedHttpServer.start(port);
        server.respond({ status: 200, body: { items: [] } });
        return pending;
      });
      expect(outcome).toMatchObject({ kind: 'response', status: 200 });
      expect(attempts).toBe(2);
      expect(server?.requests).toHaveLength(1);
    } finally {
      await server?.stop();
    }
  });
});

describe('with a server', () => {
  let server: CannedHttpServer;
  beforeAll(async () => {
    server = await CannedHttpServer.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests.length = 0;
  });

  test('the circuit opens after 5 consecutive 5xx, then refuses without reaching the server, and closes again after a good half-open call', async () => {
    const client = testClient('BILLING', server.url(), { breaker: { consecutiveFailures: 5, halfOpenAfterMs: 150 } });
    const changes: boolean[] = [];
    client.onCircuitChange((open) => changes.push(open));
    server.respond({ status: 503, body: {} });
    for (let i = 0; i < 5; i++) expect(await client.send({ method: 'GET', path: '/x' })).toMatchObject({ kind: 'response', status: 503 });
    expect(client.circuitOpen).toBe(true);

    const refused = await client.send({ method: 'POST', path: '/x', body: {} });
    expect(refused).toMatchObject({ kind: 'refused', reason: 'CIRCUIT_OPEN' });
    expect(server.requests).toHaveLength(5);
    // an open circuit is a fast, retryable technical failure (seed 000 §7.3), never ambiguous,
    // retried no sooner than the breaker lets a probe through
    const retryAfterMs = refused.kind === 'refused' ? refused.retryAfterMs : undefined;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(150);
    expect(failureOf(refused, { sideEffect: true })).toMatchObject({ kind: 'failed', category: 'CONNECTION_FAILED', sent: false, retryable: true, retryAfterMs });

    await new Promise((r) => setTimeout(r, 200));
    server.respond({ status: 200, body: {} });
    expect(await client.send({ method: 'GET', path: '/x' })).toMatchObject({ kind: 'response', status: 200 });
    expect(client.circuitOpen).toBe(false);
    expect(changes[0]).toBe(true);
    expect(changes.at(-1)).toBe(false);
  });

  test('4xx answers do not count against the circuit', async () => {
    const client = testClient('CRM', server.url());
    server.respond({ status: 404, body: {} });
    for (let i = 0; i < 7; i++) await client.send({ method: 'GET', path: '/x' });
    expect(client.circuitOpen).toBe(false);
  });

  test('the stored exchange is redacted: credentials are never in it, secret headers and fields are masked', async () => {
    const client = testClient('INVENTORY', server.url());
    server.respond({ status: 200, body: { reservationId: 'R1', accessToken: 'resp-token-123' } });
    const outcome = await client.send({ method: 'POST', path: '/x', body: { password: 'body-pass-123', qty: 1 }, headers: { Authorization: 'Bearer explicit-789', 'Idempotency-Key': 'k-1' } });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer explicit-789'); // explicit header wins over credentials
    expect(outcome.exchange.request).toMatchObject({ headers: { Authorization: '<redacted>', 'Idempotency-Key': 'k-1' }, body: { password: '<redacted>', qty: 1 } });
    expect(outcome.exchange.response).toEqual({ reservationId: 'R1', accessToken: '<redacted>' });
    const stored = JSON.stringify(outcome.exchange);
    for (const secret of [TEST_SECRET, 'explicit-789', 'body-pass-123', 'resp-token-123']) expect(stored).not.toContain(secret);
  });

  test('credentials are sent but never stored', async () => {
    const client = testClient('INVENTORY', server.url());
    server.respond({ status: 200, body: {} });
    const outcome = await client.send({ method: 'GET', path: '/x' });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TEST_SECRET}`);
    expect(JSON.stringify(outcome.exchange)).not.toContain(TEST_SECRET);
  });

  test('the bulkhead refuses calls beyond its limit and queue without sending them', async () => {
    const client = testClient('PROVISIONING', server.url(), { bulkhead: { limit: 1, queue: 0 }, responseTimeoutMs: 1_000 });
    server.respond({ status: 200, body: {}, delayMs: 100 });
    const [first, second] = await Promise.all([client.send({ method: 'GET', path: '/a' }), client.send({ method: 'GET', path: '/b' })]);
    expect(first).toMatchObject({ kind: 'response', status: 200 });
    expect(second).toMatchObject({ kind: 'refused', reason: 'BULKHEAD_FULL' });
    expect(server.requests).toHaveLength(1);
  });

  test('a non-JSON body is kept as text evidence with a parse error', async () => {
    const client = testClient('CRM', server.url());
    server.respond({ status: 200, rawBody: 'not json' });
    const outcome = await client.send({ method: 'GET', path: '/x' });
    expect(outcome).toMatchObject({ kind: 'response', body: undefined, parseError: expect.stringContaining('not JSON'), exchange: { response: 'not json' } });
    expect(failureOf(outcome, { sideEffect: false })).toMatchObject({ kind: 'failed', category: 'SCHEMA_MISMATCH' });
  });

  test('a vendor error code in errCd/errMsg shows in the failure message', async () => {
    const client = testClient('PROVISIONING', server.url());
    server.respond({ status: 500, body: { errCd: 'PLATFORM_DOWN', errMsg: 'NE unreachable' } });
    expect(failureOf(await client.send({ method: 'GET', path: '/x' }), { sideEffect: false })).toMatchObject({ message: 'HTTP 500 (PLATFORM_DOWN: NE unreachable)' });
  });
});

describe('response size limit', () => {
  const LIMIT = 4_096;
  let server: import('node:http').Server;
  let baseUrl: string;
  /** bytes the server managed to write per path */
  const written = new Map<string, number>();

  beforeAll(async () => {
    const http = await import('node:http');
    server = http.createServer((req, res) => {
      written.set(req.url ?? '', 0);
      const count = (n: number) => written.set(req.url ?? '', (written.get(req.url ?? '') ?? 0) + n);
      if (req.url === '/declared') {
        // declares 50 MB, then trickles: the client must refuse on the header, not wait for the body
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) });
        const timer = setInterval(() => (res.write('x'.repeat(1_024)) ? count(1_024) : count(1_024)), 20);
        res.on('close', () => clearInterval(timer));
        return;
      }
      if (req.url === '/streamed') {
        // no Content-Length: chunks until the client goes away (or 50 MB)
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"items":["');
        const chunk = 'y'.repeat(16 * 1_024);
        const timer = setInterval(() => {
          if ((written.get('/streamed') ?? 0) > 50 * 1024 * 1024) return res.end('"]}');
          res.write(chunk);
          count(chunk.length);
        }, 1);
        res.on('close', () => clearInterval(timer));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, pad: 'z'.repeat(LIMIT / 2) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('a body under the limit is read as usual', async () => {
    const outcome = await testClient('CRM', baseUrl, { maxResponseBytes: LIMIT, responseTimeoutMs: 2_000 }).send({ method: 'GET', path: '/small' });
    expect(outcome).toMatchObject({ kind: 'response', status: 200, body: { ok: true } });
  });

  test('a Content-Length over the limit is refused at once: a malformed response naming the limit, never the body', async () => {
    const started = performance.now();
    const outcome = await testClient('CRM', baseUrl, { maxResponseBytes: LIMIT, responseTimeoutMs: 5_000 }).send({ method: 'GET', path: '/declared' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(outcome).toMatchObject({ kind: 'response', status: 200, body: undefined, parseError: expect.stringContaining(`declares ${50 * 1024 * 1024} bytes`) });
    const failure = failureOf(outcome, { sideEffect: false });
    expect(failure).toMatchObject({ kind: 'failed', category: 'SCHEMA_MISMATCH', retryable: false, message: expect.stringContaining('EXTERNAL_MAX_RESPONSE_BYTES') });
    expect(JSON.stringify(failure)).not.toContain('xxxx');
  });

  test('a streamed body is cut once it passes the limit', async () => {
    const started = performance.now();
    const outcome = await testClient('PROVISIONING', baseUrl, { maxResponseBytes: LIMIT, responseTimeoutMs: 5_000 }).send({ method: 'GET', path: '/streamed' });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(outcome).toMatchObject({ kind: 'response', status: 200, body: undefined, parseError: expect.stringContaining('cut off') });
    expect(failureOf(outcome, { sideEffect: true })).toMatchObject({ kind: 'failed', category: 'SCHEMA_MISMATCH', message: expect.stringContaining(`limit of ${LIMIT} bytes`) });
    expect(JSON.stringify(outcome)).not.toContain('yyyy');
    // the client stopped reading long before the server's 50 MB
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(written.get('/streamed')).toBeLessThan(10 * 1024 * 1024);
  });
});
