// One measured load: put N orders in, wait until the replicas have completed the last job of each,
// and time it from the first submission to the last completion (as the replicas stamped it).
import { progress } from './progress.ts';
import { finishedBy, jobsBy, lastFinishedAt, type Replica } from './replicas.ts';
import { waitFor } from './load.ts';

export interface LoadResult {
  readonly orders: number;
  readonly finished: number;
  /** false when the timeout came first (the figures then cover the orders finished by then) */
  readonly complete: boolean;
  readonly seconds: number;
  readonly ordersPerSecond: number;
  readonly jobs: number;
  readonly jobsPerSecond: number;
}

export async function measureLoad(o: { readonly label: string; readonly replicas: readonly Replica[]; readonly orders: number; readonly submit: () => Promise<unknown>; readonly timeoutMs: number }): Promise<LoadResult> {
  const finished0 = finishedBy(o.replicas);
  const jobs0 = jobsBy(o.replicas);
  const p = progress(o.label);
  const started = Date.now();
  let submitError: unknown;
  const submitting = o.submit().catch((err: unknown) => (submitError = err));
  const done = () => finishedBy(o.replicas) - finished0;
  const complete = await waitFor(() => submitError !== undefined || done() >= o.orders, {
    timeoutMs: o.timeoutMs,
    tick: () => p.line(`${done()}/${o.orders} orders finished`),
  });
  await submitting;
  if (submitError) throw submitError instanceof Error ? submitError : new Error(String(submitError));
  // the replicas report twice a second: the last report carries the last completion's time
  await new Promise((r) => setTimeout(r, 600));
  const finished = done();
  const ended = complete ? lastFinishedAt(o.replicas) : Date.now();
  const seconds = Math.max(0.001, (ended - started) / 1000);
  const jobs = jobsBy(o.replicas) - jobs0;
  p.line(`${finished}/${o.orders} orders finished in ${seconds.toFixed(1)}s${complete ? '' : ' (timed out)'}`, true);
  return { orders: o.orders, finished, complete, seconds, ordersPerSecond: finished / seconds, jobs, jobsPerSecond: jobs / seconds };
}
