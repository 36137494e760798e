// The engine's secondary storage: a single OpenSearch 2.x node assembled from Maven Central jars
// (server + the modules Operate and Tasklist use: join fields, painless, reindex, ...), started
// with plain java as the unprivileged service account. OpenSearch 2.x needs a JDK 17–21: it
// installs a security manager, which JDK 24+ no longer allows.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Component } from '../component.ts';
import { copyArtifact, copyRuntimeClosure, tryCopyArtifact } from '../maven.ts';
import { findJdk, jdkMajor } from '../prereq.ts';
import { assertPortsFree, giveTo, runningPid, serviceAccount, startDetached, stopRecorded, waitFor } from '../proc.ts';
import { VERSIONS, type StackSettings } from '../settings.ts';

interface Module {
  readonly folder: string;
  readonly artifact: string;
  readonly classname: string;
  readonly extends?: string;
  /** Grants the module needs under the security manager. */
  readonly policy?: string;
}

const MODULES: readonly Module[] = [
  {
    folder: 'transport-netty4',
    artifact: 'org.opensearch.plugin:transport-netty4-client',
    classname: 'org.opensearch.transport.Netty4Plugin',
    policy: `grant {
  permission java.io.FilePermission "/proc/sys/net/core/somaxconn", "read";
  permission java.net.SocketPermission "*", "accept,connect";
  permission java.lang.RuntimePermission "*", "setContextClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
  permission java.util.PropertyPermission "sun.nio.ch.bugLevel", "write";
};`,
  },
  {
    folder: 'lang-painless',
    artifact: 'org.opensearch.plugin:lang-painless',
    classname: 'org.opensearch.painless.PainlessPlugin',
    policy: `grant {
  permission java.lang.RuntimePermission "createClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
};`,
  },
  { folder: 'parent-join', artifact: 'org.opensearch.plugin:parent-join-client', classname: 'org.opensearch.join.ParentJoinPlugin' },
  {
    folder: 'reindex',
    artifact: 'org.opensearch.plugin:reindex-client',
    classname: 'org.opensearch.index.reindex.ReindexPlugin',
    policy: `grant {
  permission java.net.SocketPermission "*", "connect";
};
grant codeBase "\${codebase.opensearch-rest-client}" {
  permission java.net.NetPermission "getProxySelector";
};
grant codeBase "\${codebase.httpasyncclient}" {
  permission java.net.NetPermission "getProxySelector";
};`,
  },
  { folder: 'mapper-extras', artifact: 'org.opensearch.plugin:mapper-extras-client', classname: 'org.opensearch.index.mapper.MapperExtrasPlugin' },
  { folder: 'aggs-matrix-stats', artifact: 'org.opensearch.plugin:aggs-matrix-stats-client', classname: 'org.opensearch.search.aggregations.matrix.MatrixAggregationPlugin' },
  { folder: 'analysis-common', artifact: 'org.opensearch.plugin:analysis-common', classname: 'org.opensearch.analysis.common.CommonAnalysisPlugin', extends: 'lang-painless' },
  { folder: 'percolator', artifact: 'org.opensearch.plugin:percolator-client', classname: 'org.opensearch.percolator.PercolatorPlugin' },
];

const paths = (s: StackSettings) => {
  const dir = path.join(s.dir, 'opensearch');
  const build = path.join(s.cacheDir, `opensearch-${VERSIONS.opensearch}`);
  return {
    dir,
    build,
    home: path.join(build, 'home'),
    conf: path.join(dir, 'config'),
    data: path.join(dir, 'data'),
    logs: path.join(dir, 'logs'),
    tmp: path.join(dir, 'tmp'),
    pid: path.join(dir, 'pid'),
  };
};

/** groupId:artifactId:version of an optional dependency of the server pom (not resolved transitively). */
function optionalDependency(serverPom: string, artifactId: string): string {
  const xml = readFileSync(serverPom, 'utf8');
  const m = new RegExp(`<groupId>([^<]+)</groupId>\\s*<artifactId>${artifactId}</artifactId>\\s*<version>([^<]+)</version>`).exec(xml);
  if (!m) throw new Error(`${artifactId} not found in ${serverPom}`);
  return `${m[1]}:${artifactId}:${m[2]}`;
}

