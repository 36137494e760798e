// Reads the relative imports of TypeScript files and says which ones land in a forbidden folder.
// The engine and the farm meet only over the wire (gRPC, REST): neither may import the other.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface ImportViolation {
  readonly file: string;
  readonly specifier: string;
  readonly target: string;
}

const importPattern = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

/** Every `.ts` file under `dir`, skipping node_modules. */
export function typeScriptFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...typeScriptFiles(full));
    else if (entry.endsWith('.ts')) out.push(full);
  }
  return out;
}

export function relativeImports(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(importPattern)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier?.startsWith('.')) specifiers.push(specifier);
  }
  return specifiers;
}

/** Imports from the files under `from` (relative to `root`) that resolve into any of `forbidden`. */
export function forbiddenImports(root: string, from: string, forbidden: readonly string[], allow: (file: string) => boolean = () => false): ImportViolation[] {
  const violations: ImportViolation[] = [];
  const banned = forbidden.map((folder) => path.join(root, folder) + path.sep);
  for (const file of typeScriptFiles(path.join(root, from))) {
    const relativeFile = path.relative(root, file);
    if (allow(relativeFile)) continue;
    for (const specifier of relativeImports(readFileSync(file, 'utf8'))) {
      const target = path.resolve(path.dirname(file), specifier);
      if (banned.some((folder) => target.startsWith(folder))) violations.push({ file: relativeFile, specifier, target: path.relative(root, target) });
    }
  }
  return violations;
}
