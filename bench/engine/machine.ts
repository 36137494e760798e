// The machine and the engine a run measured: CPUs, memory, Node, and which commit of engine/ ran.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { hostInfo, type HostInfo } from '../support/report.ts';

export interface EngineMachine extends HostInfo {
  readonly engine: {
    readonly name: string;
    /** the last commit that touched engine/, and whether engine/ has uncommitted changes */
    readonly commit: string;
    readonly dirty: boolean;
    readonly durability: string;
  };
}

const root = path.resolve(import.meta.dirname, '..', '..');
const git = (...args: string[]): string => {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};

export function engineMachine(): EngineMachine {
  return {
    ...hostInfo(),
    engine: {
      name: "the project's engine (engine/src/cli.ts, one child process)",
      commit: git('log', '-1', '--format=%h %s', '--', 'engine') || 'unknown',
      dirty: git('status', '--porcelain', '--', 'engine') !== '',
      durability: 'file journal in ENGINE_DATA_DIR (a fresh temp folder per engine), answers after the journal is flushed',
    },
  };
}
