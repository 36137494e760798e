// The first step of every entry point: its configuration, or a refusal to start. A refused
// configuration (a bad value; in production a development default, a missing secret, a password in
// a URL) ends the process with EX_CONFIG, one line per offending variable on stderr and one fatal
// log line naming them: no stack trace, and never a value. The credentials of an accepted one are
// registered with the redaction policy before anything can log them.
import { ConfigError, loadConfig, redactConfiguredSecrets, type Config, type ConfigPurpose } from '../platform/config.ts';
import { createLogger, flushLogs } from '../platform/logger.ts';

/** sysexits.h EX_CONFIG: a supervisor can tell "fix the configuration" from a crash. */
export const EXIT_CONFIG = 78;

export function processConfig(purpose: ConfigPurpose, env: NodeJS.ProcessEnv = process.env): Config {
  try {
    const config = loadConfig(env, purpose);
    redactConfiguredSecrets(config);
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const log = createLogger(purpose, 'info');
    log.fatal({ variables: err.variables, exitCode: EXIT_CONFIG }, `${purpose} refuses to start: ${err.message}`);
    flushLogs(log);
    process.stderr.write(`${purpose}: refusing to start: ${err.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}
