// The demo's last act, after the batch has settled: the notification provider goes down. A few
// orders end in incidents at the notify step and the replicas' circuit breakers to the provider
// open (the circuit-open gauge reads 1 while they are open, which is when /metrics is scraped).
// Then the provider comes back, an operator retries the orders (`npm run ops -- retry --order …`)
// and they complete.
import { setTimeout as sleep } from 'node:timers/promises';
import type { DatabasePool } from 'slonik';
import type { EnginePort } from '../../src/core/ports/engine.ts';
import type { OrderRequest } from '../../src/core/domain/order.ts';
import { DEFAULT_BREAKER } from '../../src/integration/http/system-client.ts';
import type { EngineSearch } from '../../src/platform/engine-search.ts';
import { retryOrderIncidents } from '../../src/core/use-cases/retry-incidents.ts';
import { observe, type Observed } from './outcomes.ts';
import { sampleOrder } from './sample-orders.ts';

export const OUTAGE_ELEMENT = 'ServiceTask_NotifyCustomer';
/** the breaker lets a probe through this long after it opened */
const HALF_OPEN_AFTER_MS = DEFAULT_BREAKER.halfOpenAfterMs;

export interface OutageDrill {
  readonly simulatorUrl: string;
  readonly db: DatabasePool;
  readonly search: EngineSearch;
  readonly engine: Pick<EnginePort, 'resumeFailedJob'>;
  readonly submit: (order: OrderRequest) => Promise<string>;
  readonly say: (msg: string) => void;
  /** called while the provider is down and every outage order is in its incident */
  readonly duringOutage: () => Promise<void>;
  readonly timeoutMs: number;
}

export interface OutageResult {
  readonly orderIds: readonly string[];
  /** where each order stood once retried (or when the drill gave up) */
  readonly observed: ReadonlyMap<string, Observed>;
  readonly problem?: string | undefined;
}

async function until(timeoutMs: number, check: () => Promise<boolean>): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(1_000)) if (await check()) return true;
  return false;
}

export async function notificationOutage(d: OutageDrill, orders = 4): Promise<OutageResult> {
  const fault = (method: 'POST' | 'DELETE', body?: unknown) =>
    fetch(`${d.simulatorUrl}/__sim/faults`, { method, ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  const res = await fault('POST', { system: 'notification', operation: 'sendMessage', fault: { type: 'status', status: 503 }, times: -1 });
  if (!res.ok) throw new Error(`installing the outage failed: HTTP ${res.status}`);
  d.say(`notification provider down (503 on every message); submitting ${orders} orders`);
  const orderIds: string[] = [];
  let observed = new Map<string, Observed>();
  const look = async () => (observed = new Map(await Promise.all(orderIds.map(async (id) => [id, await observe(d.db, d.search, id)] as const))));
  try {
    for (let i = 0; i < orders; i++) orderIds.push(await d.submit(sampleOrder()));
    const held = await until(d.timeoutMs, async () => [...(await look()).values()].every((o) => o.incident?.elementId === OUTAGE_ELEMENT));
    if (!held) return { orderIds, observed, problem: `not every outage order reached an incident at ${OUTAGE_ELEMENT}` };
    d.say(`${orders} orders in incidents at ${OUTAGE_ELEMENT}: ${[...observed.values()][0]?.incident?.message.slice(0, 140) ?? ''}…`);
    await d.duringOutage();
  } finally {
    await fault('DELETE');
  }
  d.say(`notification provider back; the operator retries the orders after the breakers' half-open window (${HALF_OPEN_AFTER_MS / 1000} s)`);
  await sleep(HALF_OPEN_AFTER_MS);
  for (const id of orderIds) {
    const r = await retryOrderIncidents(d.db, d.engine, d.search, id);
    if (r.kind === 'refused') return { orderIds, observed, problem: `retry of ${id} refused: ${r.reason}` };
  }
  const done = await until(d.timeoutMs, async () => [...(await look()).values()].every((o) => o.status === 'COMPLETED'));
  return { orderIds, observed, problem: done ? undefined : 'not every retried outage order completed' };
}
