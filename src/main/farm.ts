// `npm run farm [-- --role fulfillment|reconciliation|events|all | --only type,type] [-- --concurrency N]`:
// one farm process (a replica). Applies pending migrations, opens a job stream per served job type,
// and drains on SIGTERM/SIGINT within the job timeout (src/main/farm/shutdown.ts). `--model-suffix S`
// serves a test's isolated model copy (job types and messages suffixed `-S`); its event side and
// inbox retries are then left to the test, which scopes them to its own orders.
import { workers } from '../../workers/index.ts';
import { createLogger } from '../platform/logger.ts';
import { composeFarm, exitProcess } from './compose.ts';
import { farmArgs } from './farm/args.ts';
import { processConfig } from './process-config.ts';

// config
const config = processConfig('farm');
const asked = farmArgs(process.argv.slice(2), config, workers);
if (asked.kind === 'invalid') {
  const log = createLogger('farm', config.LOG_LEVEL);
  log.fatal(asked.message);
  exitProcess(log, 2);
}
// compose
const replica = await composeFarm(config, asked.args);
// serve
await replica.serve();
// shutdown
process.on('SIGTERM', () => replica.shutdown.onSignal('SIGTERM'));
process.on('SIGINT', () => replica.shutdown.onSignal('SIGINT'));
