// Outages of the stack's own servers, through the stack's components (the same code as
// `npm run stack:restart -- <component>`): stop one, optionally stay down a while, start it again
// and wait until it is ready. The engine's controlled clock survives a Camunda restart: tests may
// have moved it forward, and a clock that jumps back stalls the broker's timers, so the offset it
// had is put back if the restart lost it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Component } from '../../stack/component.ts';
import { stackComponents } from '../../stack/components/index.ts';
import type { StackSettings } from '../../stack/settings.ts';

export type OutageComponent = 'postgres' | 'kafka' | 'camunda';

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
export async function outage(s: StackSettings, name: OutageComponent, holdMs: number, onEvent: (text: string) => void): Promise<OutageRecord> {
  const c = component(name);
  const clockBefore = name === 'camunda' ? await engineClockOffset(s) : undefined;
  const stopResult = await c.down(s);
  const stoppedAt = Date.now();
  onEvent(`${name} stopped (${stopResult})`);
  if (holdMs > 0) await sleep(holdMs);
  await c.up(s);
  const startedAt = Date.now();
  let note: string | undefined;
  if (clockBefore !== undefined) note = await restoreClockOffset(s, clockBefore);
  onEvent(`${name} ready again after ${((startedAt - stoppedAt) / 1000).toFixed(0)}s${note ? `; ${note}` : ''}`);
  return { component: name, stoppedAt, startedAt, downSeconds: (startedAt - stoppedAt) / 1000, stopResult, note };
}

const clockUrl = (s: StackSettings, op = '') => `http://127.0.0.1:${s.ports.camundaManagement}/actuator/clock${op}`;

/** How far the engine clock is ahead of this machine's (ms); undefined when it cannot be read. */
export async function engineClockOffset(s: StackSettings): Promise<number | undefined> {
  try {
    const res = await fetch(clockUrl(s));
    if (!res.ok) return undefined;
    const body = (await res.json()) as { epochMilli?: number };
    return typeof body.epochMilli === 'number' ? body.epochMilli - Date.now() : undefined;
  } catch {
    return undefined;
  }
}

export async function restoreClockOffset(s: StackSettings, before: number, recheckMs = 5_000): Promise<string> {
  let after = await engineClockOffset(s);
  if (after === undefined) return 'engine clock unreadable after the restart';
  const kept = `engine clock kept its offset (${Math.round(after / 1000)}s ahead of this machine)`;
  if (before - after < 1_000) return kept;
  // the broker keeps clock changes in its state; look again before moving it, in case it was still catching up
  await sleep(recheckMs);
  after = await engineClockOffset(s);
  if (after === undefined) return 'engine clock unreadable after the restart';
  const lost = before - after;
  if (lost < 1_000) return kept;
  const res = await fetch(clockUrl(s, '/add'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetMilli: lost }) });
  return res.ok ? `engine clock moved forward ${Math.round(lost / 1000)}s to where it was before the restart` : `engine clock ${Math.round(lost / 1000)}s behind after the restart (HTTP ${res.status} moving it)`;
}
