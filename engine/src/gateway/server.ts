// The engine's Zeebe gateway: a grpc-js server over the SDK's proto, each RPC a thin mapping onto
// the Engine façade. Every call passes the OAuth hook first (when one is given), errors map onto
// gRPC status codes, and RPCs the engine does not implement answer UNIMPLEMENTED by name.
import * as grpc from '@grpc/grpc-js';
import type { Engine } from '../api.ts';
import { deleteResource, deployProcess, deployResource, topology, type AdvertisedAddress } from './deployment.ts';
import { answering, createJobDispatch } from './job-dispatch.ts';
import { streamActivatedJobs } from './job-stream.ts';
import { completeJob, failJob, throwError, updateJobRetries, updateJobTimeout } from './jobs.ts';
import { activateJobs } from './long-poll.ts';
import { broadcastSignal, publishMessage } from './messages.ts';
import { cancelProcessInstance, createProcessInstance, createProcessInstanceWithResult, resolveIncident, setVariables } from './instances.ts';
import { identityEncodingHeaders } from './encoding.ts';
import { createOpenCalls } from './open-calls.ts';
import { gatewayService } from './proto.ts';
import { GatewayStatusError, toServiceError } from './status.ts';
import { isEngineError } from '../api.ts';

export interface GrpcServerOptions {
  readonly engine: Engine;
  /** the OAuth hook: throws (EngineError UNAUTHENTICATED) when the call's `authorization` is not good */
  readonly authenticate?: ((authorization: string | undefined) => Promise<void>) | undefined;
  /** where the topology says the broker is; start.ts knows it once the port is bound */
  readonly advertisedAddress?: (() => AdvertisedAddress) | undefined;
  /** a job could not be pushed to a stream (it stays activatable for polling) */
  readonly onDispatchError?: ((error: unknown, jobKey: string) => void) | undefined;
}

export interface GrpcServer {
  readonly server: grpc.Server;
  close(): Promise<void>;
}

type Handler = (request: never) => Promise<object>;
type StreamHandler = (call: grpc.ServerWritableStream<never, unknown>) => Promise<void>;

export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const { engine } = options;
  const dispatch = createJobDispatch({ engine, onDispatchError: options.onDispatchError });
  const openCalls = createOpenCalls();
  const advertised = options.advertisedAddress ?? (() => ({ host: 'localhost', port: 26500 }));

  const checkCaller = async (metadata: grpc.Metadata): Promise<void> => {
    if (!options.authenticate) return;
    const value = metadata.get('authorization')[0];
    try {
      await options.authenticate(typeof value === 'string' ? value : value?.toString());
    } catch (error) {
      if (isEngineError(error)) throw error;
      throw new GatewayStatusError(grpc.status.UNAUTHENTICATED, `Unauthenticated: ${(error as Error).message}`);
    }
  };

  const unary = (handler: Handler): grpc.handleUnaryCall<unknown, object> => (call, callback) => {
    call.sendMetadata(identityEncodingHeaders());
    checkCaller(call.metadata)
      .then(() => handler(call.request as never))
      .then(
        (response) => callback(null, response),
        (error: unknown) => callback(toServiceError(error)),
      );
  };

  const serverStream = (handler: StreamHandler): grpc.handleServerStreamingCall<unknown, unknown> => (call) => {
    checkCaller(call.metadata)
      .then(() => handler(call as grpc.ServerWritableStream<never, unknown>))
      .catch((error: unknown) => {
        if (!call.cancelled && !call.writableEnded) call.emit('error', toServiceError(error));
      });
  };

  const implemented: Record<string, grpc.UntypedHandleCall> = {
    Topology: unary(topology(engine, advertised)),
    DeployResource: unary(deployResource(engine)),
    DeployProcess: unary(deployProcess(engine)),
    DeleteResource: unary(deleteResource(engine)),
    CreateProcessInstance: unary(createProcessInstance(engine)),
    CreateProcessInstanceWithResult: unary(createProcessInstanceWithResult(engine)),
    CancelProcessInstance: unary(cancelProcessInstance(engine)),
    SetVariables: unary(setVariables(engine)),
    ResolveIncident: unary(resolveIncident(engine)),
    PublishMessage: unary(publishMessage(engine)),
    BroadcastSignal: unary(broadcastSignal(engine)),
    CompleteJob: unary(answering(dispatch, completeJob(engine))),
    FailJob: unary(answering(dispatch, failJob(engine))),
    ThrowError: unary(answering(dispatch, throwError(engine))),
    UpdateJobRetries: unary(updateJobRetries(engine)),
    UpdateJobTimeout: unary(updateJobTimeout(engine)),
    ActivateJobs: serverStream(activateJobs(engine, dispatch, openCalls)),
    StreamActivatedJobs: serverStream(streamActivatedJobs(dispatch, openCalls)),
  };

  const service = gatewayService();
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(service)) {
    const known = implemented[name];
    if (known) handlers[name] = known;
    else {
      const refusal = new GatewayStatusError(grpc.status.UNIMPLEMENTED, `${name} is not implemented by this engine (see engine/README.md for what it supports)`);
      handlers[name] = method.responseStream ? serverStream(async () => Promise.reject(refusal)) : unary(async () => Promise.reject(refusal));
    }
  }

  // the SDK gzips every request; grpc-js servers accept compressed messages as they come.
  // Keepalive pings find a job stream whose client vanished without closing its connection (its
  // pushes would otherwise wait out their job timeout); clients may ping every 5 s (the farm: 30 s).
  const server = new grpc.Server({ 'grpc.keepalive_time_ms': 30_000, 'grpc.keepalive_timeout_ms': 10_000, 'grpc.http2.min_ping_interval_without_data_ms': 5_000 });
  server.addService(service, handlers);

  let closing: Promise<void> | undefined;
  return {
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        dispatch.close();
        openCalls.endAll();
        const force = setTimeout(() => server.forceShutdown(), 2_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return closing;
    },
  };
}
