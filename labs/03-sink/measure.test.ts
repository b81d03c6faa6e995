import { describe, expect, test } from 'bun:test';
import { sinceOffsets } from './measure.ts';

describe("a run's rows", () => {
  test('are those at or after the offsets the run started from, per partition', () => {
    expect(
      sinceOffsets([
        { partition: 0, offset: 120 },
        { partition: 1, offset: 0 },
      ]),
    ).toBe('(kafka_partition = 0 AND kafka_offset >= 120) OR (kafka_partition = 1 AND kafka_offset >= 0)');
    expect(sinceOffsets([])).toBe('FALSE');
  });
});
