// `npm run relay`: an outbox relay on its own (the farm also runs one in every replica; any number
// may run, one publishes at a time). Logs how many events it published, every 10 s while busy.
import { loadConfig } from '../platform/config.ts';
import { createDatabasePool } from '../platform/db.ts';
import { createLogger } from '../platform/logger.ts';
import { migrate } from '../platform/migrate.ts';
import { TOPICS } from './event-side.ts';
import { kafkajsBus } from '../events/kafkajs-bus.ts';
import { startRelay } from '../events/relay.ts';

const config = loadConfig();
const log = createLogger('relay', config.LOG_LEVEL);
await migrate(config);
const db = await createDatabasePool(config, 'relay');
const relay = startRelay({ db, databaseUrl: config.DATABASE_URL, bus: kafkajsBus({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-relay`, log }), log, topics: TOPICS, batchSize: config.OUTBOX_RELAY_BATCH_SIZE });
log.info('relay started');
let reported = 0;
const progress = setInterval(() => {
  if (relay.published() !== reported) log.info({ published: relay.published(), leader: relay.isLeader() }, 'relay progress');
  reported = relay.published();
}, 10_000);

async function shutdown(signal: string): Promise<void> {
  log.info({ signal, published: relay.published() }, 'relay stopping');
  clearInterval(progress);
  await relay.stop();
  await db.end();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
