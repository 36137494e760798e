// The process's one gRPC channel to the engine's gateway: the job streams and their polls
// (src/worker-runtime/job-stream.ts) and every command (complete, fail, throw error, publish
// message, update retries, resolve incident, topology) share it. The proto is the one the SDK
// ships, loaded once per process. Nothing is compressed: the SDK's client gzips every command,
// which cost ~6% of a replica's CPU for payloads of a few hundred bytes on a local network.
// Each command has a deadline, and transient refusals (gateway unreachable, backpressure,
// deadline) are retried with backoff within a bounded budget: a hung engine never holds a job.
// The budget is a hard deadline for the whole command (its last attempt's deadline is cut to it),
// and a command that runs out of it fails with a GatewayCommandError naming the command, its
// attempts and the last refusal (its gRPC `code` kept, so callers still read NOT_FOUND and the like).
import path from 'node:path';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export type GatewayVariables = Readonly<Record<string, unknown>>;

/** The engine commands of the farm and the intake (their shapes match the SDK client's, so tests may pass either). */
export interface GatewayCommands {
  completeJob(req: { readonly jobKey: string; readonly variables?: GatewayVariables }): Promise<unknown>;
  failJob(req: { readonly jobKey: string; readonly errorMessage: string; readonly retries: number; readonly retryBackOff?: number }): Promise<unknown>;
  throwError(req: { readonly jobKey: string; readonly errorCode: string; readonly errorMessage?: string; readonly variables?: GatewayVariables }): Promise<unknown>;
  publishMessage(req: { readonly name: string; readonly correlationKey: string; readonly messageId?: string; readonly variables?: GatewayVariables; readonly timeToLive: number }): Promise<unknown>;
  updateJobRetries(req: { readonly jobKey: string; readonly retries: number }): Promise<unknown>;
  resolveIncident(req: { readonly incidentKey: string }): Promise<unknown>;
  /** the latest version of the process unless `version` is given */
  createProcessInstance(req: { readonly bpmnProcessId: string; readonly version?: number; readonly variables?: GatewayVariables; readonly tenantId?: string }): Promise<{ readonly processInstanceKey: string }>;
  topology(): Promise<GatewayTopology>;
}

export interface GatewayTopology {
  readonly brokers: readonly unknown[];
  readonly partitionsCount: number;
  readonly gatewayVersion: string;
}

export interface GatewayConnection extends GatewayCommands {
  /** the generated client, for the streaming calls (StreamActivatedJobs, ActivateJobs) */
  readonly client: grpc.Client & Record<string, (...args: unknown[]) => unknown>;
  /**
   * The same commands over the same channel with a tighter budget: each command ends within
   * `budgetMs` in all (e.g. the intake, which must answer its client in time).
   */
  within(budgetMs: number): GatewayCommands;
  close(): void;
}

/** A command that the gateway kept refusing (or never answered) until its budget ran out. */
export class GatewayCommandError extends Error {
  override readonly name = 'GatewayCommandError';
  /** the last refusal's gRPC status code */
  readonly code: number;
  readonly method: string;
  readonly attempts: number;
  readonly elapsedMs: number;

  constructor(method: string, attempts: number, elapsedMs: number, last: grpc.ServiceError) {
    super(`engine command ${method} gave up after ${attempts} attempt(s) in ${elapsedMs} ms: ${last.message}`, { cause: last });
    this.code = last.code;
    this.method = method;
    this.attempts = attempts;
    this.elapsedMs = elapsedMs;
  }
}

export const isGatewayCommandError = (err: unknown): err is GatewayCommandError => err instanceof GatewayCommandError;

export interface GatewayOptions {
  readonly tls: boolean;
  /** headers for every call (e.g. an OAuth bearer token, src/platform/gateway-auth.ts) */
  readonly metadata?: (() => Promise<Record<string, string>>) | undefined;
  /** deadline of one command attempt (default 10 s) */
  readonly commandTimeoutMs?: number;
  /** how long one command may take in all, its retries of transient refusals included (default 60 s) */
  readonly commandRetryMs?: number;
}

type GatewayClientClass = new (address: string, creds: grpc.ChannelCredentials, options: object) => GatewayConnection['client'];
type UnaryMethod = (request: object, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, response: unknown) => void) => grpc.ClientUnaryCall;

