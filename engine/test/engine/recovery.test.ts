import type { Journal, JournalEntry } from '../../src/durability.ts';
import { Clock } from '../../src/clock.ts';
import { createEngine } from '../../src/engine.ts';
import { activateOne, projectResources, T0, work } from './harness.ts';

/** a journal kept in memory across engine restarts, with snapshots */
function sharedJournal() {
  const disk: { snapshot: unknown; entries: JournalEntry[] } = { snapshot: undefined, entries: [] };
  const open = (): Journal => ({
    recover: async () => structuredClone({ snapshot: disk.snapshot, entries: disk.entries }),
    append: (entry) => void disk.entries.push(structuredClone(entry)),
    flushed: async () => undefined,
    writeSnapshot: async (state) => {
      disk.snapshot = structuredClone(state);
      disk.entries = [];
    },
    get entriesSinceSnapshot() {
      return disk.entries.length;
    },
    close: async () => undefined,
  });
  return { open, disk };
}

const summary = (engine: Awaited<ReturnType<typeof createEngine>>) => ({
  instances: [...engine.queries.processInstances()],
  elements: [...engine.queries.elementInstances()],
  jobs: [...engine.queries.jobs()],
  incidents: [...engine.queries.incidents()],
  tasks: [...engine.queries.userTasks()],
  variables: [...engine.queries.variables()],
});

describe('recovery', () => {
  it.each([
    ['from the journal alone', 1_000_000],
    ['from a snapshot plus the journal after it', 7],
  ])('replays to the same state %s', async (_label, snapshotEvery) => {
    const journal = sharedJournal();
    const engine = await createEngine({ clock: new Clock({ pinnedAt: T0 }), journal: journal.open(), snapshotEvery });
    await engine.deploy(projectResources());
    await engine.publishMessage({ name: 'OrderAccepted', correlationKey: 'o', messageId: 'o', timeToLive: 60_000, variables: { orderId: 'o', orderItemIds: ['a', 'b'], provisioningPollCycle: 'R/PT5M', provisioningSla: 'PT2H' } });
    await work(engine, 'crm.validate-customer-account.v1', {});
    const reserve = await activateOne(engine, 'inventory.reserve-resource.v1');
    await engine.failJob({ jobKey: reserve.key, retries: 0, errorMessage: 'down', retryBackOff: 0 });
    await engine.pinClock(T0 + 90_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = summary(engine);
    if (snapshotEvery < 100) expect(journal.disk.snapshot).toBeDefined();
    await engine.close();

    const clock = new Clock();
    const restarted = await createEngine({ clock, journal: journal.open(), snapshotEvery });
    expect(summary(restarted)).toEqual(before);
    expect(clock.pinnedAt).toBe(T0 + 90_000);
    // and it goes on: keys do not repeat
    const again = await activateOne(restarted, 'inventory.reserve-resource.v1');
    await restarted.completeJob(again.key, { reservationId: 'r' });
    const keys = [...restarted.queries.elementInstances()].map((record) => record.elementInstanceKey);
    expect(new Set(keys).size).toBe(keys.length);
    await restarted.close();
  });

  it('drops the oldest finished instances past the history limit', async () => {
    const engine = await createEngine({ clock: new Clock({ pinnedAt: T0 }), historyLimit: 2 });
    await engine.deploy(projectResources());
    const keys: string[] = [];
    for (let index = 0; index < 4; index += 1) {
      await engine.publishMessage({ name: 'ReconciliationCaseOpened', correlationKey: `c${index}`, timeToLive: 0, variables: { caseId: `c${index}` } });
      await work(engine, 'reconciliation.check-external-state.v1', { reconciliationOutcome: 'REPAIRED' });
      await work(engine, 'reconciliation.resume-fulfillment.v1', {});
      keys.push(...[...engine.queries.processInstances()].map((record) => record.processInstanceKey));
    }
    const left = [...engine.queries.processInstances()];
    expect(left).toHaveLength(2);
    expect([...engine.queries.jobs()]).toHaveLength(4);
    await engine.close();
  });
});
