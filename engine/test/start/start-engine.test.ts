// startEngine composes the engine, its journal, the gRPC gateway, REST and OAuth: it starts fast on
// free ports, recovers from its data directory, and with OAuth on refuses calls without a token.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { startEngine, type RunningEngine } from '../../src/start.ts';
import { serviceTaskProcess } from '../gateway/models.ts';
import { drain, rawGateway, streamCall, unaryCall } from '../gateway/raw-client.ts';

const quiet = { CAMUNDA_LOG_LEVEL: 'error', zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_CLIENT_RETRY: false } } as const;

function sdkClient(running: RunningEngine, auth: Record<string, unknown> = { CAMUNDA_AUTH_STRATEGY: 'NONE' }): ZeebeGrpcClient {
  return new ZeebeGrpcClient({ config: { ZEEBE_GRPC_ADDRESS: running.grpcAddress, ...auth, ...quiet } });
}

describe('startEngine', () => {
  it('starts well under a second on free ports, serves REST and gRPC, and stops', async () => {
    const started = Date.now();
    const running = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1' });
    const elapsed = Date.now() - started;
    try {
      expect(elapsed).toBeLessThan(1_000);
      expect(running.grpcAddress).toBe(`grpc://127.0.0.1:${running.grpcPort}`);
      expect(running.restAddress).toBe(`http://127.0.0.1:${running.restPort}`);
      const topology = (await (await fetch(`${running.restAddress}/v2/topology`)).json()) as { partitionsCount: number };
      expect(topology.partitionsCount).toBe(1);
      const client = rawGateway(running.grpcAddress);
      await expect(unaryCall(client, 'Topology', {})).resolves.toMatchObject({ clusterSize: 1 });
      client.close();
    } finally {
      await running.stop();
    }
    // the ports are free again
    const again = await startEngine({ grpcPort: running.grpcPort, restPort: running.restPort, host: '127.0.0.1' });
    await again.stop();
  });

  it('recovers deployed processes and activatable jobs from its data directory after a restart', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'engine-start-'));
    try {
      const first = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', dataDir });
      const zeebe = sdkClient(first);
      await zeebe.deployResource({ process: Buffer.from(serviceTaskProcess('start-recover', 'start.recover')), name: 'start-recover.bpmn' });
      const created = await zeebe.createProcessInstance({ bpmnProcessId: 'start-recover', variables: { orderId: 'o-9' } });
      await zeebe.close(1_000);
      await first.stop();

      const second = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', dataDir });
      const again = sdkClient(second);
      try {
        const jobs = await again.activateJobs({ type: 'start.recover', worker: 'w', timeout: 10_000, maxJobsToActivate: 5, requestTimeout: -1 });
        expect(jobs.map((job) => job.processInstanceKey)).toEqual([created.processInstanceKey]);
        expect(jobs[0]?.variables).toMatchObject({ orderId: 'o-9' });
      } finally {
        await again.close(1_000);
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('with OAuth on, refuses gRPC calls and job streams without a token and serves the SDK that has one', async () => {
    const client = { clientId: 'farm', clientSecret: 'farm-secret' };
    const running = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', oauth: { clients: [client] } });
    const raw = rawGateway(running.grpcAddress);
    const zeebe = sdkClient(running, {
      CAMUNDA_AUTH_STRATEGY: 'OAUTH',
      CAMUNDA_OAUTH_URL: `${running.restAddress}/oauth/token`,
      ZEEBE_CLIENT_ID: client.clientId,
      ZEEBE_CLIENT_SECRET: client.clientSecret,
      CAMUNDA_TOKEN_DISK_CACHE_DISABLE: true,
    });
    try {
      await expect(unaryCall(raw, 'Topology', {})).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
      const bad = new grpc.Metadata();
      bad.set('authorization', 'Bearer not-a-token');
      await expect(unaryCall(raw, 'Topology', {}, bad)).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
      const { error } = await drain(streamCall(raw, 'StreamActivatedJobs', { type: 't', worker: 'w', timeout: '1000' }));
      expect(error?.code).toBe(grpc.status.UNAUTHENTICATED);
      expect((await fetch(`${running.restAddress}/v2/topology`)).status).toBe(401);

      await expect(zeebe.topology()).resolves.toMatchObject({ partitionsCount: 1 });
      await zeebe.deployResource({ process: Buffer.from(serviceTaskProcess('start-oauth', 'start.oauth')), name: 'start-oauth.bpmn' });
      const done: string[] = [];
      const worker = await zeebe.streamJobs({
        type: 'start.oauth',
        worker: 'oauth-worker',
        tenantIds: [],
        timeout: 10_000,
        taskHandler: async (job) => {
          done.push(job.key);
          return job.complete({});
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const result = await zeebe.createProcessInstanceWithResult({ bpmnProcessId: 'start-oauth', variables: { a: 1 }, requestTimeout: 10_000 });
      expect(result.variables).toMatchObject({ a: 1 });
      expect(done).toHaveLength(1);
      await worker.close();
    } finally {
      raw.close();
      await zeebe.close(1_000);
      await running.stop();
    }
  });

  it('kill() drops the servers at once; a restart on the same directory has every acknowledged command', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'engine-kill-'));
    try {
      const first = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', dataDir });
      const zeebe = sdkClient(first);
      await zeebe.deployResource({ process: Buffer.from(serviceTaskProcess('start-kill', 'start.kill')), name: 'start-kill.bpmn' });
      const created = await zeebe.createProcessInstance({ bpmnProcessId: 'start-kill', variables: {} });
      first.kill();
      await expect(zeebe.topology()).rejects.toBeDefined();
      await zeebe.close(1_000);
      await new Promise((resolve) => setTimeout(resolve, 200));

      const second = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', dataDir });
      try {
        expect(second.engine.queries.processInstance(created.processInstanceKey)?.state).toBe('ACTIVE');
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
