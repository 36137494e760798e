// The farm's job slots: a process runs at most `capacity` jobs at once, and takes a job only into a
// free slot (a job with none is given back to the engine, never queued). A job waiting out a retry
// backoff in the process (a hold) gives its slot up meanwhile, so a storm of one job type's
// failures cannot occupy the slots other job types need; holds are capped too (`maxHolds`), and a
// backoff that finds no hold place goes to the engine.

/** One taken slot. */
export interface JobSlot {
  /** frees the slot (once; later calls do nothing) */
  release(): void;
  /**
   * Frees the slot for a backoff hold and takes a hold place; undefined when every hold place is
   * taken (the caller then hands the backoff to the engine instead of holding).
   */
  holdWithoutSlot(): { end(): void } | undefined;
}

export class JobSlots {
  private taken = 0;
  private holds = 0;
  private readonly capacity: number;
  private readonly maxHolds: number;
  private readonly onChange: () => void;

  /** `onChange` runs whenever the number of free slots changed (the farm pauses or resumes its streams) */
  constructor(capacity: number, maxHolds: number, onChange: () => void = () => undefined) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.maxHolds = maxHolds;
    this.onChange = onChange;
  }

  get free(): number {
    return this.capacity - this.taken;
  }

  /** backoff holds in progress (each without a slot) */
  get holding(): number {
    return this.holds;
  }

  /** a free slot, or undefined when all are taken */
  tryTake(): JobSlot | undefined {
    if (this.taken >= this.capacity) return undefined;
    this.taken++;
    this.onChange();
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.taken--;
      this.onChange();
    };
    return {
      release,
      holdWithoutSlot: () => {
        if (this.holds >= this.maxHolds) return undefined;
        this.holds++;
        release();
        let ended = false;
        return {
          end: () => {
            if (ended) return;
            ended = true;
            this.holds--;
          },
        };
      },
    };
  }
}
