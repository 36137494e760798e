// The farm end to end with OAuth on: an engine of its own (in-process, OAuth required on every gRPC
// and REST call, tokens from its client-credentials endpoint), and the whole farm configured the way
// it is for Camunda SaaS (CAMUNDA_AUTH_STRATEGY=OAUTH, CAMUNDA_OAUTH_URL, ZEEBE_CLIENT_ID/SECRET):
// the SDK's client, the REST client and the farm's own job streams must all carry the token.
import { randomUUID } from 'node:crypto';
import { startEngine, type RunningEngine } from '../../engine/src/start.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { migrate } from '../../src/platform/migrate.ts';
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { createThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';

// a client id of this run: the SDK caches tokens on disk by client id, and a token of an earlier
// run's engine (another signing key) would be refused by this one
const client = { clientId: `fulfillment-farm-${randomUUID().slice(0, 8)}`, clientSecret: 'oauth-test-secret' };
let engine: RunningEngine;
let pg: ThrowawayPostgres;
let h: FulfillmentHarness;

beforeAll(async () => {
  engine = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', oauth: { clients: [client] } });
  // a fresh engine hands out the keys the stack's engine handed out first: a database of its own
  // keeps its instance keys from meeting the shared database's
  pg = await createThrowawayPostgres();
  await migrate(loadConfig({ ...process.env, DATABASE_URL: pg.url }));
  h = await FulfillmentHarness.start({
    env: {
      DATABASE_URL: pg.url,
      ZEEBE_GRPC_ADDRESS: engine.grpcAddress,
      ZEEBE_REST_ADDRESS: engine.restAddress,
      CAMUNDA_AUTH_STRATEGY: 'OAUTH',
      CAMUNDA_OAUTH_URL: `${engine.restAddress}/oauth/token`,
      ZEEBE_CLIENT_ID: client.clientId,
      ZEEBE_CLIENT_SECRET: client.clientSecret,
    },
  });
}, 120_000);

afterAll(async () => {
  await h?.close();
  await engine?.stop();
  pg?.remove();
});

test('without a token the engine refuses REST calls', async () => {
  const res = await fetch(`${engine.restAddress}/v2/topology`);
  expect(res.status).toBe(401);
});

test('an order is fulfilled end to end with every call authenticated', async () => {
  const orderId = await h.submitOrder(sampleOrder({ items: 1 }));
  await h.awaitOrderStatus(orderId, 'COMPLETED');
  const pik = await h.processInstanceOf(orderId);
  const done = await h.pt.awaitCompleted(pik);
  expect(done).toMatchObject({ state: 'COMPLETED', hasIncident: false });
}, 120_000);
