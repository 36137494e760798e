// pino, JSON lines, with one redaction policy for secrets (src/platform/redaction.ts, the same
// as for ledger snapshots and events): every record's fields, a child logger's bindings and the
// message text go through it, at any depth, so a secret or card number that reaches a log call by
// accident (a job's variables, an error's message) is censored or masked before it is written.
import { pino, type DestinationStream, type Logger } from 'pino';
import { redactLogValue, redactText } from './redaction.ts';
import { loadConfig } from './config.ts';

export type { Logger };

export const REDACTED = '<redacted>';

/** Paths pino censors itself (a second line of defence; header spellings the policy also knows). */
const secretKeys = ['authorization', 'Authorization', 'password', 'secret', 'token', 'accessToken', 'refreshToken', 'apiKey', 'clientSecret', 'cardNumber', 'pan', 'cvv', 'cookie'];
const redactPaths = secretKeys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k}`, `req.headers.${k}`]);

/** destination: where lines go (stdout by default; tests pass a stream to read them back). */
export function createLogger(name: string, level = loadConfig().LOG_LEVEL, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: REDACTED },
    // errors reach the serializer already read into plain fields by the log formatter below
    serializers: { err: (e: unknown) => (e instanceof Error ? pino.stdSerializers.err(e) : e) },
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => redactLogValue(bindings) as Record<string, unknown>,
      log: (record) => redactLogValue(record) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        // message text (and printf-style arguments) can carry card numbers too
        return method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
