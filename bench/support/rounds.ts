// A time-boxed round: keep `open` orders in the system for the round's length, submitting a new one
// whenever one finishes, and count what the replicas completed inside the measured window. The
// window opens once the pipeline is full: at least `warmupS` seconds and at least `open` orders
// finished (one whole turnover, so the window sees the steady state, not the first orders' way
// through). Then it stops submitting and lets the open orders finish, so the next round starts
// from an empty system.
import { setTimeout as sleep } from 'node:timers/promises';
import { progress } from './progress.ts';
import { finishedBy, type Replica } from './replicas.ts';
import { openWindow, type WindowFigures } from './window.ts';

export interface RoundSpec<T> {
  readonly label: string;
  readonly replicas: readonly Replica[];
  /** orders open at once (submitted, not yet finished); 1 = one order at a time */
  readonly open: number;
  /** submitting requests at once at most */
  readonly parallel: number;
  readonly warmupS: number;
  /** the pipeline fill gives up waiting for a turnover after this long (default 120 s) */
  readonly fillTimeoutS?: number;
  readonly durationS: number;
  readonly drainTimeoutS: number;
  /** puts one order in */
  readonly submit: () => Promise<unknown>;
  /** at the window's start and end (e.g. to take the replicas' job samples) */
  readonly atOpen?: () => Promise<void>;
  readonly atClose?: () => Promise<T>;
}

export interface RoundResult<T> extends WindowFigures {
  readonly submitted: number;
  readonly submitErrors: number;
  /** every submitted order finished after the window (false: the drain timed out) */
  readonly drained: boolean;
  readonly extra: T | undefined;
}

export async function timeBoxedRound<T = undefined>(spec: RoundSpec<T>): Promise<RoundResult<T>> {
  const finished0 = finishedBy(spec.replicas);
  const done = () => finishedBy(spec.replicas) - finished0;
  let submitted = 0;
  let submitErrors = 0;
  let running = true;
  // lanes wait for the replicas' next report rather than polling
  let wake: (() => void) | undefined;
  let signal = new Promise<void>((resolve) => (wake = resolve));
  const onMessage = () => {
    const w = wake;
    signal = new Promise<void>((resolve) => (wake = resolve));
    w?.();
  };
  for (const r of spec.replicas) r.child.on('message', onMessage);
  const lane = async () => {
    while (running) {
      if (submitted - done() >= spec.open) {
        await Promise.race([signal, sleep(250)]);
        continue;
      }
      submitted++;
      try {
        await spec.submit();
      } catch {
        submitted--;
        submitErrors++;
        await sleep(100);
      }
    }
  };
  const p = progress(spec.label);
  const lanes = Array.from({ length: Math.max(1, Math.min(spec.parallel, spec.open)) }, lane);
  try {
    const filled = Date.now() + spec.warmupS * 1000;
    const fillDeadline = Date.now() + (spec.fillTimeoutS ?? 120) * 1000;
    while ((Date.now() < filled || done() < spec.open) && Date.now() < fillDeadline) await Promise.race([signal, sleep(250)]);
    await spec.atOpen?.();
    const window = await openWindow(spec.replicas);
    const until = Date.now() + spec.durationS * 1000;
    while (Date.now() < until) {
      await sleep(Math.min(1_000, until - Date.now()));
      const dead = spec.replicas.find((r) => !r.alive());
      if (dead) throw new Error(`replica ${dead.spec.name} exited during the round; see its log in ${dead.spec.logDir}`);
      p.line(`${done()} orders finished, ${submitted - done()} open`);
    }
    const figures = await window.close();
    const extra = await spec.atClose?.();
    running = false;
    await Promise.all(lanes);
    const deadline = Date.now() + spec.drainTimeoutS * 1000;
    while (done() < submitted && Date.now() < deadline) await Promise.race([signal, sleep(250)]);
    const drained = done() >= submitted;
    p.line(`${figures.orders} orders in the ${figures.seconds} s window (${figures.ordersPerSecond.toFixed(2)}/s)${drained ? '' : `; ${submitted - done()} still open after the drain`}`, true);
    return { ...figures, submitted, submitErrors, drained, extra };
  } finally {
    running = false;
    for (const r of spec.replicas) r.child.off('message', onMessage);
  }
}
