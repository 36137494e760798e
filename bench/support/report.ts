// How a bench ends: its figures as a table, each target of issue 12 with met / missed, and the whole
// run (parameters, machine, engine and its commit, stack versions, PostgreSQL durability, figures,
// targets) as JSON under bench/results/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stackComponents } from '../../stack/components/index.ts';
import { stackSettings } from '../../stack/settings.ts';
import { textTable } from '../../src/platform/text-table.ts';
import { fmt } from './stats.ts';

export interface Target {
  readonly name: string;
  /** e.g. ">= 0.9" */
  readonly expected: string;
  readonly value: number;
  readonly unit: string;
  /** false when the figure could not be measured (NaN) */
  readonly met: boolean;
}

export function target(name: string, value: number, op: '>=' | '<=' | '==', threshold: number, unit = ''): Target {
  const met = Number.isFinite(value) && (op === '>=' ? value >= threshold : op === '<=' ? value <= threshold : value === threshold);
  return { name, expected: `${op} ${threshold}${unit ? ` ${unit}` : ''}`, value, unit, met };
}

export function printTable(title: string, header: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  console.log(`\n${title}\n${textTable(header, rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c))))}`);
}

export function printTargets(targets: readonly Target[], note = ''): void {
  printTable(
    `targets (issue 12)${note}`,
    ['target', 'expected', 'measured', 'result'],
    targets.map((t) => [t.name, t.expected, `${fmt(t.value)}${t.unit ? ` ${t.unit}` : ''}`, t.met ? 'met' : 'MISSED']),
  );
}

/** What every result records of the box it ran on. */
export interface HostInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly loadAverage: readonly number[];
  readonly node: string;
  readonly platform: string;
}

export function hostInfo(): HostInfo {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
  };
}

/** The engine the farm ran on: the project's own (engine/), at the commit that last changed it. */
export interface EngineInfo {
  readonly engine: string;
  /** last commit touching engine/ */
  readonly commit: string;
  /** the checkout's HEAD, and whether engine/, src/, workers/ or bench/ (results aside) had uncommitted changes */
  readonly head: string;
  readonly uncommittedChanges: boolean;
}

const root = path.resolve(import.meta.dirname, '..', '..');
const git = (...args: string[]) => {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
};

export function engineInfo(): EngineInfo {
  return {
    engine: "the project's engine (engine/, gRPC gateway + REST v2), run by the stack",
    commit: git('log', '-1', '--format=%H %s', '--', 'engine'),
    head: git('rev-parse', 'HEAD'),
    uncommittedChanges: git('status', '--porcelain', '--', 'engine', 'src', 'workers', 'bench', ':(exclude)bench/results') !== '',
  };
}

export interface MachineInfo extends HostInfo {
  readonly stack: Readonly<Record<string, string>>;
  readonly engine: EngineInfo;
}

export async function machineInfo(): Promise<MachineInfo> {
  const s = stackSettings();
  const stack: Record<string, string> = {};
  for (const c of stackComponents) stack[c.name] = await c.version(s).catch((e: Error) => `unavailable (${e.message})`);
  return { ...hostInfo(), stack, engine: engineInfo() };
}

export const RESULTS_DIR = path.resolve(import.meta.dirname, '..', 'results');

/** Writes bench/results/<bench>-<timestamp>.json and returns its path. */
export function writeResult(bench: string, body: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  const file = path.join(RESULTS_DIR, `${bench}-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify({ bench, ...body }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  return file;
}
