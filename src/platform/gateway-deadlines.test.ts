// Engine command deadlines against the real engine, slowed by a TCP proxy (test/support/latency-proxy.ts):
// with the gateway stalled, completeJob, publishMessage and createProcessInstance each fail with a
// named GatewayCommandError once the command's budget is spent, after a bounded number of attempts;
// with the proxy fast again the same channel works. The REST client gives up in time too.
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { startLatencyProxy, type LatencyProxy } from '../../test/support/latency-proxy.ts';
import { startToEndProcessXml } from '../../test/support/process-test.ts';
import { loadConfig } from './config.ts';
import { connectGatewayAt, GatewayCommandError, type GatewayConnection } from './gateway-client.ts';
import { createOrchestrationClient } from './orchestration-client.ts';

const config = loadConfig();
const [engineHost, enginePort] = config.ZEEBE_GRPC_ADDRESS.replace(/^grpcs?:\/\//, '').split(':') as [string, string];
const PROCESS_ID = `deadline-probe-${randomUUID().slice(0, 8)}`;
const PROBE_XML = startToEndProcessXml(PROCESS_ID);

/** per attempt 300 ms, per command 1.7 s in all */
const TIMEOUT_MS = 300;
const BUDGET_MS = 1_700;

let proxy: LatencyProxy;
let gateway: GatewayConnection;

beforeAll(async () => {
  proxy = await startLatencyProxy({ targetHost: engineHost, targetPort: Number(enginePort) });
  gateway = connectGatewayAt(`grpc://${proxy.address}`, { commandTimeoutMs: TIMEOUT_MS, commandRetryMs: BUDGET_MS });
  const rest = createOrchestrationClient(config);
  await rest.createDeployment({ resources: [new File([PROBE_XML], `${PROCESS_ID}.bpmn`, { type: 'application/xml' })] });
});

afterAll(async () => {
  gateway.close();
  await proxy.close();
});

afterEach(() => proxy.resume());

/** runs `command` against the stalled gateway; returns its error and how long it took */
/** the channel connected (generously: a busy box may take a while), so only the stall is measured */
const channelReady = (): Promise<void> =>
  new Promise((resolve, reject) => gateway.client.waitForReady(Date.now() + 20_000, (err?: Error) => (err ? reject(err) : resolve())));

async function againstStalledGateway(command: () => Promise<unknown>): Promise<{ readonly error: GatewayCommandError; readonly tookMs: number }> {
  await channelReady();
  proxy.stall();
  const started = Date.now();
  const error = await command().then(
    () => undefined,
    (err: unknown) => err,
  );
  const tookMs = Date.now() - started;
  expect(error).toBeInstanceOf(GatewayCommandError);
  return { error: error as GatewayCommandError, tookMs };
}

function expectBounded(failure: { readonly error: GatewayCommandError; readonly tookMs: number }, method: string): void {
  expect(failure.error).toMatchObject({ name: 'GatewayCommandError', method, code: grpc.status.DEADLINE_EXCEEDED });
  expect(failure.error.message).toMatch(new RegExp(`${method} gave up after \\d attempt`));
  // 300 ms attempts with 250 ms, 500 ms backoff between them: 3 fit in 1.7 s (2 on a slow box);
  // the command gives up when another attempt would not fit, never after the budget
  expect(failure.error.attempts).toBeGreaterThanOrEqual(2);
  expect(failure.error.attempts).toBeLessThanOrEqual(3);
  expect(failure.tookMs).toBeGreaterThanOrEqual(2 * TIMEOUT_MS);
  expect(failure.tookMs).toBeLessThan(BUDGET_MS + 500);
}

test('completeJob against a stalled gateway fails with a named error at its deadline', async () => {
  expectBounded(await againstStalledGateway(() => gateway.completeJob({ jobKey: '2251799813685249' })), 'CompleteJob');
});

test('publishMessage against a stalled gateway fails with a named error at its deadline', async () => {
  expectBounded(await againstStalledGateway(() => gateway.publishMessage({ name: 'deadline-probe', correlationKey: randomUUID(), timeToLive: 0 })), 'PublishMessage');
});

test('createProcessInstance against a stalled gateway fails with a named error at its deadline, and works once the gateway answers', async () => {
  expectBounded(await againstStalledGateway(() => gateway.createProcessInstance({ bpmnProcessId: PROCESS_ID })), 'CreateProcessInstance');
  proxy.resume();
  const started = await gateway.createProcessInstance({ bpmnProcessId: PROCESS_ID, variables: { probe: true } });
  expect(started.processInstanceKey).toMatch(/^\d+$/);
});

test('a tighter budget (within) ends the command sooner on the same channel', async () => {
  const failure = await againstStalledGateway(() => gateway.within(400).publishMessage({ name: 'deadline-probe', correlationKey: randomUUID(), timeToLive: 0 }));
  expect(failure.error.attempts).toBe(1);
  expect(failure.tookMs).toBeLessThan(900);
});

test('a slow gateway within the deadline is waited for', async () => {
  await channelReady();
  proxy.setDelay(50);
  try {
    await expect(gateway.publishMessage({ name: 'deadline-probe', correlationKey: randomUUID(), timeToLive: 0 })).resolves.toBeDefined();
  } finally {
    proxy.setDelay(0);
  }
});

test('the REST client gives up on a stalled engine within its timeout and bounded retries', async () => {
  const restProxy = await startLatencyProxy({ targetHost: new URL(config.ZEEBE_REST_ADDRESS).hostname, targetPort: Number(new URL(config.ZEEBE_REST_ADDRESS).port) });
  try {
    restProxy.stall();
    const rest = createOrchestrationClient({ ...config, ZEEBE_REST_ADDRESS: restProxy.url, ZEEBE_COMMAND_TIMEOUT_MS: 300 });
    const started = Date.now();
    await expect(rest.getTopology()).rejects.toBeDefined();
    // 3 attempts of 300 ms with their backoff, not forever
    expect(Date.now() - started).toBeLessThan(5_000);
  } finally {
    await restProxy.close();
  }
});
