// The base a change is compared with, and the files as they were there (`git show <base>:<path>`).
import { execFileSync } from 'node:child_process';

const git = (root: string, args: readonly string[]): string => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });

const tryGit = (root: string, args: readonly string[]): string | undefined => {
  try {
    return git(root, args);
  } catch {
    return undefined;
  }
};

/** The given ref, else the merge base with origin/main when there is one, else HEAD~1. */
export function resolveBase(root: string, ref?: string): { readonly ref: string; readonly commit: string; readonly how: string } {
  if (ref) {
    const commit = tryGit(root, ['rev-parse', '--verify', `${ref}^{commit}`])?.trim();
    if (!commit) throw new Error(`no such git ref: ${ref}`);
    return { ref, commit, how: 'given' };
  }
  if (tryGit(root, ['rev-parse', '--verify', 'origin/main^{commit}'])) {
    const commit = git(root, ['merge-base', 'HEAD', 'origin/main']).trim();
    return { ref: 'merge-base(HEAD, origin/main)', commit, how: 'merge base with origin/main' };
  }
  const commit = tryGit(root, ['rev-parse', '--verify', 'HEAD~1^{commit}'])?.trim();
  if (!commit) throw new Error('no base: the repository has no origin/main and no HEAD~1 (give --base <ref>)');
  return { ref: 'HEAD~1', commit, how: 'HEAD~1 (no origin/main)' };
}

/** Files under the folders at the base commit (repository-relative paths). */
export function filesAtBase(root: string, commit: string, dirs: readonly string[]): string[] {
  const out = tryGit(root, ['ls-tree', '-r', '--name-only', commit, '--', ...dirs]) ?? '';
  return out.split('\n').filter(Boolean);
}

/** A file's text at the base commit; undefined when it did not exist there. */
export function fileAtBase(root: string, commit: string, file: string): string | undefined {
  return tryGit(root, ['show', `${commit}:${file}`]);
}
