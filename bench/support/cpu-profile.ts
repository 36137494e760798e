// Where a replica's CPU time went: a V8 CPU profile (node --cpu-prof, written when the replica exits)
// summed up by self time per place — a package under node_modules, a file of this project, a Node
// internal module, or V8's own entries (garbage collector, idle, program).
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface CpuShare {
  readonly where: string;
  readonly ms: number;
  readonly percent: number;
}

const root = path.resolve(import.meta.dirname, '..', '..');

function placeOf(frame: ProfileNode['callFrame']): string {
  const url = frame.url;
  if (!url) return frame.functionName || '(unknown)';
  if (url.startsWith('node:')) return url;
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = file.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? file);
  }
  return path.relative(root, file);
}

/** Self time per place, largest first; `idle` left out of the total (time the process waited). */
export function summarizeProfile(file: string): { totalMs: number; idleMs: number; shares: CpuShare[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const place = new Map(profile.nodes.map((n) => [n.id, placeOf(n.callFrame)]));
  const perPlace = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const where = place.get(id) ?? '(unknown)';
    perPlace.set(where, (perPlace.get(where) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const idleMs = perPlace.get('(idle)') ?? 0;
  perPlace.delete('(idle)');
  const totalMs = [...perPlace.values()].reduce((a, b) => a + b, 0);
  const shares = [...perPlace].map(([where, ms]) => ({ where, ms, percent: (100 * ms) / Math.max(1, totalMs) })).sort((a, b) => b.ms - a.ms);
  return { totalMs, idleMs, shares };
}

/** Prints the largest shares of a replica's profile; returns the summary for the results file. */
export function reportProfile(title: string, file: string, top = 15): { totalMs: number; idleMs: number; shares: CpuShare[] } | undefined {
  let summary: ReturnType<typeof summarizeProfile>;
  try {
    summary = summarizeProfile(file);
  } catch (err) {
    console.log(`\nno CPU profile at ${file}: ${(err as Error).message}`);
    return undefined;
  }
  const rows = summary.shares.slice(0, top).map((x) => `${x.percent.toFixed(1).padStart(5)} %  ${x.ms.toFixed(0).padStart(7)} ms  ${x.where}`);
  console.log(`\n${title}: ${(summary.totalMs / 1000).toFixed(1)} s on the CPU (${(summary.idleMs / 1000).toFixed(1)} s idle), self time by place; profile ${file}\n${rows.join('\n')}`);
  return { ...summary, shares: summary.shares.slice(0, 40) };
}
