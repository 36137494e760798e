// How the engine's errors reach a gRPC client: EngineError codes map one to one onto gRPC status
// codes (the SDK and the farm branch on them: NOT_FOUND for a job that is gone, RESOURCE_EXHAUSTED
// for backpressure, ...); anything unexpected is INTERNAL with its message, never a crashed server.
import * as grpc from '@grpc/grpc-js';
import { isEngineError, type EngineErrorCode } from '../api.ts';

const STATUS_OF: Readonly<Record<EngineErrorCode, grpc.status>> = {
  NOT_FOUND: grpc.status.NOT_FOUND,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  RESOURCE_EXHAUSTED: grpc.status.RESOURCE_EXHAUSTED,
  UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
};

/** A status the handlers raise themselves (bad arguments, timeouts), already in gRPC terms. */
export class GatewayStatusError extends Error {
  override readonly name = 'GatewayStatusError';
  readonly code: grpc.status;
  constructor(code: grpc.status, message: string) {
    super(message);
    this.code = code;
  }
}

export const invalidArgument = (message: string): GatewayStatusError => new GatewayStatusError(grpc.status.INVALID_ARGUMENT, message);

/** The status object grpc-js sends for a failed call. */
export function toServiceError(error: unknown): Partial<grpc.StatusObject> {
  if (error instanceof GatewayStatusError) return { code: error.code, details: error.message };
  if (isEngineError(error)) return { code: STATUS_OF[error.code], details: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: grpc.status.INTERNAL, details: `Unexpected error in the engine's gateway: ${message}` };
}
