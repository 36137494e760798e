import { JobSlots } from './job-slots.ts';

test('takes jobs only into free slots and frees each slot once', () => {
  let changes = 0;
  const slots = new JobSlots(2, 2, () => changes++);
  const a = slots.tryTake()!;
  const b = slots.tryTake()!;
  expect(slots.free).toBe(0);
  expect(slots.tryTake()).toBeUndefined();
  a.release();
  a.release();
  expect(slots.free).toBe(1);
  b.release();
  expect(slots.free).toBe(2);
  expect(changes).toBe(4);
});

test('a backoff hold gives its slot up, within the cap of holds', () => {
  const slots = new JobSlots(1, 1);
  const first = slots.tryTake()!;
  const hold = first.holdWithoutSlot();
  expect(hold).toBeDefined();
  expect([slots.free, slots.holding]).toEqual([1, 1]);
  // the freed slot takes another job; its hold finds the cap reached
  const second = slots.tryTake()!;
  expect(second.holdWithoutSlot()).toBeUndefined();
  expect(slots.free).toBe(0);
  hold!.end();
  first.release(); // after the hold: already free, nothing more to free
  expect([slots.free, slots.holding]).toEqual([0, 0]);
  second.release();
  expect(slots.free).toBe(1);
});
