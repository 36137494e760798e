// How the engine keeps state across a crash, as seen by the command loop (engine.ts): every command
// is applied to the in-memory runtime at one clock reading, then appended to the journal; the
// caller is answered only once the journal says the entry is on disk (group commit: one fsync per
// batch). Recovery loads the newest snapshot and re-applies the entries after it, in order, each
// at its recorded time; the runtime is deterministic, so that gives the same state.

/** One applied command: JSON-serialisable, with the engine-clock time it was applied at. */
export interface JournalEntry {
  readonly at: number;
  readonly command: unknown;
}

export interface Recovered {
  /** the state a snapshot held (the runtime's own serialised form), if there is one */
  readonly snapshot: unknown;
  /** the entries applied after that snapshot, oldest first */
  readonly entries: readonly JournalEntry[];
}

export interface Journal {
  /** what is on disk: the latest snapshot and the journal after it */
  recover(): Promise<Recovered>;
  /** buffers one entry (cheap, synchronous); it is durable once flushed() resolves */
  append(entry: JournalEntry): void;
  /** resolves when every entry appended so far is on disk */
  flushed(): Promise<void>;
  /** writes a snapshot of the state as of the last appended entry; later recovery starts from it */
  writeSnapshot(state: unknown): Promise<void>;
  /** entries appended since the last snapshot (the command loop snapshots past a threshold) */
  readonly entriesSinceSnapshot: number;
  close(): Promise<void>;
}

/** No durability: tests and `startEngine({ dataDir: undefined })`. */
export function memoryJournal(): Journal {
  let since = 0;
  return {
    recover: async () => ({ snapshot: undefined, entries: [] }),
    append: () => {
      since += 1;
    },
    flushed: async () => undefined,
    writeSnapshot: async () => {
      since = 0;
    },
    get entriesSinceSnapshot() {
      return since;
    },
    close: async () => undefined,
  };
}
