// Zeebe-shaped int64 keys: the partition id sits in the high bits (partition << 51), a counter
// below. One partition here, so keys run from 2^51 + 1 upwards, as decimal strings.

// 2^51 + counter stays below 2^53 for 6.7e15 keys, so plain doubles hold it exactly (no BigInt per key)
const PARTITION_BASE = 2 ** 51;

export class KeyGenerator {
  #counter: number;

  constructor(counter = 0) {
    this.#counter = counter;
  }

  next(): string {
    this.#counter += 1;
    return String(PARTITION_BASE + this.#counter);
  }

  /** for snapshots */
  get counter(): number {
    return this.#counter;
  }
}
