// Where a lab's consumer groups start: at the current end of their topic, so a run reads what it
// produces and not the topic's whole past (other labs and earlier runs wrote there too).
import type { Admin } from 'kafkajs';

export async function startGroupAtEnd(admin: Admin, groupId: string, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  try {
    await admin.setOffsets({
      groupId,
      topic,
      partitions: offsets.map((p) => ({ partition: p.partition, offset: p.high })),
    });
  } catch (e) {
    throw new Error(
      `cannot move consumer group ${groupId} to the end of ${topic}: ${(e as Error).message} (is another consumer of that group running? stop it, or set another group name)`,
    );
  }
  return offsets.reduce((s, p) => s + Number(p.high), 0);
}
