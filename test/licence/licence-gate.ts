// The licence gate: every npm package installed and every Maven artifact the stack fetches must be
// under an open-source licence of the allowlist (or named, with its reason, in the exceptions).
// Licences are read from what is installed: package.json's license/licenses (else its LICENSE
// file), and the POM's <licenses> in the local Maven repository (else its parent POM's).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** SPDX ids of open-source licences the project accepts (OSI-approved, permissive or weak copyleft). */
export const ALLOWED = new Set([
  'Apache-2.0', 'MIT', 'MIT-0', 'ISC', '0BSD', 'BSD-2-Clause', 'BSD-3-Clause', 'BlueOak-1.0.0', 'CC0-1.0', 'Unlicense',
  'Python-2.0', 'Zlib', 'MPL-2.0', 'EPL-1.0', 'EPL-2.0', 'CDDL-1.0', 'CDDL-1.1', 'LGPL-2.1-only', 'LGPL-2.1-or-later', 'LGPL-3.0-only',
]);

/** Packages allowed although their licence is not (only) on the list: each with the reason. */
export const EXCEPTIONS: Readonly<Record<string, string>> = {
  // browser-support data (bundled by babel's tooling), not code: CC-BY-4.0 is an open licence for data
  'caniuse-lite': 'CC-BY-4.0 data tables (attribution), no code',
};

export interface LicensedItem {
  readonly kind: 'npm' | 'maven';
  /** npm name, or groupId:artifactId */
  readonly name: string;
  readonly version: string;
  /** as declared (SPDX expression or the POM's licence names joined by " OR "), or undefined when none is found */
  readonly licence: string | undefined;
  readonly where: string;
}

export type Verdict = { readonly ok: true; readonly why: string } | { readonly ok: false; readonly why: string };

/** Licence names of POMs and old package.json files, as SPDX ids. */
const NAMED: readonly [RegExp, string][] = [
  [/apache.*2(\.0)?|asl.*2|apache-2\.0/i, 'Apache-2.0'],
  [/^(the )?mit( license)?$|mit license/i, 'MIT'],
  [/bsd[- ]?2|simplified bsd|bsd 2-clause/i, 'BSD-2-Clause'],
  [/bsd[- ]?3|new bsd|revised bsd|bsd 3-clause|^bsd( license)?$|the go license/i, 'BSD-3-Clause'],
  [/eclipse public license.*2|epl[- ]?2/i, 'EPL-2.0'],
  [/eclipse public license|epl[- ]?1/i, 'EPL-1.0'],
  [/mozilla public license.*2|mpl[- ]?2/i, 'MPL-2.0'],
  [/cddl.*1\.1|common development and distribution license.*1\.1/i, 'CDDL-1.1'],
  [/cddl|common development and distribution license/i, 'CDDL-1.0'],
  [/lesser general public license.*2\.1|lgpl[- ]?2\.1/i, 'LGPL-2.1-only'],
  [/lesser general public license.*3|lgpl[- ]?3/i, 'LGPL-3.0-only'],
  [/^isc/i, 'ISC'],
  [/public domain|cc0/i, 'CC0-1.0'],
];

/** An SPDX id for a declared licence name (unchanged when it already is one or is unknown). */
export function spdxOf(name: string): string {
  const trimmed = name.trim();
  if (ALLOWED.has(trimmed)) return trimmed;
  return NAMED.find(([pattern]) => pattern.test(trimmed))?.[1] ?? trimmed;
}

/**
 * Whether an SPDX expression is acceptable: OR needs one acceptable side, AND needs both;
 * parentheses group. `WITH <exception>` keeps the licence's verdict (exceptions only add rights).
 */
export function acceptable(expression: string): boolean {
  const tokens = expression.replace(/[()]/g, (p) => ` ${p} `).split(/\s+/).filter(Boolean);
  let at = 0;
  const primary = (): boolean => {
    const token = tokens[at++];
    if (token === '(') {
      const inner = orExpr();
      at++; // ')'
      return inner;
    }
    if (tokens[at] === 'WITH') at += 2;
    return token !== undefined && ALLOWED.has(spdxOf(token.replace(/\+$/, '')));
  };
  const andExpr = (): boolean => {
    let ok = primary();
    while (tokens[at] === 'AND') {
      at++;
      ok = primary() && ok;
    }
    return ok;
  };
  const orExpr = (): boolean => {
    let ok = andExpr();
    while (tokens[at] === 'OR') {
      at++;
      ok = andExpr() || ok;
    }
    return ok;
  };
  return tokens.length > 0 && orExpr();
}

export function verdict(item: LicensedItem): Verdict {
  const exception = EXCEPTIONS[item.name];
  if (exception) return { ok: true, why: `exception: ${exception}` };
  if (item.licence === undefined) return { ok: false, why: 'no licence declared' };
  return acceptable(item.licence) ? { ok: true, why: item.licence } : { ok: false, why: `${item.licence} is not on the allowlist` };
}

/** The items whose licence is not acceptable, one printable line each. */
export function refusals(items: readonly LicensedItem[]): string[] {
  return items.flatMap((item) => {
    const v = verdict(item);
    return v.ok ? [] : [`${item.kind} ${item.name}@${item.version}: ${v.why} (${item.where})`];
  });
}

