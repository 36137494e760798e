// Calls that outlive a request: create-with-result past its requestTimeout, and the long-lived
// calls (job streams, long polls) a closing gateway ends so clients reconnect elsewhere.
import http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { startEngine } from '../../src/start.ts';
import { createFakeEngine } from './fake-engine.ts';
import { drain, rawGateway, streamCall, unaryCall } from './raw-client.ts';

const PROCESS = '<bpmn:process id="never-ends"><zeebe:taskDefinition type="never.ends" /></bpmn:process>';

describe('gateway lifecycle', () => {
  it('answers CreateProcessInstanceWithResult with DEADLINE_EXCEEDED after its requestTimeout', async () => {
    const running = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', engine: createFakeEngine() });
    const client = rawGateway(running.grpcAddress);
    try {
      await unaryCall(client, 'DeployResource', { resources: [{ name: 'never-ends.bpmn', content: Buffer.from(PROCESS) }] });
      const started = Date.now();
      await expect(unaryCall(client, 'CreateProcessInstanceWithResult', { request: { bpmnProcessId: 'never-ends', version: -1, variables: '{}' }, requestTimeout: '300' })).rejects.toMatchObject({
        code: grpc.status.DEADLINE_EXCEEDED,
      });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      client.close();
      await running.stop();
    }
  });

  it('ends open job streams and long polls when the gateway stops', async () => {
    const running = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', engine: createFakeEngine() });
    const client = rawGateway(running.grpcAddress);
    const stream = streamCall(client, 'StreamActivatedJobs', { type: 'stop.stream', worker: 'w', timeout: '1000' });
    await new Promise((resolve) => stream.once('metadata', resolve));
    const ended = drain(stream);
    const poll = drain(streamCall(client, 'ActivateJobs', { type: 'stop.poll', worker: 'w', timeout: '1000', maxJobsToActivate: 1, requestTimeout: '60000' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await running.stop();
    const [streamResult, pollResult] = await Promise.all([ended, poll]);
    expect(streamResult.error).toBeUndefined();
    expect(pollResult).toEqual({ messages: [], error: undefined });
    expect(Date.now() - started).toBeLessThan(1_500);
    client.close();
  });

  it('forgets a long poll its client cancelled: a later job does not wake it', async () => {
    const fake = createFakeEngine();
    const running = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', engine: fake });
    const client = rawGateway(running.grpcAddress);
    try {
      const poll = streamCall(client, 'ActivateJobs', { type: 'cancel.poll', worker: 'w', timeout: '1000', maxJobsToActivate: 1, requestTimeout: '60000' });
      poll.on('error', () => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(fake.calls.filter((call) => call === 'activateJobs')).toHaveLength(1);
      poll.cancel();
      await new Promise((resolve) => setTimeout(resolve, 100));
      fake.addJob('cancel.poll');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(fake.calls.filter((call) => call === 'activateJobs')).toHaveLength(1);
    } finally {
      client.close();
      await running.stop();
    }
  });

  it('asks clients to send uncompressed messages (grpc-accept-encoding: identity) and still reads gzip', async () => {
    const running = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', engine: createFakeEngine() });
    const session = http2.connect(`http://127.0.0.1:${running.grpcPort}`);
    try {
      const request = session.request({ ':method': 'POST', ':path': '/gateway_protocol.Gateway/Topology', 'content-type': 'application/grpc', te: 'trailers' });
      const headers = new Promise<http2.IncomingHttpHeaders>((resolve) => request.once('response', resolve));
      request.end(Buffer.from([0, 0, 0, 0, 0])); // one uncompressed, empty TopologyRequest
      expect((await headers)['grpc-accept-encoding']).toBe('identity');
      request.resume();
      await new Promise((resolve) => request.once('close', resolve));
      // a client that compresses (the SDK's first call on each channel) is still understood
      const gzipClient = rawGateway(running.grpcAddress, { 'grpc.default_compression_algorithm': 2 });
      await expect(unaryCall(gzipClient, 'PublishMessage', { name: 'gzipped', correlationKey: 'k', variables: JSON.stringify({ pad: 'x'.repeat(2_000) }) })).resolves.toMatchObject({ tenantId: '<default>' });
      gzipClient.close();
    } finally {
      session.close();
      await running.stop();
    }
  });
});
