import { describe, expect, test } from 'bun:test';
import { javaMajor } from './tools.ts';

describe('javaMajor', () => {
  test('reads modern and legacy version strings', () => {
    expect([
      javaMajor('openjdk version "17.0.15" 2025-04-15'),
      javaMajor('openjdk version "21" 2023-09-19'),
      javaMajor('java version "1.8.0_392"'),
      javaMajor('no java here'),
    ]).toEqual([17, 21, 8, undefined]);
  });
});
