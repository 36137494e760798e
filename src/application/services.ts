// What application services need, built once per farm process (src/farm/) and handed to workers.
import type { DatabasePool } from 'slonik';
import type { Adapters } from '../adapters/index.ts';
import type { ExternalCalls } from '../integration/external-call.ts';
import type { Config } from '../platform/config.ts';

/** The five external systems, behind their ports. */
export type Ports = Omit<Adapters, 'circuits'>;

/** Publishes a message to the engine; messageId makes a repeated publish a no-op while it lives. */
export interface MessagePublisher {
  publish(msg: { name: string; correlationKey: string; messageId: string; variables: Record<string, unknown>; timeToLiveMs: number }): Promise<void>;
}

export interface FarmServices {
  readonly db: DatabasePool;
  readonly calls: ExternalCalls;
  readonly ports: Ports;
  readonly messages: MessagePublisher;
  readonly config: Config;
  /** how long one external call may take before its attempt counts as abandoned */
  readonly callLeaseMs: number;
}
