// The dependency rules of the application core (src/core/README.md), checked over the relative
// imports of every production file (src/ and workers/, tests excluded). Each rule names the files
// it governs and the imports it forbids; a finding lists `file -> imported file`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { relativeImports, typeScriptFiles } from './imports.ts';

export interface DependencyRule {
  readonly name: string;
  /** why the rule exists, shown when it fails */
  readonly reason: string;
  /** the importing files the rule governs (repo-relative, '/'-separated) */
  readonly governs: (file: string) => boolean;
  /** true when `file` may not import `target` */
  readonly forbids: (target: string, file: string) => boolean;
}

export interface RuleFinding {
  readonly rule: string;
  readonly reason: string;
  /** `file -> imported file`, repo-relative */
  readonly offenders: readonly string[];
}

const under = (folder: string) => (file: string) => file === folder || file.startsWith(folder + '/');
const anyOf = (...tests: ((file: string) => boolean)[]) => (file: string) => tests.some((t) => t(file));
const coreVocabulary = anyOf(under('src/core/domain'), under('src/core/ports'));
const coreBeyondVocabulary = (file: string) => under('src/core')(file) && !coreVocabulary(file);
const outsideRepo = (file: string) => file.startsWith('../');

export const DEPENDENCY_RULES: readonly DependencyRule[] = [
  {
    name: 'domain and ports import nothing outside themselves',
    reason: 'they are the vocabulary every layer shares; reaching out would drag an implementation into everything that speaks it',
    governs: coreVocabulary,
    forbids: (target) => !coreVocabulary(target) && !outsideRepo(target),
  },
  {
    name: 'the core never imports adapters, the worker runtime, intake, workers or the composition roots',
    reason: 'the core decides; the outside is handed to it through ports (src/core/ports) by src/main',
    governs: under('src/core'),
    forbids: anyOf(under('src/adapters'), under('src/worker-runtime'), under('src/main'), under('src/intake'), under('workers')),
  },
  {
    name: 'the core uses only emit and the outbox of src/events',
    reason: 'the rest of src/events is delivery plumbing (bus, relay, inbox retries) that the composition root wires around the core',
    governs: under('src/core'),
    forbids: (target) => under('src/events')(target) && !['src/events/emit.ts', 'src/events/outbox.ts'].includes(target),
  },
  {
    name: 'adapters import of the core only its ports and domain',
    reason: 'an adapter implements a port; calling a use case from it would run the dependency backwards',
    governs: under('src/adapters'),
    forbids: coreBeyondVocabulary,
  },
  {
    name: 'integration imports of the core only its ports and domain, and neither opens cases nor emits events',
    reason: 'integration reports what happened to a call (e.g. ambiguous); the core decides to open a case or emit an event',
    governs: under('src/integration'),
    forbids: anyOf(coreBeyondVocabulary, under('src/events'), under('src/repositories/reconciliation-case.ts'), under('src/repositories/reconciliation-case-event.ts')),
  },
  {
    name: 'events plumbing imports neither the core (beyond ports and domain) nor adapters',
    reason: 'handlers and decoders are given to it by the composition root, so the plumbing serves any event without knowing it',
    governs: under('src/events'),
    forbids: anyOf(coreBeyondVocabulary, under('src/adapters')),
  },
  {
    name: 'platform imports nothing above it',
    reason: 'config, db, logging and metrics sit under every layer; an import upwards makes a loop through the whole program',
    governs: under('src/platform'),
    forbids: anyOf(under('src/core'), under('src/integration'), under('src/adapters'), under('src/events'), under('src/repositories'), under('src/worker-runtime'), under('src/intake'), under('src/main'), under('workers')),
  },
  {
    name: 'repositories import only the domain, ports, platform and other repositories',
    reason: 'a repository owns its table\'s SQL and nothing else; logic above it stays testable without a database layout',
    governs: under('src/repositories'),
    forbids: (target) => !outsideRepo(target) && !anyOf(coreVocabulary, under('src/platform'), under('src/repositories'))(target),
  },
  {
    name: 'workers never import adapters',
    reason: 'a worker is a thin job-type module over use cases; the adapter it needs reaches it through the ports the composition root built',
    governs: under('workers'),
    forbids: under('src/adapters'),
  },
  {
    name: 'production code never imports tests, simulators, benches, the stack, contracts, tools or the console page',
    reason: 'none of these ship in the runtime image (the console page ships only as the built files in dist/console)',
    governs: anyOf(under('src'), under('workers')),
    forbids: anyOf(under('test'), under('simulators'), under('bench'), under('stack'), under('contracts'), under('tools'), under('console')),
  },
  {
    name: 'only the composition roots import src/main',
    reason: 'src/main may import everything, so anything importing it imports everything',
    governs: (file) => (under('src')(file) || under('workers')(file)) && !under('src/main')(file),
    forbids: under('src/main'),
  },
];

const toPosix = (p: string) => p.split(path.sep).join('/');

/** The production files under `root`: .ts files of src/ and workers/, tests excluded. */
export function productionFiles(root: string): string[] {
  return ['src', 'workers']
    .flatMap((folder) => {
      try {
        return typeScriptFiles(path.join(root, folder));
      } catch {
        return []; // a tree without the folder
      }
    })
    .map((file) => toPosix(path.relative(root, file)))
    .filter((file) => !file.endsWith('.test.ts'))
    .sort();
}

/** Every file's imports, resolved to repo-relative paths. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of productionFiles(root)) {
    const source = readFileSync(path.join(root, file), 'utf8');
    graph.set(file, relativeImports(source).map((specifier) => toPosix(path.relative(root, path.resolve(root, path.dirname(file), specifier)))));
  }
  return graph;
}

/** The rules broken under `root`, each with its offending imports; empty when all hold. */
export function checkDependencyRules(root: string, rules: readonly DependencyRule[] = DEPENDENCY_RULES): RuleFinding[] {
  const graph = importGraph(root);
  const findings: RuleFinding[] = [];
  for (const rule of rules) {
    const offenders: string[] = [];
    for (const [file, targets] of graph) {
      if (!rule.governs(file)) continue;
      for (const target of targets) if (rule.forbids(target, file)) offenders.push(`${file} -> ${target}`);
    }
    if (offenders.length) findings.push({ rule: rule.name, reason: rule.reason, offenders: [...new Set(offenders)] });
  }
  return findings;
}

/** A failure message a newcomer can act on: the rule, why, and each offending import. */
export const describeFindings = (findings: readonly RuleFinding[]) =>
  findings.map((f) => `rule broken: ${f.rule}\n  why: ${f.reason}\n${f.offenders.map((o) => `  ${o}`).join('\n')}`).join('\n\n');

/**
 * Loops of production files importing each other (each once, as `a -> b -> a`). A loop makes two
 * files one unit in all but name (the issue's inbox-retries <-> result-inbox was one).
 */
export function importCycles(root: string): string[] {
  const graph = importGraph(root);
  const cycles: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (file: string) => {
    done.add(file);
    onPath.add(file);
    path.push(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (onPath.has(target)) cycles.push([...path.slice(path.indexOf(target)), target].join(' -> '));
      else if (!done.has(target)) visit(target);
    }
    path.pop();
    onPath.delete(file);
  };
  for (const file of graph.keys()) if (!done.has(file)) visit(file);
  return cycles;
}
