import { boundedStarts, EngineBusyError } from './bounded-starts.ts';
import type { EngineMessage, MessagePublisher } from '../../core/ports/message-publisher.ts';

const message = (n: number): EngineMessage => ({ name: 'OrderAccepted', correlationKey: `ord-${n}`, messageId: `ord-${n}`, variables: {}, timeToLiveMs: 1_000 });

/** a publisher whose publishes wait until released */
function heldPublisher(): MessagePublisher & { releaseAll(): void; readonly seen: number } {
  const waiting: (() => void)[] = [];
  let seen = 0;
  return {
    get seen() {
      return seen;
    },
    publish: () => {
      seen++;
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    releaseAll: () => waiting.splice(0).forEach((resolve) => resolve()),
  };
}

test('refuses a start at once while maxPending starts wait on the engine, and takes starts again once they end', async () => {
  const engine = heldPublisher();
  const starts = boundedStarts(engine, 2);
  const first = starts.publish(message(1));
  const second = starts.publish(message(2));
  expect(starts.pending).toBe(2);
  await expect(starts.publish(message(3))).rejects.toBeInstanceOf(EngineBusyError);
  expect(engine.seen).toBe(2);
  engine.releaseAll();
  await Promise.all([first, second]);
  expect(starts.pending).toBe(0);
  const third = starts.publish(message(3));
  engine.releaseAll();
  await third;
  expect(engine.seen).toBe(3);
});

test('a failed start frees its place too', async () => {
  const starts = boundedStarts({ publish: () => Promise.reject(new Error('deadline exceeded')) }, 1);
  await expect(starts.publish(message(1))).rejects.toThrow('deadline exceeded');
  expect(starts.pending).toBe(0);
  await expect(starts.publish(message(2))).rejects.toThrow('deadline exceeded');
});
