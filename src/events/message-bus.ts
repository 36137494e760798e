// The farm's own port to the event broker: the relay, the inbox consumer and the demo use only
// this, so the Kafka client library can be replaced without touching them.
export interface BusMessage {
  /** ordering key: messages with the same key keep their order */
  readonly key: string;
  readonly value: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ConsumedMessage extends BusMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** when the record was written (epoch ms, the broker's record timestamp) */
  readonly timestamp?: number | undefined;
}

export interface BusProducer {
  /** Resolves once the broker acknowledged every message (all in-sync replicas). */
  send(topic: string, messages: readonly BusMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface BusConsumer {
  close(): Promise<void>;
}

export interface ConsumeOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /**
   * Handles one message. Resolving commits it; throwing leaves it uncommitted, so it is delivered
   * again (after a pause) — only for failures that may pass.
   */
  readonly handle: (message: ConsumedMessage) => Promise<void>;
  readonly fromBeginning?: boolean;
}

export interface MessageBus {
  ensureTopics(topics: readonly { readonly name: string; readonly partitions: number }[]): Promise<void>;
  producer(): Promise<BusProducer>;
  consume(opts: ConsumeOptions): Promise<BusConsumer>;
}
