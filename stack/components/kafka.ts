// One Kafka node in KRaft mode (broker + controller), run from the Maven Central jars.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Component } from '../component.ts';
import { copyRuntimeClosure } from '../maven.ts';
import { findJdk } from '../prereq.ts';
import { assertPortsFree, runningPid, startDetached, stopRecorded, waitFor } from '../proc.ts';
import { VERSIONS, type StackSettings } from '../settings.ts';

const paths = (s: StackSettings) => {
  const dir = path.join(s.dir, 'kafka');
  const home = path.join(s.cacheDir, `kafka-${VERSIONS.kafka}`);
  return { dir, home, lib: path.join(home, 'lib'), data: path.join(dir, 'data'), conf: path.join(dir, 'config'), logs: path.join(dir, 'logs'), pid: path.join(dir, 'pid') };
};

const java = () => path.join(findJdk(17, 21, 'Kafka'), 'bin', 'java');

async function reachable(s: StackSettings): Promise<boolean> {
  const kafka = new Kafka({ clientId: 'stack-probe', brokers: [`127.0.0.1:${s.ports.kafka}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1_000 });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function writeConfig(s: StackSettings): string {
  const p = paths(s);
  mkdirSync(p.conf, { recursive: true });
  const props = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${s.ports.kafkaController}`,
    `listeners=PLAINTEXT://127.0.0.1:${s.ports.kafka},CONTROLLER://127.0.0.1:${s.ports.kafkaController}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${s.ports.kafka}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${p.data}`,
    'num.partitions=3',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'log.retention.hours=24',
  ];
  const server = path.join(p.conf, 'server.properties');
  writeFileSync(server, props.join('\n') + '\n');
  writeFileSync(
    path.join(p.conf, 'log4j.properties'),
    [
      'log4j.rootLogger=INFO, file',
      'log4j.appender.file=org.apache.log4j.RollingFileAppender',
      `log4j.appender.file.File=${path.join(p.logs, 'server.log')}`,
      'log4j.appender.file.MaxFileSize=20MB',
      'log4j.appender.file.MaxBackupIndex=3',
      'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.kafka=INFO',
      'log4j.logger.org.apache.kafka=INFO',
    ].join('\n') + '\n',
  );
  return server;
}

export const kafka: Component = {
  name: 'kafka',
  async fetch(s) {
    const p = paths(s);
    if (existsSync(p.lib) && readdirSync(p.lib).some((f) => f.startsWith('kafka_2.13-'))) return;
    console.log(`  fetching Kafka ${VERSIONS.kafka} jars with mvn into ${p.home}`);
    // kafka_2.13 brings the server (kafka.Kafka) and StorageTool; slf4j-reload4j is the log binding
    // the jars lack, without which the broker logs nothing.
    copyRuntimeClosure('kafka-server', [`org.apache.kafka:kafka_2.13:${VERSIONS.kafka}`, 'org.slf4j:slf4j-reload4j:1.7.36'], p.home);
  },
  async up(s) {
    const p = paths(s);
    await this.fetch(s);
    if (runningPid(p.pid) === undefined) {
      await assertPortsFree('kafka', { KAFKA_BROKERS: s.ports.kafka, STACK_KAFKA_CONTROLLER_PORT: s.ports.kafkaController });
      const server = writeConfig(s);
      mkdirSync(p.logs, { recursive: true });
      const cp = path.join(p.lib, '*');
      const jvm = [`-Xms${s.heap.kafka}`, `-Xmx${s.heap.kafka}`, `-Dlog4j.configuration=file:${path.join(p.conf, 'log4j.properties')}`, `-Dkafka.logs.dir=${p.logs}`];
      if (!existsSync(path.join(p.data, 'meta.properties'))) {
        // `--cluster-id=<id>`, not `-t <id>`: a base64url id may start with "-", which the tool's
        // argument parser then takes for an option (one start in 64 failed that way)
        const clusterId = randomBytes(16).toString('base64url');
        execFileSync(java(), [...jvm, '-cp', cp, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', server, '--ignore-formatted'], { stdio: ['ignore', 'ignore', 'inherit'] });
      }
      startDetached({ command: java(), args: [...jvm, '-cp', cp, 'kafka.Kafka', server], cwd: p.dir, logFile: path.join(p.logs, 'stdout.log'), pidFile: p.pid });
    }
    await waitFor('kafka', () => reachable(s), 90_000, path.join(p.logs, 'server.log'), p.pid);
  },
  async down(s) {
    return stopRecorded(paths(s).pid, { graceMs: 30_000 });
  },
  async status(s) {
    const pid = runningPid(paths(s).pid);
    if (pid === undefined) return { running: false, ready: false, detail: 'stopped' };
    const ready = await reachable(s).catch(() => false);
    return { running: true, ready, detail: `pid ${pid}, 127.0.0.1:${s.ports.kafka}` };
  },
  async version() {
    return `Kafka ${VERSIONS.kafka} (KRaft, kafka_2.13)`;
  },
};
