// pino, JSON lines, with one redaction policy for secrets (see src/integration/redaction.ts for
// the snapshot side). Fields named here are censored wherever they appear in a log record.
import { pino, type Logger } from 'pino';
import { loadConfig } from './config.ts';

export type { Logger };

export const REDACTED = '<redacted>';

/** Paths pino censors: credentials, tokens and card data at the top level or one level down. */
const secretKeys = ['authorization', 'Authorization', 'password', 'secret', 'token', 'accessToken', 'refreshToken', 'apiKey', 'clientSecret', 'cardNumber', 'pan', 'cvv', 'cookie'];
const redactPaths = secretKeys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k}`, `req.headers.${k}`]);

export function createLogger(name: string, level = loadConfig().LOG_LEVEL): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: REDACTED },
    formatters: { level: (label) => ({ level: label }) },
  });
}
