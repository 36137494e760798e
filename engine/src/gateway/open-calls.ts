// The long-lived calls in progress (long polls, job streams), so closing the gateway can end
// them: a client then sees its stream end and reconnects, instead of hanging on a dead server.
export interface OpenCalls {
  /** `end` is called once when the gateway closes; the returned function forgets the call */
  register(end: () => void): () => void;
  endAll(): void;
  readonly size: number;
}

export function createOpenCalls(): OpenCalls {
  const ends = new Set<() => void>();
  return {
    register(end) {
      ends.add(end);
      return () => ends.delete(end);
    },
    endAll() {
      for (const end of [...ends]) end();
      ends.clear();
    },
    get size() {
      return ends.size;
    },
  };
}
