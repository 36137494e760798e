// pino, JSON lines, with one redaction policy for secrets (src/platform/redaction.ts, the same
// as for ledger snapshots and events): every record's fields, a child logger's bindings and the
// message text go through it, at any depth, so a secret or card number that reaches a log call by
// accident (a job's variables, an error's message) is censored or masked before it is written.
// Lines go to stdout asynchronously (a buffer written behind the event loop, not one blocking
// write per line); the buffer is flushed on exit, and what a crash can lose is bounded by its size.
import { pino, type DestinationStream, type Logger } from 'pino';
import { redactLogValue, redactText } from './redaction.ts';
import { loadConfig } from './config.ts';

export type { Logger };

export const REDACTED = '<redacted>';

/** Paths pino censors itself (a second line of defence; header spellings the policy also knows). */
const secretKeys = ['authorization', 'Authorization', 'password', 'secret', 'token', 'accessToken', 'refreshToken', 'apiKey', 'clientSecret', 'cardNumber', 'pan', 'cvv', 'cookie'];
const redactPaths = secretKeys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k}`, `req.headers.${k}`]);

/**
 * The most stdout may lag behind: lines beyond it are dropped (and counted) rather than held in
 * memory. It is also the most a crash (SIGKILL, OOM kill) can lose: an orderly exit, process.exit
 * and a fatal error all flush it synchronously.
 */
export const LOG_BUFFER_MAX_BYTES = 4 * 1024 * 1024;

/** stdout, written asynchronously (pino flushes it on process exit; flushLogs() on demand). */
function asyncStdout(): DestinationStream {
  return pino.destination({ dest: 1, sync: false, minLength: 0, maxLength: LOG_BUFFER_MAX_BYTES });
}

/** destination: where lines go (stdout, asynchronously, by default; tests pass a stream to read them back). */
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
  return pino(options, destination ?? asyncStdout());
}

/** Writes out what the logger still buffers, synchronously (before process.exit, or after a fatal error). */
export function flushLogs(log: Logger): void {
  try {
    log.flush();
    const stream = (log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as { flushSync?: () => void } | undefined;
    stream?.flushSync?.();
  } catch {
    // a stream that cannot flush now (e.g. still opening) has nothing to lose yet
  }
}

/**
 * Logs an uncaught error or unhandled rejection as fatal, flushes, and exits 1: the lines that led
 * up to the failure are not lost with the process.
 */
export function exitOnFatalErrors(log: Logger): void {
  const fatal = (kind: string) => (err: unknown) => {
    log.fatal({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, kind);
    flushLogs(log);
    process.exit(1);
  };
  process.once('uncaughtException', fatal('uncaught exception'));
  process.once('unhandledRejection', fatal('unhandled rejection'));
}
