import { pino } from 'pino';
import { Writable } from 'node:stream';
import type { DrainResult, RunningJob } from '../../worker-runtime/farm.ts';
import type { AnyWorker } from '../../worker-runtime/define-worker.ts';
import { EXIT_DRAIN_INCOMPLETE, drainGraceMs, farmShutdown } from './shutdown.ts';

const job: RunningJob = { key: '2251799813685249', type: 'billing.activate-subscription.v1', processInstanceKey: '2251799813685100', elementId: 'ServiceTask_ActivateBilling' };

function setup(running: RunningJob[]) {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) }));
  let finishDrain: (r: DrainResult) => void = () => undefined;
  const drains: number[] = [];
  const exits: number[] = [];
  const cleanups: string[] = [];
  const farm = {
    inFlight: () => running.length,
    runningJobs: () => running,
    drain: (graceMs: number) => {
      drains.push(graceMs);
      return new Promise<DrainResult>((resolve) => (finishDrain = resolve));
    },
  };
  const shutdown = farmShutdown({ farm, graceMs: 300_000, log, cleanup: async () => void cleanups.push('closed'), exit: (code) => void exits.push(code) });
  const settle = () => new Promise((r) => setImmediate(r));
  return { shutdown, lines, drains, exits, cleanups, finish: (r: DrainResult) => finishDrain(r), settle };
}

test('a drain that finishes exits 0 after cleanup, and drains only once', async () => {
  const t = setup([job]);
  t.shutdown.onSignal('SIGTERM');
  expect(t.shutdown.draining()).toBe(true);
  expect(t.drains).toEqual([300_000]);
  expect(t.exits).toEqual([]);
  t.finish({ kind: 'drained' });
  await t.settle();
  await t.settle();
  expect(t.cleanups).toEqual(['closed']);
  expect(t.exits).toEqual([0]);
  expect(t.lines.map((l) => l.msg)).toEqual(['draining: no new jobs, waiting for running ones', 'farm stopped']);
});

test('the deadline exits non-zero and names the jobs left', async () => {
  const t = setup([job]);
  t.shutdown.onSignal('SIGTERM');
  t.finish({ kind: 'timed-out', left: [job] });
  await t.settle();
  await t.settle();
  expect(t.exits).toEqual([EXIT_DRAIN_INCOMPLETE]);
  const deadline = t.lines.find((l) => String(l.msg).startsWith('drain deadline reached'));
  expect(deadline).toMatchObject({ level: 50, jobsLeft: [`billing.activate-subscription.v1#2251799813685249 (instance 2251799813685100, ServiceTask_ActivateBilling)`] });
});

test('a second signal while draining exits non-zero at once, naming the jobs still running', () => {
  const t = setup([job]);
  t.shutdown.onSignal('SIGTERM');
  t.shutdown.onSignal('SIGTERM');
  expect(t.drains).toHaveLength(1);
  expect(t.exits).toEqual([EXIT_DRAIN_INCOMPLETE]);
  expect(t.lines.at(-1)).toMatchObject({ msg: expect.stringMatching(/^second SIGTERM while draining: stopping now with 1 job\(s\) unfinished/), jobsLeft: [expect.stringContaining('#2251799813685249')] });
});

test('the drain deadline is the longest job timeout served, shortened by FARM_DRAIN_TIMEOUT_MS', () => {
  const worker = (timeoutMs?: number) => ({ timeoutMs }) as unknown as AnyWorker<unknown>;
  expect(drainGraceMs({ jobTimeoutMs: 300_000, workers: [worker(), worker()] })).toBe(300_000);
  expect(drainGraceMs({ jobTimeoutMs: 300_000, workers: [worker(), worker(600_000)] })).toBe(600_000);
  expect(drainGraceMs({ jobTimeoutMs: 300_000, drainTimeoutMs: 30_000, workers: [worker()] })).toBe(30_000);
  expect(drainGraceMs({ jobTimeoutMs: 300_000, drainTimeoutMs: 900_000, workers: [worker()] })).toBe(300_000);
  expect(drainGraceMs({ jobTimeoutMs: 60_000, workers: [] })).toBe(60_000);
});
