// `npm run relay`: an outbox relay on its own (the farm also runs one in every replica; any number
// may run, one publishes at a time). Logs how many events it published, every 10 s while busy.
import { composeRelay, exitProcess } from './compose.ts';
import { processConfig } from './process-config.ts';

// config
const config = processConfig('relay');
// compose
const relay = await composeRelay(config);
// serve
await relay.serve();
// shutdown
async function shutdown(signal: string): Promise<void> {
  relay.log.info({ signal }, 'relay signalled');
  await relay.stop();
  exitProcess(relay.log, 0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
