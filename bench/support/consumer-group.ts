// The bench replicas consume provisioning results in a consumer group of the run's own. A new group
// would start at the topic's beginning and replay every result earlier runs and tests left there
// (hundreds: work that is not this run's, and inbox rows for other runs' tasks). The bench commits
// the group's offsets at the topic's end before its replicas join, so they see only what comes
// during the run, as a long-running production group does.
import { Kafka, logLevel } from 'kafkajs';

export async function startGroupAtEnd(brokers: readonly string[], groupId: string, topic: string): Promise<void> {
  const admin = new Kafka({ brokers: [...brokers], clientId: 'bench-offsets', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) return; // the replicas create it; nothing to skip
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
  } finally {
    await admin.disconnect();
  }
}
