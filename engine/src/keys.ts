// Zeebe-shaped int64 keys: the partition id sits in the high bits (partition << 51), a counter
// below. One partition here, so keys run from 2^51 + 1 upwards, as decimal strings.

const PARTITION_BASE = 1n << 51n;

export class KeyGenerator {
  #counter: number;

  constructor(counter = 0) {
    this.#counter = counter;
  }

  next(): string {
    this.#counter += 1;
    return (PARTITION_BASE + BigInt(this.#counter)).toString();
  }

  /** for snapshots */
  get counter(): number {
    return this.#counter;
  }
}