function assemble(s: StackSettings): void {
  const p = paths(s);
  const v = VERSIONS.opensearch;
  rmSync(p.home, { recursive: true, force: true });
  const lib = path.join(p.home, 'lib');
  // bin/ must exist: the bootstrap grants itself permissions on it.
  for (const d of [lib, path.join(p.home, 'modules'), path.join(p.home, 'plugins'), path.join(p.home, 'bin')]) mkdirSync(d, { recursive: true });

  copyArtifact(`org.opensearch:opensearch:${v}:pom`, p.build);
  const serverPom = path.join(p.build, `opensearch-${v}.pom`);
  const serverDeps = [`org.opensearch:opensearch:${v}`, ...['spatial4j', 'jts-core', 'log4j-core'].map((a) => optionalDependency(serverPom, a))];
  copyRuntimeClosure('opensearch-server', serverDeps, path.join(p.build, 'server'));
  for (const jar of readdirSync(path.join(p.build, 'server', 'lib'))) copyFileSync(path.join(p.build, 'server', 'lib', jar), path.join(lib, jar));

  // The plugin class loader is needed at runtime but is no dependency of the server pom, and not
  // every 2.19 patch of it is on Central; its one class is the same across 2.19.x.
  const loaderVersions = [v, '2.19.1', '2.19.0', '2.18.0'];
  const loader = loaderVersions.find((lv) => tryCopyArtifact(`org.opensearch:opensearch-plugin-classloader:${lv}`, lib));
  if (!loader) throw new Error(`org.opensearch:opensearch-plugin-classloader (${loaderVersions.join(', ')}) is not available`);

  const inLib = new Set(readdirSync(lib));
  for (const m of MODULES) {
    const out = path.join(p.build, `module-${m.folder}`);
    copyRuntimeClosure(`opensearch-${m.folder}`, [`${m.artifact}:${v}`], out);
    const folder = path.join(p.home, 'modules', m.folder);
    mkdirSync(folder, { recursive: true });
    const parentJars = m.extends ? new Set(readdirSync(path.join(p.home, 'modules', m.extends))) : new Set<string>();
    for (const jar of readdirSync(path.join(out, 'lib'))) {
      // A jar already on the server class path, or in the extended module, would be "jar hell".
      if (!inLib.has(jar) && !parentJars.has(jar)) copyFileSync(path.join(out, 'lib', jar), path.join(folder, jar));
    }
    writeFileSync(
      path.join(folder, 'plugin-descriptor.properties'),
      [`description=${m.folder} module`, `version=${v}`, `name=${m.folder}`, `classname=${m.classname}`, 'java.version=11', `opensearch.version=${v}`, 'custom.foldername=', `extended.plugins=${m.extends ?? ''}`, 'has.native.controller=false'].join('\n') + '\n',
    );
    if (m.policy) writeFileSync(path.join(folder, 'plugin-security.policy'), m.policy + '\n');
  }
  writeFileSync(path.join(p.home, '.assembled'), `${v}\n`);
}

function writeConfig(s: StackSettings): void {
  const p = paths(s);
  mkdirSync(p.conf, { recursive: true });
  writeFileSync(
    path.join(p.conf, 'opensearch.yml'),
    [
      'cluster.name: fulfillment-stack',
      'node.name: stack-1',
      'discovery.type: single-node',
      'network.host: 127.0.0.1',
      `http.port: ${s.ports.opensearch}`,
      `transport.port: ${s.ports.opensearchTransport}`,
      `path.data: ${p.data}`,
      `path.logs: ${p.logs}`,
      'action.auto_create_index: true',
      // a throwaway dev node: never refuse writes because the machine's disk is fuller than a server's
      'cluster.routing.allocation.disk.threshold_enabled: false',
    ].join('\n') + '\n',
  );
  writeFileSync(
    path.join(p.conf, 'log4j2.properties'),
    [
      'status = error',
      'appender.file.type = RollingFile',
      'appender.file.name = file',
      'appender.file.fileName = ${sys:opensearch.logs.base_path}${sys:file.separator}${sys:opensearch.logs.cluster_name}.log',
      'appender.file.filePattern = ${sys:opensearch.logs.base_path}${sys:file.separator}${sys:opensearch.logs.cluster_name}-%i.log.gz',
      'appender.file.layout.type = PatternLayout',
      'appender.file.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %marker %m%n',
      'appender.file.policies.type = Policies',
      'appender.file.policies.size.type = SizeBasedTriggeringPolicy',
      'appender.file.policies.size.size = 64MB',
      'appender.file.strategy.type = DefaultRolloverStrategy',
      'appender.file.strategy.max = 3',
      'rootLogger.level = info',
      'rootLogger.appenderRef.file.ref = file',
      'logger.deprecation.name = org.opensearch.deprecation',
      'logger.deprecation.level = error',
    ].join('\n') + '\n',
  );
}

