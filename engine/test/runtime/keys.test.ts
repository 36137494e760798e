import { KeyGenerator } from '../../src/keys.ts';

describe('keys', () => {
  it('are partition 1 keys: 2^51 + counter, as decimal strings, monotonic', () => {
    const keys = new KeyGenerator();
    expect(keys.next()).toBe(((1n << 51n) + 1n).toString());
    expect(keys.next()).toBe(((1n << 51n) + 2n).toString());
    expect(new KeyGenerator(1_000_000_000).next()).toBe(((1n << 51n) + 1_000_000_001n).toString());
  });
});
