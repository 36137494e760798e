import { EngineError } from '../../src/api.ts';
import type { Journal } from '../../src/durability.ts';
import { bpmnResource, chain, pinnedEngine, serviceTask } from './harness.ts';

/** a journal whose disk fills up on demand: the batch being flushed then fails, and so does every later write */
function fillingJournal() {
  let full = false;
  let failure: Error | undefined;
  let batch: Promise<void> | undefined;
  let appended = 0;
  const journal: Journal = {
    recover: async () => ({ snapshot: undefined, entries: [] }),
    append() {
      if (failure) throw new Error(`The journal failed to write earlier: ${failure.message}`);
      appended += 1;
    },
    flushed() {
      if (failure) return Promise.reject(failure);
      // group commit: the commands appended in this turn share one write
      batch ??= new Promise<void>((resolve, reject) => {
        setTimeout(() => {
          batch = undefined;
          if (!full) return resolve();
          failure = new Error('ENOSPC: no space left on device, write');
          reject(failure);
        }, 5);
      });
      return batch;
    },
    writeSnapshot: async () => undefined,
    entriesSinceSnapshot: 0,
    close: async () => undefined,
  };
  return { journal, fill: () => void (full = true), appended: () => appended };
}

const unavailable = expect.objectContaining({ code: 'UNAVAILABLE', message: expect.stringContaining('journal failed (ENOSPC') });

describe('journal failure', () => {
  it('answers the commands whose flush failed and every later one UNAVAILABLE, without changing the state', async () => {
    const disk = fillingJournal();
    const engine = await pinnedEngine({ journal: disk.journal });
    await engine.deploy([bpmnResource('one', chain('one', [serviceTask('task', 'work')]))]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'one' });
    const completion = engine.awaitCompletion(processInstanceKey, [], 60_000);

    disk.fill();
    const inFlight = [engine.createProcessInstance({ bpmnProcessId: 'one' }), engine.setVariables(processInstanceKey, { x: 1 }, true)];
    const answers = await Promise.allSettled(inFlight);
    for (const answer of answers) {
      expect(answer.status).toBe('rejected');
      expect((answer as PromiseRejectedResult).reason).toBeInstanceOf(EngineError);
      expect((answer as PromiseRejectedResult).reason).toEqual(unavailable);
    }
    await expect(completion).rejects.toEqual(unavailable);

    const instances = [...engine.queries.processInstances()].length;
    const appended = disk.appended();
    await expect(engine.createProcessInstance({ bpmnProcessId: 'one' })).rejects.toEqual(unavailable);
    await expect(engine.activateJobs({ type: 'work', worker: 'w', timeout: 1000, maxJobsToActivate: 5, fetchVariable: [] })).rejects.toEqual(unavailable);
    expect([...engine.queries.processInstances()]).toHaveLength(instances);
    expect(disk.appended()).toBe(appended);
    await engine.close();
  });

  it('stops when appending throws (the journal failed in between flushes)', async () => {
    let failing = false;
    const journal: Journal = {
      recover: async () => ({ snapshot: undefined, entries: [] }),
      append() {
        if (failing) throw new Error('EIO: i/o error, write');
      },
      flushed: async () => undefined,
      writeSnapshot: async () => undefined,
      entriesSinceSnapshot: 0,
      close: async () => undefined,
    };
    const engine = await pinnedEngine({ journal });
    await engine.deploy([bpmnResource('one', chain('one', [serviceTask('task', 'work')]))]);
    failing = true;
    const appendFailed = expect.objectContaining({ code: 'UNAVAILABLE', message: expect.stringContaining('journal failed (EIO') });
    await expect(engine.createProcessInstance({ bpmnProcessId: 'one' })).rejects.toEqual(appendFailed);
    failing = false; // even if the disk comes back, the state is ahead of it: no more commands
    await expect(engine.createProcessInstance({ bpmnProcessId: 'one' })).rejects.toEqual(appendFailed);
    await engine.close();
  });
});
