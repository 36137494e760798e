// Bad job variables: instances of the bench's copy of the fulfillment process started (by its start
// message, as the intake starts them) with the message's variables broken — an order nobody stored,
// wrong types, huge or nested values, fields missing. The farm must answer every job with a
// failure, an incident or a BPMN error that says what is wrong — never complete an order that does
// not exist, never crash. Each instance carries one extra variable, `fuzzCase`, to be found by.
import fc from 'fast-check';
import type { ProcessTest } from '../../test/support/process-test.ts';
import { inParallel } from '../support/load.ts';
import { mutate, mutation, type Mutation } from './hostile.ts';
import type { Tally } from './tally.ts';

export interface VariablesCase {
  readonly n: number;
  readonly mutations: readonly Mutation[];
}

let counter = 0;
export const variablesCase: fc.Arbitrary<VariablesCase> = fc.record({
  n: fc.constant(0).map(() => ++counter),
  mutations: fc.array(mutation, { minLength: 0, maxLength: 3 }),
});

export const trackingId = (c: VariablesCase, runTag: string) => `${runTag}-jv-${c.n}`;

/** The start message's variables for an order nobody stored, broken further by the mutations, plus `fuzzCase`. */
export function variablesOf(c: VariablesCase, runTag: string): Record<string, unknown> {
  const base = { orderId: `${runTag}-jv-${c.n}`, tenantId: 'tenant-fuzz', correlationId: `${runTag}-corr-${c.n}`, orderItemIds: [`item-${c.n}`], provisioningPollCycle: 'R/PT5M', provisioningSla: 'PT2H' };
  const doc = mutate(base, c.mutations);
  const variables = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : { value: doc };
  return { ...variables, fuzzCase: trackingId(c, runTag) };
}

export interface Started {
  readonly input: VariablesCase;
  readonly variables: Record<string, unknown>;
  readonly trackingId: string;
  /** the engine refused the start message itself (e.g. variables it cannot read) */
  readonly refused?: string | undefined;
}

const STACK_TRACE = /\n\s+at [^\n]+:\d+:\d+|node_modules\//;

/**
 * Follows every started instance until it has an incident (with a message) or has ended; records
 * each outcome. An instance still running without an incident at the deadline is a job the farm
 * did not answer.
 */
export async function auditInstances(pt: ProcessTest, processId: string, started: readonly Started[], tally: Tally, timeoutMs: number): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (const s of started.filter((x) => x.refused)) tally.record('start refused by the engine');
  const open = new Map(started.filter((s) => !s.refused).map((s) => [s.trackingId, s]));
  const keys = new Map<string, string>();
  const settled = new Map<string, { outcome: string; message?: string }>();
  while (open.size > 0 && Date.now() < deadline) {
    await inParallel([...open.keys()], 6, async (id) => {
      let key = keys.get(id);
      if (!key) {
        key = (await pt.search.processInstancesByVariable('fuzzCase', id, processId).catch(() => []))[0]?.key;
        if (!key) return;
        keys.set(id, key);
      }
      const pi = await pt.search.processInstance(key).catch(() => undefined);
      if (!pi) return;
      if (pi.state === 'COMPLETED' || pi.state === 'TERMINATED') {
        settled.set(id, { outcome: `ended ${pi.state.toLowerCase()}` });
        open.delete(id);
      } else if (pi.hasIncident) {
        const incidents = await pt.search.incidents({ processInstanceKey: key, state: 'ACTIVE' }).catch(() => []);
        const first = incidents[0];
        if (!first) return;
        settled.set(id, { outcome: `incident at ${first.elementId}`, message: first.errorMessage });
        open.delete(id);
      }
    });
    if (open.size > 0) await new Promise((r) => setTimeout(r, 2_000));
  }
  // what an operator reads: the incident messages, their ids and figures masked, counted
  const messages: Record<string, number> = {};
  for (const d of settled.values()) {
    if (d.message === undefined) continue;
    const shape = `${d.outcome}: ${d.message.replace(/fz[0-9a-f]{8}[-\w]*/g, '<id>').replace(/\d+/g, 'N').slice(0, 160)}`;
    messages[shape] = (messages[shape] ?? 0) + 1;
  }
  for (const s of started) {
    if (s.refused) continue;
    const done = settled.get(s.trackingId);
    if (!done) {
      const key = keys.get(s.trackingId);
      tally.record(key ? 'no answer' : 'no instance');
      // a message the engine took but no instance came of is the engine's business; a running instance without an incident is ours
      if (key) tally.violate('every job answered', `instance ${key} still running without an incident after ${timeoutMs / 1000} s`, s.variables);
      continue;
    }
    tally.record(done.outcome);
    if (done.outcome === 'ended completed') tally.violate('never completes an order nobody stored', `instance ${keys.get(s.trackingId)} completed`, s.variables);
    if (done.message !== undefined && (done.message.trim() === '' || STACK_TRACE.test(done.message))) tally.violate('a clear message', `incident message: ${JSON.stringify(done.message.slice(0, 300))}`, s.variables);
  }
  return messages;
}
