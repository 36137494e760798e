// Reading requests off the wire and writing answers onto it. With the loader's options int64
// fields arrive as decimal strings and variables as JSON text; a field that cannot mean anything
// is refused with INVALID_ARGUMENT naming the field, before the engine sees the command.
import type { ActivatedJob, JsonObject } from '../api.ts';
import { invalidArgument } from './status.ts';

/** JSON text of an object; blank means no variables (the SDK sends "" or "{}" for none). */
export function parseVariables(field: string, text: string | undefined): JsonObject {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalidArgument(`Property '${field}' is invalid: expected a JSON document, but it does not parse (${(err as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgument(`Property '${field}' is invalid: expected a JSON object, but got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
  }
  return value as JsonObject;
}

/** An int64 key: positive, as a canonical decimal string. */
export function parseKey(field: string, value: string | number | undefined): string {
  const text = String(value ?? '').trim();
  if (!/^\d+$/.test(text) || BigInt(text) <= 0n) throw invalidArgument(`Property '${field}' is invalid: expected a positive int64 key, but got '${text}'`);
  return BigInt(text).toString();
}

/** An int64 key where 0 (the proto default) means "not given". */
export function parseOptionalKey(field: string, value: string | number | undefined): string | undefined {
  const text = String(value ?? '0').trim();
  return text === '' || text === '0' ? undefined : parseKey(field, text);
}

export function requireNonBlank(field: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') throw invalidArgument(`Property '${field}' is invalid: expected a non-blank string`);
  return value;
}

/** An int64 duration or count (ms, retries) as a JS number. */
export function parseNumber(field: string, value: string | number | undefined): number {
  const parsed = Number(value ?? 0);
  if (!Number.isSafeInteger(parsed)) throw invalidArgument(`Property '${field}' is invalid: expected an integer, but got '${String(value)}'`);
  return parsed;
}

/** Blank tenant ids mean the default tenant: the engine picks it. */
export const optionalTenant = (tenantId: string | undefined): string | undefined => (tenantId === undefined || tenantId.trim() === '' ? undefined : tenantId);

export const nonBlankList = (values: readonly string[] | undefined): string[] => (values ?? []).filter((value) => value.trim() !== '');

/** The gRPC ActivatedJob: int64 fields as strings. */
export function toWireJob(job: ActivatedJob): Record<string, unknown> {
  return { ...job, deadline: String(job.deadline) };
}