async function health(s: StackSettings): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${s.ports.opensearch}/_cluster/health`, { signal: AbortSignal.timeout(2_000) });
  const body = (await res.json()) as { status?: string };
  return body.status ?? 'unknown';
}

export const opensearch: Component = {
  name: 'opensearch',
  async fetch(s) {
    const p = paths(s);
    if (existsSync(path.join(p.home, '.assembled'))) return;
    console.log(`  assembling OpenSearch ${VERSIONS.opensearch} from Maven Central jars into ${p.home} (once)`);
    assemble(s);
  },
  async up(s) {
    const p = paths(s);
    await this.fetch(s);
    if (runningPid(p.pid) === undefined) {
      await assertPortsFree('opensearch', { SECONDARY_STORAGE_URL: s.ports.opensearch, STACK_OPENSEARCH_TRANSPORT_PORT: s.ports.opensearchTransport });
      writeConfig(s);
      const account = serviceAccount();
      // The node writes its keystore into the config folder on first start.
      giveTo(account, p.dir, p.conf, p.data, p.logs, p.tmp);
      const jdk = findJdk(17, 21, 'OpenSearch 2.x');
      const major = jdkMajor(jdk) ?? 17;
      const jvm = [
        `-Xms${s.heap.opensearch}`,
        `-Xmx${s.heap.opensearch}`,
        '-Xss1m',
        '-XX:+UseG1GC',
        '-XX:MaxDirectMemorySize=256m',
        `-XX:ErrorFile=${path.join(p.logs, 'hs_err_pid%p.log')}`,
        `-Djava.io.tmpdir=${p.tmp}`,
        '-Djava.awt.headless=true',
        '-Dfile.encoding=UTF-8',
        '-Djna.nosys=true',
        '-Dio.netty.noUnsafe=true',
        '-Dio.netty.noKeySetOptimization=true',
        '-Dio.netty.recycler.maxCapacityPerThread=0',
        '-Dio.netty.allocator.numDirectArenas=0',
        '-Dlog4j.shutdownHookEnabled=false',
        '-Dlog4j2.disable.jmx=true',
        '-Djava.locale.providers=SPI,COMPAT',
        '-Djava.util.concurrent.ForkJoinPool.common.threadFactory=org.opensearch.secure_sm.SecuredForkJoinWorkerThreadFactory',
        `-Dopensearch.path.home=${p.home}`,
        `-Dopensearch.path.conf=${p.conf}`,
        '-Dopensearch.distribution.type=tar',
        '-Dopensearch.bundled_jdk=false',
        ...(major >= 18 ? ['-Djava.security.manager=allow'] : []),
      ];
      startDetached({
        command: path.join(jdk, 'bin', 'java'),
        args: [...jvm, '-cp', path.join(p.home, 'lib', '*'), 'org.opensearch.bootstrap.OpenSearch'],
        cwd: p.dir,
        logFile: path.join(p.logs, 'stdout.log'),
        pidFile: p.pid,
        account,
      });
    }
    await waitFor('opensearch', async () => ['green', 'yellow'].includes(await health(s)), 120_000, path.join(p.logs, 'stdout.log'), p.pid);
  },
  async down(s) {
    return stopRecorded(paths(s).pid, { graceMs: 30_000 });
  },
  async status(s) {
    const pid = runningPid(paths(s).pid);
    if (pid === undefined) return { running: false, ready: false, detail: 'stopped' };
    const h = await health(s).catch(() => 'unreachable');
    return { running: true, ready: h === 'green' || h === 'yellow', detail: `pid ${pid}, 127.0.0.1:${s.ports.opensearch}, health ${h}` };
  },
  async version(s) {
    const res = await fetch(`http://127.0.0.1:${s.ports.opensearch}/`, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json()) as { version?: { number?: string } };
    return `OpenSearch ${body.version?.number ?? '?'} (assembled from Maven Central jars)`;
  },
};
