// The farm's event side, in every replica: the outbox relay (one publishes at a time, the others
// stand by) and the consumer of the provisioning system's result events. Kafka being away at start
// does not stop the farm: the consumer keeps trying, and the outbox simply fills up.
import type { DatabasePool } from 'slonik';
import { PROVISIONING_RESULTS_TOPIC, readProvisioningResultEvent } from '../adapters/provisioning/result-event.ts';
import { provisioningSigning, verifyProvisioningResultMessage } from '../adapters/provisioning/signature.ts';
import { deliverProvisioningResultEvent, PROVISIONING_RESULTS_GROUP } from '../core/provisioning-results/inbox-handlers.ts';
import type { MessagePublisher } from '../core/ports/message-publisher.ts';
import type { Config } from '../platform/config.ts';
import { pgClientConfig } from '../platform/database-connection.ts';
import type { Logger } from '../platform/logger.ts';
import { LIFECYCLE_TOPIC, LIFECYCLE_TOPIC_PARTITIONS } from '../events/event-schemas.ts';
import { kafkajsBus } from '../events/kafkajs-bus.ts';
import type { BusConsumer, MessageBus } from '../events/message-bus.ts';
import { startInboxConsumer } from '../events/inbox-consumer.ts';
import { startRelay, type Relay } from '../events/relay.ts';

export const TOPICS = [
  { name: LIFECYCLE_TOPIC, partitions: LIFECYCLE_TOPIC_PARTITIONS },
  { name: PROVISIONING_RESULTS_TOPIC, partitions: 3 },
] as const;

export interface EventProcessing {
  readonly relay: Relay;
  consumerRunning(): boolean;
  stop(): Promise<void>;
}

export function startEventProcessing(deps: { config: Config; db: DatabasePool; messages: MessagePublisher; log: Logger; bus?: MessageBus; consumerGroup?: string }): EventProcessing {
  const log = deps.log.child({ component: 'events' });
  const bus = deps.bus ?? kafkajsBus({ brokers: deps.config.KAFKA_BROKERS, clientId: deps.config.KAFKA_CLIENT_ID, log });
  const relay = startRelay({ db: deps.db, database: pgClientConfig(deps.config), bus, log, topics: TOPICS, batchSize: deps.config.OUTBOX_RELAY_BATCH_SIZE });
  let consumer: BusConsumer | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const connect = async () => {
    try {
      await bus.ensureTopics(TOPICS);
      consumer = await startInboxConsumer({ bus, db: deps.db, log, topic: PROVISIONING_RESULTS_TOPIC, groupId: deps.consumerGroup ?? PROVISIONING_RESULTS_GROUP, describes: 'provisioning result', verify: verifyProvisioningResultMessage(provisioningSigning(deps.config)), decode: readProvisioningResultEvent, deliver: deliverProvisioningResultEvent(deps.db, deps.messages) });
      log.info('consuming provisioning results');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'cannot consume provisioning results yet; trying again in 5 s');
      if (!stopped) timer = setTimeout(() => void connect(), 5_000);
    }
  };
  void connect();
  return {
    relay,
    consumerRunning: () => consumer !== undefined,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await consumer?.close().catch(() => undefined);
      await relay.stop();
    },
  };
}
