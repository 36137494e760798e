// `npm test` fails when an installed npm package, or a Maven artifact the stack fetches, is not
// under an open-source licence of the allowlist (test/licence/licence-gate.ts); the failure names
// each package and its licence. The gate itself is tested on fabricated packages, so it can fail.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stackSettings, VERSIONS } from '../../stack/settings.ts';
import { acceptable, mavenArtifacts, npmPackages, refusals, verdict, type LicensedItem } from './licence-gate.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('what is installed and fetched', () => {
  test('every installed npm package is under an allowed open-source licence', () => {
    const packages = npmPackages(path.join(root, 'node_modules'));
    expect(packages.length).toBeGreaterThan(100);
    const refused = refusals(packages);
    if (refused.length) console.error(`npm packages refused by the licence gate:\n  ${refused.join('\n  ')}`);
    expect(refused).toEqual([]);
  });

  test('every Maven artifact the stack fetched (Kafka and its runtime closure) is under an allowed open-source licence', () => {
    const lib = path.join(stackSettings().cacheDir, `kafka-${VERSIONS.kafka}`, 'lib');
    const artifacts = mavenArtifacts(lib);
    // before the first `stack:up` nothing is fetched, so there is nothing to judge
    if (artifacts.length === 0) console.warn(`no Maven artifacts under ${lib} yet (stack not fetched): nothing to check`);
    const refused = refusals(artifacts);
    if (refused.length) console.error(`Maven artifacts refused by the licence gate:\n  ${refused.join('\n  ')}`);
    expect(refused).toEqual([]);
  });
});

describe('the gate itself', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'licence-gate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writePackage = (at: string, manifest: object) => {
    mkdirSync(at, { recursive: true });
    writeFileSync(path.join(at, 'package.json'), JSON.stringify(manifest));
  };

  test('a package under a source-available licence, a nested one without any, and a scoped one are refused by name and licence', () => {
    const modules = path.join(dir, 'node_modules');
    writePackage(path.join(modules, 'fine'), { name: 'fine', version: '1.0.0', license: 'MIT' });
    writePackage(path.join(modules, 'vendor-engine'), { name: 'vendor-engine', version: '8.6.0', license: 'SSPL-1.0' });
    writePackage(path.join(modules, 'fine', 'node_modules', 'unlabelled'), { name: 'unlabelled', version: '0.1.0' });
    writePackage(path.join(modules, '@acme', 'closed'), { name: '@acme/closed', version: '2.0.0', license: 'UNLICENSED' });
    const refused = refusals(npmPackages(modules));
    expect(refused).toHaveLength(3);
    expect(refused).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^npm vendor-engine@8\.6\.0: SSPL-1\.0 is not on the allowlist/),
        expect.stringMatching(/^npm unlabelled@0\.1\.0: no licence declared/),
        expect.stringMatching(/^npm @acme\/closed@2\.0\.0: UNLICENSED is not on the allowlist/),
      ]),
    );
  });

  test('a licence found only in the LICENSE file counts, and the old licenses array too', () => {
    const modules = path.join(dir, 'node_modules');
    writePackage(path.join(modules, 'file-only'), { name: 'file-only', version: '1.0.0' });
    writeFileSync(path.join(modules, 'file-only', 'LICENSE'), 'Copyright (c) someone\n\nPermission is hereby granted, free of charge, to any person ...');
    writePackage(path.join(modules, 'old-style'), { name: 'old-style', version: '1.0.0', licenses: [{ type: 'MIT' }] });
    expect(refusals(npmPackages(modules))).toEqual([]);
  });

  test('SPDX expressions: OR needs one allowed side, AND needs both, WITH keeps the licence', () => {
    expect(acceptable('(BSD-3-Clause OR GPL-2.0)')).toBe(true);
    expect(acceptable('(MIT AND SSPL-1.0)')).toBe(false);
    expect(acceptable('Apache-2.0 WITH LLVM-exception')).toBe(true);
    expect(acceptable('GPL-3.0-only')).toBe(false);
    expect(acceptable('')).toBe(false);
  });

  test('exceptions are named with their reason', () => {
    const item: LicensedItem = { kind: 'npm', name: 'caniuse-lite', version: '1', licence: 'CC-BY-4.0', where: '-' };
    expect(verdict(item)).toEqual({ ok: true, why: expect.stringMatching(/^exception: /) });
  });

  test("a Maven artifact is judged by its POM's <licenses>, inherited from the parent POM when it declares none", () => {
    const repo = path.join(dir, 'repository');
    const lib = path.join(dir, 'lib');
    mkdirSync(lib);
    const artifact = (groupId: string, artifactId: string, version: string, pomBody: string) => {
      const at = path.join(repo, ...groupId.split('.'), artifactId, version);
      mkdirSync(at, { recursive: true });
      writeFileSync(path.join(at, `${artifactId}-${version}.pom`), `<project>${pomBody}<groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></project>`);
      writeFileSync(path.join(at, `${artifactId}-${version}.jar`), '');
      writeFileSync(path.join(lib, `${artifactId}-${version}.jar`), '');
    };
    artifact('org.open', 'parent', '1', '<licenses><license><name>The Apache Software License, Version 2.0</name></license></licenses>');
    artifact('org.open', 'child', '1.2', '<parent><groupId>org.open</groupId><artifactId>parent</artifactId><version>1</version></parent>');
    artifact('io.vendor', 'vendor-zeebe', '8.6.0', '<licenses><license><name>Vendor License 1.0</name></license></licenses>');
    artifact('com.dual', 'dual', '3', '<licenses><license><name>Eclipse Public License - v 1.0</name></license><license><name>GNU Lesser General Public License</name></license></licenses>');
    const items = mavenArtifacts(lib, repo);
    expect(items.find((i) => i.name === 'org.open:child')?.licence).toBe('Apache-2.0');
    expect(refusals(items)).toEqual([expect.stringMatching(/^maven io\.vendor:vendor-zeebe@8\.6\.0: Vendor License 1\.0 is not on the allowlist/)]);
  });
});
