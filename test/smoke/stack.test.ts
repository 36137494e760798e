// What `stack:up` promises: a healthy engine partition on REST v2, and Operate's and Tasklist's
// login pages answering on the cluster's HTTP port.
import { CamundaSession } from '../../src/platform/camunda-session.ts';
import { loadConfig } from '../../src/platform/config.ts';

const config = loadConfig();

test('/v2/topology reports every partition healthy', async () => {
  const headers = await new CamundaSession(config).getHeaders();
  const res = await fetch(`${config.ZEEBE_REST_ADDRESS}/v2/topology`, { headers });
  expect(res.status).toBe(200);
  const topology = (await res.json()) as { brokers: { partitions: { health: string; role: string }[] }[] };
  const partitions = topology.brokers.flatMap((b) => b.partitions);
  expect(partitions.length).toBeGreaterThan(0);
  expect(partitions.every((p) => p.health === 'healthy' && p.role === 'leader')).toBe(true);
});

test.each(['operate', 'tasklist'])('the %s login page answers', async (app) => {
  const res = await fetch(`${config.CAMUNDA_OPERATE_BASE_URL}/${app}/login`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/html');
});

test('the REST API refuses requests without a session', async () => {
  const res = await fetch(`${config.ZEEBE_REST_ADDRESS}/v2/topology`);
  expect(res.status).toBe(401);
});
