// The outbox relay: publishes committed outbox rows to Kafka in commit order, marks them published,
// and prunes old ones. Any number of relays may run (one per farm replica): an advisory lock makes
// one of them the publisher and the others stand by, so a key's events are never reordered by two
// relays racing. It wakes on LISTEN/NOTIFY and also polls, so a missed notification only delays.
// A relay killed between publishing and marking publishes those rows again on restart: consumers
// deduplicate by event id (the inbox).
import pg, { type ClientConfig } from 'pg';
import type { DatabasePool } from 'slonik';
import { systemClock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { Clock } from '../core/ports/clock.ts';
import { checkRelayConnection, listenForOutboxRows, markOutboxPublished, prunePublishedOutbox, recordOutboxPublishFailure, takeRelayLock, unpublishedOutboxRows } from '../repositories/outbox-event.ts';
import type { BusProducer, MessageBus } from './message-bus.ts';

/** Arbitrary but fixed: the advisory lock only relays take. */
const RELAY_LOCK = 814_201_991;

export interface RelayOptions {
  readonly db: DatabasePool;
  /** the relay's own connection (advisory lock, LISTEN): src/platform/database-connection.ts */
  readonly database: ClientConfig;
  readonly bus: MessageBus;
  readonly log: Logger;
  readonly topics: readonly { readonly name: string; readonly partitions: number }[];
  readonly pollIntervalMs?: number;
  readonly batchSize?: number;
  /** published rows older than this are deleted */
  readonly retentionMs?: number;
  /** when pruning is due; systemClock unless a test drives it */
  readonly clock?: Clock;
}

export interface Relay {
  /** published since start, for progress and metrics */
  published(): number;
  isLeader(): boolean;
  stop(): Promise<void>;
}

export function startRelay(o: RelayOptions): Relay {
  const pollMs = o.pollIntervalMs ?? 2_000;
  const batchSize = o.batchSize ?? 200;
  const retentionMs = o.retentionMs ?? 7 * 24 * 3_600_000;
  let stopped = false;
  let leader = false;
  let published = 0;
  let wake: (() => void) | undefined;
  let client: pg.Client | undefined;
  let producer: BusProducer | undefined;
  let lastPrune = 0;
  const clock = o.clock ?? systemClock;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(t);
        wake = undefined;
        resolve();
      };
    });

  async function becomeLeader(): Promise<boolean> {
    client = new pg.Client({ ...o.database, application_name: 'outbox-relay' });
    client.on('error', () => undefined); // a dropped connection ends leadership; the loop notices
    await client.connect();
    if (!(await takeRelayLock(client, RELAY_LOCK))) {
      await client.end().catch(() => undefined);
      client = undefined;
      return false;
    }
    client.on('notification', () => wake?.());
    await listenForOutboxRows(client);
    await o.bus.ensureTopics(o.topics);
    producer = await o.bus.producer();
    o.log.info('outbox relay is the publisher');
    return true;
  }

  async function resign(): Promise<void> {
    leader = false;
    await producer?.close().catch(() => undefined);
    producer = undefined;
    await client?.end().catch(() => undefined);
    client = undefined;
  }

  async function publishBatch(): Promise<number> {
    const rows = await unpublishedOutboxRows(o.db, batchSize);
    if (rows.length === 0) return 0;
    // Kafka keeps order within one partition per send; topics are sent in the rows' order.
    for (const topic of [...new Set(rows.map((r) => r.topic))]) {
      const msgs = rows.filter((r) => r.topic === topic).map((r) => ({ key: r.message_key, value: JSON.stringify(r.envelope), headers: { eventType: r.event_type } }));
      await producer?.send(topic, msgs);
    }
    await markOutboxPublished(o.db, rows.map((r) => r.outbox_seq));
    published += rows.length;
    return rows.length;
  }

  async function prune(): Promise<void> {
    const now = clock.now().getTime();
    if (now - lastPrune < 60_000) return;
    lastPrune = now;
    const pruned = await prunePublishedOutbox(o.db, retentionMs);
    if (pruned) o.log.info({ pruned }, 'pruned published outbox events');
  }

  const loop = (async () => {
    let backoff = 500;
    while (!stopped) {
      try {
        if (!leader) {
          leader = await becomeLeader();
          if (!leader) {
            await sleep(pollMs);
            continue;
          }
        }
        // a leader whose lock connection died is no leader any more
        if (client) await checkRelayConnection(client);
        while (!stopped && (await publishBatch()) > 0) backoff = 500;
        await prune();
        await sleep(pollMs);
      } catch (err) {
        o.log.warn({ err: (err as Error).message, backoffMs: backoff }, 'outbox relay could not publish; rows stay in the outbox and are retried');
        await recordOutboxPublishFailure(o.db, String((err as Error).message)).catch(() => undefined);
        await resign();
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
    await resign();
  })();

  return {
    published: () => published,
    isLeader: () => leader,
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
