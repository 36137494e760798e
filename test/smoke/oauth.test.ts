// The farm end to end with OAuth on: an engine of its own (in-process, OAuth required on every gRPC
// and REST call, tokens from its client-credentials endpoint), and the whole farm configured the way
// it is for Camunda SaaS (CAMUNDA_AUTH_STRATEGY=OAUTH, CAMUNDA_OAUTH_URL, ZEEBE_CLIENT_ID/SECRET):
// the SDK's client, the REST client and the farm's own job streams must all carry the token.
import { startEngine, type RunningEngine } from '../../engine/src/start.ts';
import { sampleOrder } from '../../src/demo/sample-orders.ts';
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';

const client = { clientId: 'fulfillment-farm', clientSecret: 'oauth-test-secret' };
let engine: RunningEngine;
let h: FulfillmentHarness;

beforeAll(async () => {
  engine = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', oauth: { clients: [client] } });
  h = await FulfillmentHarness.start({
    env: {
      ZEEBE_GRPC_ADDRESS: engine.grpcAddress,
      ZEEBE_REST_ADDRESS: engine.restAddress,
      CAMUNDA_AUTH_STRATEGY: 'OAUTH',
      CAMUNDA_OAUTH_URL: `${engine.restAddress}/oauth/token`,
      ZEEBE_CLIENT_ID: client.clientId,
      ZEEBE_CLIENT_SECRET: client.clientSecret,
      // the SDK caches tokens on disk by client id: this engine's tokens are good for this engine only
      CAMUNDA_TOKEN_DISK_CACHE_DISABLE: 'true',
    },
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await engine?.stop();
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
