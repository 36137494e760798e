// The real engine end to end: deploy a model, serve its job through job streaming, complete the
// instance, and read it back through the REST v2 search API.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ProcessTest, eventually } from '../support/process-test.ts';

const fixture = path.join(import.meta.dirname, '..', 'fixtures', 'smoke-probe.bpmn');
let pt: ProcessTest;

beforeAll(async () => {
  pt = new ProcessTest();
  await pt.deploy(fixture);
});
afterAll(async () => {
  await pt.close();
});

test('a streamed job completes an instance that the search API then reports as completed', async () => {
  const probeId = randomUUID();
  const seen: string[] = [];
  const stream = await pt.zeebe.streamJobs({
    type: 'smoke.echo.v1',
    worker: 'smoke-test',
    timeout: 30_000,
    tenantIds: ['<default>'],
    taskHandler: async (job) => {
      seen.push(String(job.variables.probeId));
      return job.complete({ echoed: String(job.variables.probeId) });
    },
  });
  try {
    const key = await pt.start('smoke-probe', { probeId });
    const done = await pt.awaitCompleted(key);
    expect(done).toMatchObject({ key, processDefinitionId: 'smoke-probe', state: 'COMPLETED', hasIncident: false });
    expect(seen).toContain(probeId);

    // read back through REST v2 search: the instance found by its own variable, and its path
    // (a Camunda cluster's search side trails its engine, so ask until they are there)
    const found = await eventually('the instance to be found by its probeId', async () => {
      const hits = await pt.search.processInstancesByVariable('probeId', probeId, 'smoke-probe');
      return hits.length > 0 ? hits : undefined;
    });
    expect(found.map((p) => [p.key, p.state])).toEqual([[key, 'COMPLETED']]);
    const passed = await pt.awaitPassed(key, ['EndEvent_ProbeAnswered']);
    expect(passed).toEqual(['StartEvent_ProbeRequested', 'ServiceTask_Echo', 'EndEvent_ProbeAnswered']);
  } finally {
    stream.close();
  }
});
