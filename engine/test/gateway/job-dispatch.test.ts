// The dispatch's choices, without the wire: one stream per job, round-robin, tenants, a broken
// push given back and offered again, polls woken only for jobs no stream took.
import { EngineError, type ActivatedJob, type StreamTarget } from '../../src/api.ts';
import { createJobDispatch, servesTenant, type JobStreamEntry } from '../../src/gateway/job-dispatch.ts';
import { createFakeEngine } from './fake-engine.ts';

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
const target: StreamTarget = { worker: 'w', timeout: 1000, fetchVariable: [] };

function stream(type: string, pushed: string[], works = true, tenantIds?: string[], ready = () => true): JobStreamEntry {
  return {
    type,
    ready,
    target: { ...target, tenantIds },
    push: (job: ActivatedJob) => {
      if (works) pushed.push(job.key);
      return works;
    },
  };
}

describe('job dispatch', () => {
  it('serves the default tenant when a stream names none', () => {
    expect(servesTenant(undefined, '<default>')).toBe(true);
    expect(servesTenant([], 'acme')).toBe(false);
    expect(servesTenant(['acme'], 'acme')).toBe(true);
  });

  it('gives a job whose push failed back to the engine and offers it to the next stream', async () => {
    const engine = createFakeEngine();
    const dispatch = createJobDispatch({ engine });
    const broken: string[] = [];
    const healthy: string[] = [];
    dispatch.openStream(stream('t', broken, false));
    dispatch.openStream(stream('t', healthy));
    const jobKey = engine.addJob('t');
    await settle();
    await settle();
    expect(engine.calls).toContain('returnJob');
    expect(healthy).toEqual([jobKey]);
    dispatch.close();
  });

  it('wakes a poll only for jobs of its type that no stream took', async () => {
    const engine = createFakeEngine();
    const dispatch = createJobDispatch({ engine });
    const wakes: string[] = [];
    dispatch.waitForJobs({ type: 'streamed', tenantIds: [], wake: () => wakes.push('streamed') });
    dispatch.waitForJobs({ type: 'polled', tenantIds: [], wake: () => wakes.push('polled') });
    dispatch.openStream(stream('streamed', []));
    engine.addJob('streamed');
    engine.addJob('polled');
    await settle();
    expect(wakes).toEqual(['polled']);
    dispatch.close();
  });

  it('reports a failed activation and keeps dispatching', async () => {
    const engine = createFakeEngine();
    const errors: string[] = [];
    const dispatch = createJobDispatch({ engine, onDispatchError: (_error, jobKey) => errors.push(jobKey) });
    const pushed: string[] = [];
    dispatch.openStream(stream('t', pushed));
    const original = engine.activateForStream.bind(engine);
    engine.activateForStream = async () => Promise.reject(new Error('queue full'));
    const lost = engine.addJob('t');
    await settle();
    engine.activateForStream = original;
    const next = engine.addJob('t');
    await settle();
    expect(errors).toEqual([lost]);
    expect(pushed).toEqual([next]);
    dispatch.close();
  });

  it('offers a job again after the engine pushed back with RESOURCE_EXHAUSTED', async () => {
    const engine = createFakeEngine();
    const dispatch = createJobDispatch({ engine });
    const pushed: string[] = [];
    dispatch.openStream(stream('t', pushed));
    const original = engine.activateForStream.bind(engine);
    let refusals = 1;
    engine.activateForStream = async (jobKey, streamTarget) => {
      if (refusals-- > 0) throw new EngineError('RESOURCE_EXHAUSTED', 'queue full');
      return original(jobKey, streamTarget);
    };
    const jobKey = engine.addJob('t');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(pushed).toEqual([jobKey]);
    dispatch.close();
  });

  it('passes over a stream whose client is not reading; with none ready the job wakes polls', async () => {
    const engine = createFakeEngine();
    const dispatch = createJobDispatch({ engine });
    const stuck: string[] = [];
    const reading: string[] = [];
    const wakes: string[] = [];
    dispatch.openStream(stream('t', stuck, true, undefined, () => false));
    dispatch.openStream(stream('t', reading));
    const first = engine.addJob('t');
    const second = engine.addJob('t');
    await settle();
    expect(stuck).toEqual([]);
    expect(reading).toEqual([first, second]);

    dispatch.waitForJobs({ type: 'u', tenantIds: [], wake: () => wakes.push('u') });
    dispatch.openStream(stream('u', stuck, true, undefined, () => false));
    engine.addJob('u');
    await settle();
    expect(stuck).toEqual([]);
    expect(wakes).toEqual(['u']);
    dispatch.close();
  });

  it('offers a new stream only the jobs announced within the catch-up window before it; older ones are left to polling', async () => {
    const engine = createFakeEngine();
    const dispatch = createJobDispatch({ engine, catchUpMs: 100 });
    const old = engine.addJob('t');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const recent = engine.addJob('t');
    await settle();
    const pushed: string[] = [];
    dispatch.openStream(stream('t', pushed));
    await settle();
    expect(pushed).toEqual([recent]);
    const polled = await engine.activateJobs({ type: 't', worker: 'poller', timeout: 1000, maxJobsToActivate: 5, fetchVariable: [] });
    expect(polled.map((job) => job.key)).toEqual([old]);
    dispatch.close();
  });
});
