// Downloads through Maven (the only way the stack fetches jars: Kafka's), into the cache. What it
// copies is checked by the licence gate (test/licence).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requireMaven } from './prereq.ts';
import { VERSIONS } from './settings.ts';

const plugin = `org.apache.maven.plugins:maven-dependency-plugin:${VERSIONS.dependencyPlugin}`;

/**
 * Runs Maven quietly: its output is kept and shown only when it fails (without the colour escapes
 * Maven 3.8 writes even in batch mode), so a successful fetch prints just the caller's progress.
 */
function mvn(args: string[], cwd: string): void {
  requireMaven();
  mkdirSync(cwd, { recursive: true });
  const run = spawnSync('mvn', ['-B', '-q', '--no-transfer-progress', '-Dstyle.color=never', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status === 0) return;
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '').trim();
  if (output) console.error(output);
  throw new Error(`mvn ${args.slice(0, 2).join(' ')} failed${run.error ? `: ${run.error.message}` : ' (see the Maven output above)'}`);
}

/** Resolves the runtime closure of the given dependencies into outDir/lib via a generated pom. */
export function copyRuntimeClosure(name: string, deps: readonly string[], outDir: string): void {
  const xml = deps
    .map((d) => {
      const [groupId, artifactId, version] = d.split(':');
      return `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
    })
    .join('\n');
  const pom = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.stack</groupId>
  <artifactId>${name}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${xml}
  </dependencies>
</project>
`;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'pom.xml'), pom);
  mvn([`${plugin}:copy-dependencies`, '-DincludeScope=runtime', `-DoutputDirectory=${path.join(outDir, 'lib')}`], outDir);
}