// --- npm

interface PackageJson {
  name?: string;
  version?: string;
  license?: string | { type?: string };
  licenses?: { type?: string }[] | { type?: string };
}

/** A licence from the package's LICENSE file, when its package.json declares none. */
function licenceFromFile(dir: string): string | undefined {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  if (!file) return undefined;
  const text = readFileSync(path.join(dir, file), 'utf8');
  if (/permission is hereby granted, free of charge/i.test(text)) return 'MIT';
  if (/apache license[\s\S]{0,40}version 2\.0/i.test(text)) return 'Apache-2.0';
  if (/permission to use, copy, modify, and\/or distribute this software/i.test(text)) return 'ISC';
  return undefined;
}

function declaredLicence(pkg: PackageJson): string | undefined {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license?.type) return pkg.license.type;
  const list = Array.isArray(pkg.licenses) ? pkg.licenses : pkg.licenses ? [pkg.licenses] : [];
  const types = list.map((l) => l.type).filter((t): t is string => !!t);
  return types.length ? types.map(spdxOf).join(' OR ') : undefined;
}

/** Every package under node_modules, nested ones included (scoped packages, per-package node_modules). */
export function npmPackages(nodeModules: string): LicensedItem[] {
  const items: LicensedItem[] = [];
  const visit = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('.')) continue;
      const full = path.join(dir, entry);
      if (entry.startsWith('@')) {
        visit(full);
        continue;
      }
      const manifest = path.join(full, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as PackageJson;
      items.push({ kind: 'npm', name: pkg.name ?? entry, version: pkg.version ?? '?', licence: declaredLicence(pkg) ?? licenceFromFile(full), where: path.relative(process.cwd(), full) });
      visit(path.join(full, 'node_modules'));
    }
  };
  visit(nodeModules);
  return items;
}

// --- Maven

const tag = (xml: string, name: string): string | undefined => new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(xml)?.[1];
/** The POM without its <dependencies>, <build> and <profiles>: coordinates and licences are outside them. */
const ownPart = (xml: string): string => xml.replace(/<(dependencies|dependencyManagement|build|profiles|plugins)>[\s\S]*?<\/\1>/g, '');

export function localMavenRepository(): string {
  return process.env.MAVEN_REPO_LOCAL ?? path.join(homedir(), '.m2', 'repository');
}

const pomPath = (repo: string, groupId: string, artifactId: string, version: string) => path.join(repo, ...groupId.split('.'), artifactId, version, `${artifactId}-${version}.pom`);

/** The licence names of a POM, following <parent> until one declares them. */
export function pomLicences(repo: string, pomFile: string, depth = 0): string[] {
  if (depth > 10 || !existsSync(pomFile)) return [];
  const xml = ownPart(readFileSync(pomFile, 'utf8'));
  const licences = /<licenses>([\s\S]*?)<\/licenses>/.exec(xml)?.[1];
  const names = licences ? [...licences.matchAll(/<name>\s*([^<]+?)\s*<\/name>/g)].map((m) => m[1] as string) : [];
  if (names.length) return names;
  const parent = /<parent>([\s\S]*?)<\/parent>/.exec(xml)?.[1];
  if (!parent) return [];
  const [g, a, v] = [tag(parent, 'groupId'), tag(parent, 'artifactId'), tag(parent, 'version')];
  return g && a && v ? pomLicences(repo, pomPath(repo, g, a, v), depth + 1) : [];
}

/** Every jar file under the local repository, by file name (artifactId-version[-classifier].jar). */
function jarIndex(repo: string): Map<string, string> {
  const index = new Map<string, string>();
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) visit(full);
      else if (entry.endsWith('.jar')) index.set(entry, full);
    }
  };
  if (existsSync(repo)) visit(repo);
  return index;
}

/**
 * The Maven artifacts the stack copied into `libDir` (stack/maven.ts copyRuntimeClosure), each
 * found in the local repository by its file name and judged by its POM.
 */
export function mavenArtifacts(libDir: string, repo: string = localMavenRepository()): LicensedItem[] {
  if (!existsSync(libDir)) return [];
  const index = jarIndex(repo);
  return readdirSync(libDir)
    .filter((f) => f.endsWith('.jar'))
    .map((jar) => {
      const inRepo = index.get(jar);
      if (!inRepo) return { kind: 'maven' as const, name: jar, version: '?', licence: undefined, where: `${libDir} (not in ${repo})` };
      const versionDir = path.dirname(inRepo);
      const version = path.basename(versionDir);
      const artifactId = path.basename(path.dirname(versionDir));
      const groupId = path.relative(repo, path.dirname(path.dirname(versionDir))).split(path.sep).join('.');
      const names = pomLicences(repo, pomPath(repo, groupId, artifactId, version));
      return { kind: 'maven' as const, name: `${groupId}:${artifactId}`, version, licence: names.length ? names.map(spdxOf).join(' OR ') : undefined, where: path.relative(repo, inRepo) };
    });
}
