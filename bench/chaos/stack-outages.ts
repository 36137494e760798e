// Outages of the stack's own servers, through the stack's components (the same code as
// `npm run stack:restart -- <component>`): stop one, optionally stay down a while, start it again
// and wait until it is ready. The engine journals a pinned clock like any command, so a restart
// keeps it; a caller that pinned the clock (PUT /v2/clock) may name the time, and it is pinned
// there again once the engine is back, should the restart have lost it (a Camunda cluster may).
import { setTimeout as sleep } from 'node:timers/promises';
import { createOrchestrationClient } from '../../src/platform/orchestration-client.ts';
import type { Component } from '../../stack/component.ts';
import { stackComponents } from '../../stack/components/index.ts';
import type { StackSettings } from '../../stack/settings.ts';

export type OutageComponent = 'postgres' | 'kafka' | 'engine';

export interface OutageRecord {
  readonly component: OutageComponent;
  readonly stoppedAt: number;
  readonly startedAt: number;
  /** stopped → ready again */
  readonly downSeconds: number;
  readonly stopResult: string;
  readonly note?: string | undefined;
}

function component(name: OutageComponent): Component {
  const c = stackComponents.find((x) => x.name === name);
  if (!c) throw new Error(`the stack has no component ${name}`);
  return c;
}

/** Stops the component, keeps it down for at least holdMs, starts it again and waits until it is ready. */
export async function outage(s: StackSettings, name: OutageComponent, holdMs: number, onEvent: (text: string) => void, opts: { readonly clockPinnedAt?: number } = {}): Promise<OutageRecord> {
  const c = component(name);
  const stopResult = await c.down(s);
  const stoppedAt = Date.now();
  onEvent(`${name} stopped (${stopResult})`);
  if (holdMs > 0) await sleep(holdMs);
  await c.up(s);
  const startedAt = Date.now();
  let note: string | undefined;
  if (name === 'engine' && opts.clockPinnedAt !== undefined) note = await repinClock(s, opts.clockPinnedAt);
  onEvent(`${name} ready again after ${((startedAt - stoppedAt) / 1000).toFixed(0)}s${note ? `; ${note}` : ''}`);
  return { component: name, stoppedAt, startedAt, downSeconds: (startedAt - stoppedAt) / 1000, stopResult, note };
}

/** Pins the engine clock at `at` again (REST API v2, PUT /v2/clock). */
export async function repinClock(s: StackSettings, at: number): Promise<string> {
  try {
    await createOrchestrationClient(s.config).pinClock({ timestamp: at });
    return `engine clock pinned again at ${new Date(at).toISOString()}`;
  } catch (err) {
    return `engine clock not pinned again: ${(err as Error).message}`;
  }
}
