// The runtime's agenda of due work (timers, job deadlines, retry backoffs, message TTLs): a binary
// min-heap on (at, seq). Entries are validated when popped (the thing may be gone or moved), so
// cancelling is free. Plain data, so it goes into snapshots as it is.

export type DueKind = 'timer' | 'job-deadline' | 'job-backoff' | 'message-ttl';

export interface DueEntry {
  readonly at: number;
  readonly seq: number;
  readonly kind: DueKind;
  readonly key: string;
}

export interface DueQueueState {
  entries: DueEntry[];
  seq: number;
}

export const emptyDueQueue = (): DueQueueState => ({ entries: [], seq: 0 });

const before = (left: DueEntry, right: DueEntry): boolean => left.at < right.at || (left.at === right.at && left.seq < right.seq);

export function pushDue(queue: DueQueueState, at: number, kind: DueKind, key: string): void {
  queue.seq += 1;
  const heap = queue.entries;
  heap.push({ at, seq: queue.seq, kind, key });
  let index = heap.length - 1;
  while (index > 0) {
    const parent = (index - 1) >> 1;
    if (!before(heap[index]!, heap[parent]!)) break;
    [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
    index = parent;
  }
}

export const peekDue = (queue: DueQueueState): DueEntry | undefined => queue.entries[0];

export function popDue(queue: DueQueueState): DueEntry | undefined {
  const heap = queue.entries;
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0 && last) {
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) break;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
  }
  return top;
}
