// `npm run intake`: the order intake and callback HTTP server.
import { composeIntake, exitProcess } from './compose.ts';
import { processConfig } from './process-config.ts';

// config
const config = processConfig('intake');
// compose
const intake = await composeIntake(config);
// serve
await intake.serve();
// shutdown
async function shutdown(signal: string): Promise<void> {
  intake.log.info({ signal }, 'intake stopping');
  await intake.stop();
  exitProcess(intake.log, 0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
