// The chaos run's farm replicas: a fixed number of slots, one replica process each. On a schedule a
// slot's replica is SIGKILLed (mid-job, as a crashed pod) and, a moment later, a new one starts in
// the slot, so the farm keeps its size but loses whatever the killed process was doing.
import { setTimeout as sleep } from 'node:timers/promises';
import { Replica, type ReplicaSpec } from '../support/replicas.ts';

export interface KillRecord {
  readonly slot: number;
  readonly pid: number;
  readonly killedAt: number;
  readonly restartedAt?: number | undefined;
  readonly newPid?: number | undefined;
  readonly error?: string | undefined;
}

export class ReplicaPool {
  private readonly slots: Replica[] = [];
  private readonly generation: number[] = [];
  private readonly spec: (slot: number, generation: number) => ReplicaSpec;
  readonly kills: KillRecord[] = [];
  private stopped = false;
  private readonly wake = new AbortController();
  private loop: Promise<void> | undefined;

  private constructor(spec: (slot: number, generation: number) => ReplicaSpec) {
    this.spec = spec;
  }

  static async start(size: number, spec: (slot: number, generation: number) => ReplicaSpec): Promise<ReplicaPool> {
    const pool = new ReplicaPool(spec);
    for (let i = 0; i < size; i++) {
      pool.generation.push(1);
      pool.slots.push(await Replica.start(spec(i, 1)));
    }
    return pool;
  }

  pids(): number[] {
    return this.slots.map((r) => r.pid);
  }

  /** Kills the replica of the slot and starts a new one after restartAfterMs. */
  async killAndReplace(slot: number, restartAfterMs: number, onEvent: (text: string) => void): Promise<KillRecord> {
    const victim = this.slots[slot];
    if (!victim) throw new Error(`no replica slot ${slot}`);
    const pid = victim.pid;
    await victim.kill();
    const killedAt = Date.now();
    onEvent(`replica ${slot + 1} (pid ${pid}) SIGKILLed`);
    await sleep(restartAfterMs);
    const generation = (this.generation[slot] ?? 1) + 1;
    this.generation[slot] = generation;
    let record: KillRecord = { slot, pid, killedAt, error: 'not restarted' };
    // like a pod restarted by its orchestrator: a replica that cannot start yet (e.g. the database
    // is down) is tried again every few seconds, for up to three minutes
    for (let tries = 1, giveUp = Date.now() + 180_000; ; tries++) {
      try {
        const fresh = await Replica.start(this.spec(slot, generation), 120_000);
        this.slots[slot] = fresh;
        record = { slot, pid, killedAt, restartedAt: Date.now(), newPid: fresh.pid };
        onEvent(`replica ${slot + 1} restarted (pid ${fresh.pid})${tries > 1 ? ` at try ${tries}` : ''}`);
        break;
      } catch (err) {
        record = { slot, pid, killedAt, error: (err as Error).message };
        if (Date.now() > giveUp) {
          onEvent(`replica ${slot + 1} did not come back: ${(err as Error).message}`);
          break;
        }
        if (tries === 1) onEvent(`replica ${slot + 1} could not start yet (${(err as Error).message.split(';')[0]}); trying again`);
        await sleep(5_000);
      }
    }
    this.kills.push(record);
    return record;
  }

  /** Kills one replica every everyMs, slots in turn, until stopKilling(). */
  startKilling(everyMs: number, restartAfterMs: number, onEvent: (text: string) => void): void {
    let slot = 0;
    this.loop = (async () => {
      for (;;) {
        await sleep(everyMs, undefined, { signal: this.wake.signal }).catch(() => undefined);
        if (this.stopped) return;
        await this.killAndReplace(slot, restartAfterMs, onEvent);
        slot = (slot + 1) % this.slots.length;
      }
    })();
  }

  async stopKilling(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    await this.loop;
  }

  /** A replica may have died on its own (e.g. a failed restart): start the empty slots again. */
  async ensureAll(onEvent: (text: string) => void): Promise<void> {
    for (let i = 0; i < this.slots.length; i++) {
      if (this.slots[i]?.alive()) continue;
      const generation = (this.generation[i] ?? 1) + 1;
      this.generation[i] = generation;
      this.slots[i] = await Replica.start(this.spec(i, generation), 120_000);
      onEvent(`replica ${i + 1} was not running; started again (pid ${this.slots[i]?.pid})`);
    }
  }

  async stop(): Promise<void> {
    await this.stopKilling();
    await Promise.all(this.slots.map((r) => r.stop()));
  }
}
