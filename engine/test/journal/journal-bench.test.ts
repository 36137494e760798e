// Throughput and recovery time of the file journal on this machine's disk, printed (no timed
// assertions: CI disks vary). Group commit shows up as the gap between one writer waiting on
// every fsync and many writers sharing them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openFileJournal } from '../../src/journal/file-journal.ts';

const command = (index: number) => ({
  type: 'completeJob',
  jobKey: String(2251799813685248 + index),
  variables: { orderId: `order-${index}`, status: 'PROVISIONED', lines: [{ sku: 'SKU-1', quantity: 2 }] },
});

/** About what the runtime keeps per active instance: the instance, a few element instances, variables, a job. */
function activeInstance(index: number) {
  const key = String(2251799813685248 + index * 10);
  return {
    processInstanceKey: key,
    bpmnProcessId: 'order-fulfilment',
    version: 3,
    state: 'ACTIVE',
    startDate: 1_700_000_000_000 + index,
    elementInstances: ['StartEvent_1', 'Activity_validate', 'Gateway_split', 'Activity_provision'].map((elementId, offset) => ({
      elementInstanceKey: String(Number(key) + offset + 1),
      elementId,
      state: offset === 3 ? 'ACTIVE' : 'COMPLETED',
      startDate: 1_700_000_000_000 + index + offset,
    })),
    variables: {
      orderId: `order-${index}`,
      customer: { id: `customer-${index % 500}`, segment: 'enterprise', country: 'DE' },
      lines: Array.from({ length: 4 }, (_, line) => ({ sku: `SKU-${line}`, quantity: line + 1, price: 10.5 * (line + 1) })),
      correlationKey: `corr-${index}`,
    },
    job: { jobKey: String(Number(key) + 9), type: 'provision-subscription', retries: 3, state: 'ACTIVATABLE', customHeaders: { system: 'billing' } },
  };
}

describe('file journal bench', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'engine-journal-bench-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints appends per second with fsync on', async () => {
    const journal = await openFileJournal(dir);
    await journal.recover();
    const rate = (count: number, started: bigint): number => Math.round(count / (Number(process.hrtime.bigint() - started) / 1e9));

    const batchesSince = (before: { batches: number; entries: number }) => {
      const { batches, entries } = journal.stats;
      return `${((entries - before.entries) / Math.max(1, batches - before.batches)).toFixed(1)} entries/fsync`;
    };
    let before = journal.stats;
    let started = process.hrtime.bigint();
    for (let index = 0; index < 300; index++) {
      journal.append({ at: Date.now(), command: command(index) });
      await journal.flushed();
    }
    const single = `${rate(300, started)} (${batchesSince(before)})`;
    before = journal.stats;

    const writers = 64;
    const perWriter = 150;
    let next = 300;
    started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let count = 0; count < perWriter; count++) {
          journal.append({ at: Date.now(), command: command(next++) });
          await journal.flushed();
        }
      }),
    );
    const concurrent = `${rate(writers * perWriter, started)} (${batchesSince(before)})`;
    before = journal.stats;

    started = process.hrtime.bigint();
    for (let count = 0; count < 20_000; count++) journal.append({ at: Date.now(), command: command(next++) });
    await journal.flushed();
    const burst = `${rate(20_000, started)} (${batchesSince(before)})`;
    await journal.close();

    console.log(`journal appends/s with fsync: one writer awaiting each ${single}; ${writers} concurrent writers ${concurrent}; one burst of 20000 ${burst}`);
    expect(next).toBe(300 + writers * perWriter + 20_000);
  });

  it('prints the recovery time of 10,000 active instances (snapshot) plus 10,000 entries after it', async () => {
    const journal = await openFileJournal(dir);
    await journal.recover();
    const state = { instances: Array.from({ length: 10_000 }, (_, index) => activeInstance(index)) };
    let started = process.hrtime.bigint();
    await journal.writeSnapshot(state);
    const snapshotMs = Number(process.hrtime.bigint() - started) / 1e6;
    for (let index = 0; index < 10_000; index++) journal.append({ at: Date.now(), command: command(index) });
    await journal.close();

    started = process.hrtime.bigint();
    const reopened = await openFileJournal(dir);
    const recovered = await reopened.recover();
    const recoveryMs = Number(process.hrtime.bigint() - started) / 1e6;
    await reopened.close();

    const bytes = Buffer.byteLength(JSON.stringify(state));
    console.log(`snapshot of 10000 active instances (${(bytes / 1e6).toFixed(1)} MB) written in ${snapshotMs.toFixed(0)} ms; recovery of it plus 10000 entries in ${recoveryMs.toFixed(0)} ms`);
    expect((recovered.snapshot as typeof state).instances).toHaveLength(10_000);
    expect(recovered.entries).toHaveLength(10_000);
  });
});
