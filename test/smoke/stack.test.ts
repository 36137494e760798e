// What `stack:up` promises: a healthy engine partition on REST v2, and Operate's and Tasklist's
// login pages answering on the cluster's HTTP port.
import { CamundaSession } from '../../src/platform/camunda-session.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { eventually } from '../support/process-test.ts';

const config = loadConfig();

type Partition = { partitionId?: number; health: string; role: string };

async function partitions(): Promise<Partition[]> {
  const headers = await new CamundaSession(config).getHeaders();
  const res = await fetch(`${config.ZEEBE_REST_ADDRESS}/v2/topology`, { headers });
  expect(res.status).toBe(200);
  const topology = (await res.json()) as { brokers: { partitions: Partition[] }[] };
  return topology.brokers.flatMap((b) => b.partitions);
}

// Health is a live reading: a partition under load (backpressure, a lagging exporter) can report
// unhealthy for a moment while the other suites run, so it gets a minute to be healthy again.
test('/v2/topology reports every partition healthy', async () => {
  let last: Partition[] = [];
  const healthy = await eventually('every partition to be a healthy leader', async () => {
    last = await partitions();
    return last.length > 0 && last.every((p) => p.health === 'healthy' && p.role === 'leader') ? true : undefined;
  }, { timeoutMs: 60_000, intervalMs: 1_000 }).catch(() => false);
  expect({ healthy, partitions: last }).toEqual({ healthy: true, partitions: expect.arrayContaining([expect.objectContaining({ health: 'healthy' })]) });
}, 90_000);

test.each(['operate', 'tasklist'])('the %s login page answers', async (app) => {
  const res = await fetch(`${config.CAMUNDA_OPERATE_BASE_URL}/${app}/login`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/html');
});

test('the REST API refuses requests without a session', async () => {
  const res = await fetch(`${config.ZEEBE_REST_ADDRESS}/v2/topology`);
  expect(res.status).toBe(401);
});
