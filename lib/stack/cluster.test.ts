import { describe, expect, test } from 'bun:test';
import { newClusterId } from './cluster.ts';

describe('a KRaft cluster id', () => {
  test('is 22 base64url characters and never starts with a dash (the storage tool would read an option)', () => {
    const ids = Array.from({ length: 5000 }, newClusterId);
    expect(ids.filter((id) => !/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id))).toEqual([]);
  });
});
