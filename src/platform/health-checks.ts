// The checks behind /health/live and /health/ready: the event loop (live), and the engine, the
// database and Kafka (ready). Each answers within the timeout given by checkHealth.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { GatewayCommands } from './gateway-client.ts';
import type { Admin, Kafka } from 'kafkajs';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { HealthCheck } from './health.ts';

/** Live while the event loop keeps turning: fails when it was blocked longer than maxLagMs since the last check. */
export function eventLoopCheck(opts: { readonly maxLagMs?: number } = {}): HealthCheck {
  const maxLagMs = opts.maxLagMs ?? 3_000;
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  return {
    name: 'eventLoop',
    async probe() {
      const worstMs = Math.round(delay.max / 1e6);
      delay.reset();
      if (worstMs > maxLagMs) throw new Error(`event loop blocked for ${worstMs} ms (limit ${maxLagMs} ms)`);
      return `max delay ${worstMs} ms since the last check`;
    },
    close() {
      delay.disable();
    },
  };
}

/** The database answers `select 1` through the process's own pool. */
export function databaseCheck(db: DatabasePool): HealthCheck {
  return {
    name: 'database',
    async probe() {
      await db.oneFirst(sql.type(z.object({ ok: z.number() }))`select 1 as ok`);
    },
  };
}

/** The engine's gateway answers a topology request with at least one broker. */
export function engineCheck(zeebe: Pick<GatewayCommands, 'topology'>): HealthCheck {
  return {
    name: 'engine',
    async probe() {
      const topology = await zeebe.topology();
      if (topology.brokers.length === 0) throw new Error('the gateway knows no broker');
      return `${topology.brokers.length} broker(s), ${topology.partitionsCount} partition(s), gateway ${topology.gatewayVersion}`;
    },
  };
}

/**
 * Kafka's cluster metadata is reachable; one admin connection is kept and rebuilt after a failure.
 * The client library is loaded at the first probe, so a process without an event side never loads it.
 */
export function kafkaCheck(opts: { readonly brokers: readonly string[]; readonly clientId: string }): HealthCheck {
  let kafka: Promise<Kafka> | undefined;
  const client = () =>
    (kafka ??= import('kafkajs').then(
      ({ Kafka, logLevel }) =>
        new Kafka({ clientId: `${opts.clientId}-health`, brokers: [...opts.brokers], connectionTimeout: 1_000, requestTimeout: 1_500, retry: { retries: 0 }, logLevel: logLevel.NOTHING }),
    ));
  let admin: Admin | undefined;
  return {
    name: 'kafka',
    async probe() {
      const a = (admin ??= (await client()).admin());
      try {
        await a.connect();
        const cluster = await a.describeCluster();
        return `${cluster.brokers.length} broker(s), controller ${cluster.controller ?? 'unknown'}`;
      } catch (err) {
        if (admin === a) admin = undefined;
        await a.disconnect().catch(() => undefined);
        throw err;
      }
    },
    async close() {
      await admin?.disconnect().catch(() => undefined);
      admin = undefined;
    },
  };
}
