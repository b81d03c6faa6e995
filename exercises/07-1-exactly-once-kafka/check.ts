// Check of exercise 07-1: your exactlyOnceKafka runs as lab 07's exactly-once Kafka pipeline, a real
// process (lib/guarantees/main.ts --protocol), over 1,500 seeded records (6 bad) on 3 partitions in
// batches of 100. It is SIGKILLed in its third batch as soon as the first of the batch's two effects
// (its outputs, its offset) is durable, and restarted; then every input record must have exactly one
// output in the output topic as a read_committed reader sees it, the bad ones rejected.
import { defineExercise } from '../../lib/exercises/define.ts';
import { SAMPLE_BATCH, crashAndAudit, rehearse, standInKafkaEffects } from '../../lib/exercises/guarantee.ts';

type Impl = typeof import('./solution.ts');

export default defineExercise<Impl>({
  id: '07-1-exactly-once-kafka',
  title: 'Exactly once, Kafka → Kafka: the outputs and the offset in one transaction',
  teaches:
    'why the input position must commit in the same Kafka transaction as the outputs (sendOffsets), and what a crash between two separate commits costs',
  minutes: 20,
  engines: ['kafka'],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ exactlyOnceKafka }, { file }) {
    await rehearse(() => exactlyOnceKafka(SAMPLE_BATCH, standInKafkaEffects()));
    return crashAndAudit({ name: 'ex071', pipeline: { mode: 'exactly-once', sink: 'kafka' }, file, seed: 71 });
  },
});
