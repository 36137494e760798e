// Downloads through Maven (the only way the stack fetches jars and archives), into the cache.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requireMaven } from './prereq.ts';
import { VERSIONS } from './settings.ts';

const plugin = `org.apache.maven.plugins:maven-dependency-plugin:${VERSIONS.dependencyPlugin}`;

function mvn(args: string[], cwd: string): void {
  requireMaven();
  mkdirSync(cwd, { recursive: true });
  try {
    execFileSync('mvn', ['-B', '-q', '--no-transfer-progress', '-Dstyle.color=never', ...args], { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    throw new Error(`mvn ${args.slice(0, 2).join(' ')} failed (see the Maven output above)`);
  }
}

/** Copies one artifact (e.g. a distribution archive `g:a:v:tar.gz`) into outDir. */
export function copyArtifact(coordinates: string, outDir: string): void {
  mvn([`${plugin}:copy`, `-Dartifact=${coordinates}`, `-DoutputDirectory=${outDir}`], outDir);
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
