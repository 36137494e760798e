// The asynchronous half of provisioning: an accepted service order moves ACK → INPROG (half-way)
// → DONE/ERR (after completionDelayMs), the result is POSTed to the order's callbackUrl and, when
// the simulators have Kafka, published as an event too (provisioning-results.ts).
import { deliverCallback, type CallbackAttempt } from '../kit/callback-delivery.ts';
import { newId } from '../kit/ids.ts';
import type { Scheduler } from '../kit/scheduler.ts';
import type { ResultPublication, ServiceOrderStatusChanged } from './provisioning-results.ts';

export const PROVISIONING_STATUSES = ['NEW', 'SENT', 'ACK', 'INPROG', 'DONE', 'ERR', 'ERR2', 'CANCEL_PENDING'] as const;
export type ProvisioningStatus = (typeof PROVISIONING_STATUSES)[number];

/** Decided when the order is accepted (demo data or an async-failure fault), carried out later. */
export type PlannedOutcome = { readonly status: 'DONE' } | { readonly status: 'ERR' | 'ERR2'; readonly errCd: string; readonly errMsg: string };

export interface ServiceOrder {
  readonly provTxnRef: string;
  readonly clientTxnRef: string;
  readonly orderRef: string;
  readonly itemRef: string;
  readonly action: 'ADD' | 'DELETE';
  readonly svcSpec: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly callbackUrl: string | undefined;
  readonly outcome: PlannedOutcome;
  status: ProvisioningStatus;
  svcInstanceId?: string;
  errCd?: string;
  errMsg?: string;
  readonly callbackAttempts: CallbackAttempt[];
  /** the last result event published to Kafka (republish sends it again, same eventId) */
  resultEvent?: ServiceOrderStatusChanged;
  readonly resultPublications: ResultPublication[];
}

/** The order in the provider's wire shape (status answer, search items, callback body). */
export function serviceOrderView(order: ServiceOrder) {
  return {
    provTxnRef: order.provTxnRef,
    clientTxnRef: order.clientTxnRef,
    orderRef: order.orderRef,
    itemRef: order.itemRef,
    status: order.status,
    ...(order.svcInstanceId === undefined ? {} : { svcInstanceId: order.svcInstanceId }),
    ...(order.errCd === undefined ? {} : { errCd: order.errCd }),
    ...(order.errMsg === undefined ? {} : { errMsg: order.errMsg }),
  };
}

export interface LifecycleOptions {
  readonly scheduler: Scheduler;
  readonly completionDelayMs: number;
  readonly callbackRetryDelaysMs: readonly number[];
  readonly callbackTimeoutMs: number;
  readonly onCallbackFailed?: (order: ServiceOrder) => void;
  /** signs a callback body the way the provider does */
  readonly sign: (body: string) => Readonly<Record<string, string>>;
  /** at DONE, ERR or ERR2, after the order took its final state */
  readonly onFinal?: (order: ServiceOrder) => void;
}

export class ServiceOrderLifecycle {
  private readonly options: LifecycleOptions;
  private readonly deliveries = new Set<Promise<boolean>>();

  constructor(options: LifecycleOptions) {
    this.options = options;
  }

  start(order: ServiceOrder): void {
    const { scheduler, completionDelayMs } = this.options;
    scheduler.after(Math.floor(completionDelayMs / 2), () => {
      if (order.status === 'ACK') order.status = 'INPROG';
    });
    scheduler.after(completionDelayMs, () => this.complete(order));
  }

  private complete(order: ServiceOrder): void {
    if (order.outcome.status === 'DONE') {
      order.status = 'DONE';
      const existing = order.params.svcInstanceId;
      // a DELETE names the instance it removes; an ADD creates a new one
      order.svcInstanceId = order.action === 'DELETE' && typeof existing === 'string' ? existing : newId('SVC');
    } else {
      order.status = order.outcome.status;
      order.errCd = order.outcome.errCd;
      order.errMsg = order.outcome.errMsg;
    }
    if (order.callbackUrl !== undefined) this.sendCallback(order, order.callbackUrl);
    this.options.onFinal?.(order);
  }

  private sendCallback(order: ServiceOrder, url: string): void {
    const delivery = deliverCallback(url, serviceOrderView(order), {
      scheduler: this.options.scheduler,
      retryDelaysMs: this.options.callbackRetryDelaysMs,
      timeoutMs: this.options.callbackTimeoutMs,
      onAttempt: (attempt) => order.callbackAttempts.push(attempt),
      sign: this.options.sign,
    });
    this.deliveries.add(delivery);
    void delivery.then((delivered) => {
      this.deliveries.delete(delivery);
      if (!delivered) this.options.onCallbackFailed?.(order);
    });
  }

  /** Cancels pending transitions and callbacks, and waits until no callback is in flight. */
  async stop(): Promise<void> {
    this.options.scheduler.cancelAll();
    await Promise.allSettled([...this.deliveries]);
  }
}
