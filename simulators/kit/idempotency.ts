// The "same key, same request → same answer; same key, other request → conflict" rule that real
// providers implement. Only committed results are remembered: a rejected request may be retried.
export type IdempotencyVerdict<T> =
  | { readonly kind: 'new' }
  | { readonly kind: 'replay'; readonly stored: T }
  | { readonly kind: 'conflict'; readonly stored: T };

interface Entry<T> {
  readonly fingerprint: string;
  readonly stored: T;
}

export class IdempotencyStore<T> {
  private readonly entries = new Map<string, Entry<T>>();

  /** fingerprint: payloadHash of the request, so field order does not count as "another body" */
  check(key: string, fingerprint: string): IdempotencyVerdict<T> {
    const entry = this.entries.get(key);
    if (!entry) return { kind: 'new' };
    return entry.fingerprint === fingerprint ? { kind: 'replay', stored: entry.stored } : { kind: 'conflict', stored: entry.stored };
  }

  remember(key: string, fingerprint: string, stored: T): void {
    this.entries.set(key, { fingerprint, stored });
  }

  clear(): void {
    this.entries.clear();
  }
}
