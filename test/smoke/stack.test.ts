// What `stack:up` promises of the engine: REST v2 answering with a healthy partition, and the
// status endpoint ready. (Operate's and Tasklist's login pages, and the session login the local
// Camunda distribution had, went with it: the local engine has none of them.)
import { createOrchestrationClient } from '../../src/platform/orchestration-client.ts';
import { loadConfig } from '../../src/platform/config.ts';

const config = loadConfig();
const rest = createOrchestrationClient(config);

test('/v2/topology reports every partition a healthy leader', async () => {
  const topology = await rest.getTopology();
  const partitions = topology.brokers.flatMap((broker) => broker.partitions);
  expect(partitions.length).toBeGreaterThan(0);
  expect(partitions.every((p) => p.health === 'healthy' && p.role === 'leader')).toBe(true);
  expect(topology.gatewayVersion).toMatch(/\S/);
});

test('/v2/status answers 204 (the cluster has a healthy partition)', async () => {
  const res = await fetch(`${config.ZEEBE_REST_ADDRESS.replace(/\/$/, '')}/v2/status`);
  expect(res.status).toBe(204);
});
