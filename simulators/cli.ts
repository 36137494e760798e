// `npm run simulators`: the five simulated systems on SIMULATOR_PORT, until SIGINT/SIGTERM.
import { createLogger } from '../src/platform/logger.ts';
import { startSimulators } from './server.ts';
import { simulatorSettings } from './settings.ts';

const logger = createLogger('simulators');

try {
  const settings = simulatorSettings();
  const running = await startSimulators({
    port: settings.port,
    host: process.env.SIMULATOR_HOST ?? '127.0.0.1',
    logger,
    ...(settings.kafkaBrokers ? { kafkaBrokers: settings.kafkaBrokers } : {}),
  });
  logger.info({ url: running.url, completionDelayMs: settings.completionDelayMs, kafkaBrokers: settings.kafkaBrokers ?? 'off' }, 'simulators listening (crm, inventory, provisioning, billing, notify, __sim)');
  const stop = (signal: string): void => {
    logger.info({ signal }, 'simulators stopping');
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'simulators did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  logger.fatal({ err: error }, 'simulators failed to start');
  process.exitCode = 1;
}
