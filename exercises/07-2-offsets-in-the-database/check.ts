// Check of exercise 07-2: your exactlyOnceSql runs as lab 07's exactly-once SQL pipeline, a real
// process (lib/guarantees/main.ts --protocol), over 1,500 seeded records (6 bad) on 3 partitions in
// batches of 100. It is SIGKILLed in its third batch as soon as the first of the batch's two effects
// (its rows, its position) is durable, and restarted; then every input record must have exactly one
// row in guarantee_outputs, the bad ones rejected.
import { defineExercise } from '../../lib/exercises/define.ts';
import { SAMPLE_BATCH, crashAndAudit, rehearse, standInSqlEffects } from '../../lib/exercises/guarantee.ts';

type Impl = typeof import('./solution.ts');

export default defineExercise<Impl>({
  id: '07-2-offsets-in-the-database',
  title: 'Exactly once, Kafka → SQL: the input position in the same database transaction',
  teaches:
    'why a database sink keeps its input position beside its rows and moves both in one transaction, and why no Kafka offset commit can be made one with a database commit',
  minutes: 20,
  engines: ['kafka', 'db'],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ exactlyOnceSql }, { file }) {
    await rehearse(() => exactlyOnceSql(SAMPLE_BATCH, standInSqlEffects()));
    return crashAndAudit({ name: 'ex072', pipeline: { mode: 'exactly-once', sink: 'sql' }, file, seed: 72 });
  },
});
