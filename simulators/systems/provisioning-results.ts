// The provisioning system's result events on Kafka (contracts/asyncapi/provisioning-results.yaml):
// every final status of a service order is also published to provisioning.results.v1, keyed by
// provTxnRef, in the provider's own vocabulary. Like the callback, a failed send is retried a few
// times and then given up (logged): the provider's outage must not crash the simulator.
import { randomUUID } from 'node:crypto';
import type { KafkaPublisher, PublishedRecord } from '../kit/kafka-publisher.ts';
import { Scheduler } from '../kit/scheduler.ts';
import { serviceOrderView, type ServiceOrder } from './provisioning-lifecycle.ts';

export const PROVISIONING_RESULTS_TOPIC = 'provisioning.results.v1';

/** The provider's message; the service order fields are those of its status answer and callback. */
export type ServiceOrderStatusChanged = {
  readonly eventId: string;
  readonly eventType: 'ServiceOrderStatusChanged';
  readonly occurredAt: string;
} & ReturnType<typeof serviceOrderView>;

export interface ResultPublication {
  readonly eventId: string;
  readonly attempt: number;
  readonly at: string;
  readonly published: boolean;
  readonly partition?: number;
  readonly offset?: string;
  readonly error?: string;
}

export interface ResultPublishingOptions {
  readonly publisher: KafkaPublisher;
  /** pause before each retry; its length is the number of retries */
  readonly retryDelaysMs: readonly number[];
  /** the signature headers of a message value, as the provider sends them */
  readonly sign: (value: string) => Readonly<Record<string, string>>;
  readonly onAttemptFailed?: (order: ServiceOrder, publication: ResultPublication) => void;
  readonly onGivenUp?: (order: ServiceOrder, event: ServiceOrderStatusChanged) => void;
}

export type RepublishOutcome =
  | { readonly kind: 'no-result' }
  | { readonly kind: 'published'; readonly event: ServiceOrderStatusChanged; readonly record: PublishedRecord }
  | { readonly kind: 'failed'; readonly error: string };

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class ResultPublishing {
  private readonly options: ResultPublishingOptions;
  private readonly scheduler = new Scheduler();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(options: ResultPublishingOptions) {
    this.options = options;
  }

  /** At a final status: a new event (fresh eventId), published in the background. */
  publishFinal(order: ServiceOrder): void {
    const event: ServiceOrderStatusChanged = { eventId: randomUUID(), eventType: 'ServiceOrderStatusChanged', occurredAt: new Date().toISOString(), ...serviceOrderView(order) };
    order.resultEvent = event;
    void this.track(this.sendWithRetries(order, event)).then((record) => {
      if (!record) this.options.onGivenUp?.(order, event);
    });
  }

  /** The order's last event once more, same eventId: what a provider's duplicate delivery looks like. */
  async republish(order: ServiceOrder): Promise<RepublishOutcome> {
    const event = order.resultEvent;
    if (!event) return { kind: 'no-result' };
    const record = await this.track(this.sendWithRetries(order, event));
    return record ? { kind: 'published', event, record } : { kind: 'failed', error: order.resultPublications.at(-1)?.error ?? 'not published' };
  }

  /** Forgets pending retries (reset); sends already on the wire finish. */
  cancelPending(): void {
    this.scheduler.cancelAll();
  }

  async stop(): Promise<void> {
    this.scheduler.cancelAll();
    await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }

  /** The record the broker acknowledged, or undefined after the last retry (never throws). */
  private async sendWithRetries(order: ServiceOrder, event: ServiceOrderStatusChanged): Promise<PublishedRecord | undefined> {
    const cancelled = this.scheduler.signal; // captured: cancelAll() swaps in a fresh signal
    const value = JSON.stringify(event);
    for (let attempt = 1; attempt <= this.options.retryDelaysMs.length + 1; attempt++) {
      if (attempt > 1 && (!(await this.scheduler.sleep(this.options.retryDelaysMs[attempt - 2] ?? 0)) || cancelled.aborted)) return undefined;
      const at = new Date().toISOString();
      try {
        // signed on each attempt: a retry carries a fresh timestamp
        const record = await this.options.publisher.send({ topic: PROVISIONING_RESULTS_TOPIC, key: event.provTxnRef, value, headers: this.options.sign(value) });
        order.resultPublications.push({ eventId: event.eventId, attempt, at, published: true, partition: record.partition, offset: record.offset });
        return record;
      } catch (error) {
        const failed: ResultPublication = { eventId: event.eventId, attempt, at, published: false, error: messageOf(error) };
        order.resultPublications.push(failed);
        this.options.onAttemptFailed?.(order, failed);
      }
    }
    return undefined;
  }
}