let gatewayClass: GatewayClientClass | undefined;
/** The gateway service from the SDK's zeebe.proto, parsed on first use only (one copy per process). */
function gatewayService(): GatewayClientClass {
  if (gatewayClass) return gatewayClass;
  const require = createRequire(import.meta.url);
  const sdkDir = path.dirname(require.resolve('@camunda8/sdk/package.json'));
  const definition = protoLoader.loadSync(path.join(sdkDir, 'dist', 'proto', 'zeebe.proto'), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  gatewayClass = (grpc.loadPackageDefinition(definition) as unknown as { gateway_protocol: { Gateway: GatewayClientClass } }).gateway_protocol.Gateway;
  return gatewayClass;
}

/** Worth another attempt: the gateway unreachable, backpressure, or the deadline passed. */
const TRANSIENT = new Set<number>([grpc.status.UNAVAILABLE, grpc.status.RESOURCE_EXHAUSTED, grpc.status.DEADLINE_EXCEEDED]);
/** the shortest deadline worth another attempt */
const MIN_ATTEMPT_MS = 100;

/** `grpc://host:port` (plain) or `grpcs://host:port` (TLS), as ZEEBE_GRPC_ADDRESS is written. */
export function connectGatewayAt(url: string, opts: Omit<GatewayOptions, 'tls'> = {}): GatewayConnection {
  return connectGateway(url.replace(/^grpcs?:\/\//, ''), { ...opts, tls: url.startsWith('grpcs://') });
}

/**
 * Opens the channel. `metadata` goes with every call, streams, polls and commands alike, through
 * an interceptor: call credentials would need TLS, and a local engine with OAuth on speaks plain gRPC.
 */
export function connectGateway(address: string, opts: GatewayOptions): GatewayConnection {
  const Gateway = gatewayService();
  // no 'grpc.default_compression_algorithm': grpc-js then sends every message uncompressed
  const client = new Gateway(address, opts.tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.initial_reconnect_backoff_ms': 500,
    'grpc.max_reconnect_backoff_ms': 10_000,
    ...(opts.metadata ? { interceptors: [withMetadata(opts.metadata)] } : {}),
  });
  const timeoutMs = opts.commandTimeoutMs ?? 10_000;
  const retryMs = opts.commandRetryMs ?? 60_000;
  let closed = false;

  const once = (method: string, request: object, deadline: number): Promise<unknown> =>
    new Promise((resolve, reject) => {
      (client[method] as unknown as UnaryMethod).call(client, request, { deadline }, (err, response) => (err ? reject(err) : resolve(response)));
    });

  /** one command: attempts until it succeeds, a refusal is not transient, or `budgetMs` is spent */
  const command = async (method: string, request: object, budgetMs: number): Promise<unknown> => {
    const started = Date.now();
    const giveUpAt = started + budgetMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(method, request, Math.min(Date.now() + timeoutMs, giveUpAt));
      } catch (err) {
        const refusal = err as grpc.ServiceError;
        if (closed || !TRANSIENT.has(refusal.code)) throw err;
        const backoffMs = Math.min(5_000, 250 * 2 ** (attempt - 1));
        // another attempt only if it would still have a useful part of a deadline
        if (Date.now() + backoffMs + MIN_ATTEMPT_MS > giveUpAt) throw new GatewayCommandError(method, attempt, Date.now() - started, refusal);
        await sleep(backoffMs);
      }
    }
  };

  const commands = (budgetMs: number): GatewayCommands => ({
    completeJob: (req) => command('CompleteJob', { jobKey: req.jobKey, variables: json(req.variables) }, budgetMs),
    failJob: (req) => command('FailJob', { jobKey: req.jobKey, errorMessage: req.errorMessage, retries: req.retries, retryBackOff: String(Math.max(0, Math.round(req.retryBackOff ?? 0))) }, budgetMs),
    throwError: (req) => command('ThrowError', { jobKey: req.jobKey, errorCode: req.errorCode, errorMessage: req.errorMessage ?? '', variables: json(req.variables) }, budgetMs),
    publishMessage: (req) => command('PublishMessage', { name: req.name, correlationKey: req.correlationKey, messageId: req.messageId ?? '', timeToLive: String(req.timeToLive), variables: json(req.variables) }, budgetMs),
    updateJobRetries: (req) => command('UpdateJobRetries', { jobKey: req.jobKey, retries: req.retries }, budgetMs),
    resolveIncident: (req) => command('ResolveIncident', { incidentKey: req.incidentKey }, budgetMs),
    createProcessInstance: async (req) =>
      (await command('CreateProcessInstance', { bpmnProcessId: req.bpmnProcessId, version: req.version ?? -1, variables: json(req.variables), tenantId: req.tenantId ?? '' }, budgetMs)) as { processInstanceKey: string },
    topology: async () => (await command('Topology', {}, budgetMs)) as GatewayTopology,
  });

  return {
    client,
    ...commands(retryMs),
    within: (budgetMs) => commands(Math.min(budgetMs, retryMs)),
    close() {
      closed = true;
      client.close();
    },
  };
}

const json = (variables: GatewayVariables | undefined): string => JSON.stringify(variables ?? {});

/** An interceptor that adds the provider's headers to each call before it starts. */
function withMetadata(provide: () => Promise<Record<string, string>>): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        provide().then(
          (headers) => {
            for (const [name, value] of Object.entries(headers)) metadata.set(name, value);
            next(metadata, listener);
          },
          // without a token the call goes out bare: the gateway's UNAUTHENTICATED then reaches the
          // caller like any refusal, and the stream's reconnect or the next poll asks again
          () => next(metadata, listener),
        );
      },
    });
}
