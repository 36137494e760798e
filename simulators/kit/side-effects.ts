// Every change a simulated system makes to its own world is recorded here, so tests can count
// duplicates (the farm's promise is "at most once per business intent", seen from outside).
export interface SideEffect {
  readonly system: string;
  readonly operation: string;
  /** the key the caller sent (Idempotency-Key header, or provisioning's clientTxnRef) */
  readonly idempotencyKey?: string;
  /** business reference of what was changed (see simulators/README.md, "Side effects") */
  readonly ref: string;
  /** ISO 8601 */
  readonly at: string;
  /** sha256 of the canonical JSON of {params, body} */
  readonly payloadHash: string;
}

export interface SideEffectFilter {
  readonly system?: string | undefined;
  readonly operation?: string | undefined;
  readonly key?: string | undefined;
  readonly ref?: string | undefined;
}

export class SideEffectRecorder {
  private records: SideEffect[] = [];

  record(effect: Omit<SideEffect, 'at' | 'idempotencyKey'> & { readonly idempotencyKey?: string | undefined }): SideEffect {
    // the key is left out, not null, when the request had none (notification, release)
    const recorded: SideEffect = {
      system: effect.system,
      operation: effect.operation,
      ...(effect.idempotencyKey === undefined ? {} : { idempotencyKey: effect.idempotencyKey }),
      ref: effect.ref,
      at: new Date().toISOString(),
      payloadHash: effect.payloadHash,
    };
    this.records.push(recorded);
    return recorded;
  }

  list(filter: SideEffectFilter = {}): readonly SideEffect[] {
    return this.records.filter(
      (e) =>
        (filter.system === undefined || e.system === filter.system) &&
        (filter.operation === undefined || e.operation === filter.operation) &&
        (filter.key === undefined || e.idempotencyKey === filter.key) &&
        (filter.ref === undefined || e.ref === filter.ref),
    );
  }

  count(filter: SideEffectFilter = {}): number {
    return this.list(filter).length;
  }

  clear(): void {
    this.records = [];
  }
}
