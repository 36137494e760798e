// Role-based replicas: which job types (and whether the event side) one farm process serves.
// A role is a named subset of the registry, so a Deployment can scale fulfillment work apart from
// reconciliation; `--only` names job types one by one instead.
import type { AnyWorker } from '../../worker-runtime/define-worker.ts';

export const FARM_ROLES = ['all', 'fulfillment', 'reconciliation', 'events'] as const;
export type FarmRole = (typeof FARM_ROLES)[number];

/** The reconciliation model's job types share this prefix; everything else is order fulfillment. */
const RECONCILIATION_PREFIX = 'reconciliation.';

export interface ServedSelection<S> {
  readonly workers: readonly AnyWorker<S>[];
  /** the outbox relay and the provisioning results consumer: always for `events`, else as configured */
  readonly events: 'always' | 'as-configured';
}

export type RoleResolution<S> = ({ readonly kind: 'ok' } & ServedSelection<S>) | { readonly kind: 'invalid'; readonly message: string };

export interface RoleRequest {
  /** `--role` */
  readonly role?: string | undefined;
  /** `--only type,type` (or FARM_JOB_TYPES when the flag is absent) */
  readonly only?: readonly string[] | undefined;
}

export function isFarmRole(s: string): s is FarmRole {
  return (FARM_ROLES as readonly string[]).includes(s);
}

/** The job types of a role (`events` serves none: its process only runs the event side). */
export function workersOfRole<S>(role: FarmRole, registry: readonly AnyWorker<S>[]): readonly AnyWorker<S>[] {
  switch (role) {
    case 'all':
      return registry;
    case 'fulfillment':
      return registry.filter((w) => !w.type.startsWith(RECONCILIATION_PREFIX));
    case 'reconciliation':
      return registry.filter((w) => w.type.startsWith(RECONCILIATION_PREFIX));
    case 'events':
      return [];
  }
}

/** Resolves `--role` / `--only` against the registry; unknown names are refused, not ignored. */
export function resolveServed<S>(req: RoleRequest, registry: readonly AnyWorker<S>[]): RoleResolution<S> {
  const only = req.only ?? [];
  if (req.role !== undefined && only.length) return { kind: 'invalid', message: 'give either --role or --only (job types), not both' };
  if (req.role !== undefined) {
    if (!isFarmRole(req.role)) return { kind: 'invalid', message: `unknown role ${req.role}; known: ${FARM_ROLES.join(', ')}` };
    return { kind: 'ok', workers: workersOfRole(req.role, registry), events: req.role === 'events' ? 'always' : 'as-configured' };
  }
  if (!only.length) return { kind: 'ok', workers: registry, events: 'as-configured' };
  const unknown = only.filter((t) => !registry.some((w) => w.type === t));
  if (unknown.length) return { kind: 'invalid', message: `unknown job type(s) ${unknown.join(', ')}; known: ${registry.map((w) => w.type).join(', ')}` };
  return { kind: 'ok', workers: registry.filter((w) => only.includes(w.type)), events: 'as-configured' };
}
