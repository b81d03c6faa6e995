import { describe, expect, test } from 'bun:test';
import { lab04DatabaseUrl } from './database.ts';

describe("lab 04's database", () => {
  test("is the pipeline's database name with _lab04, on the same server with the same user", () => {
    expect(lab04DatabaseUrl('mysql://txlab@127.0.0.1:3307/txlab')).toBe('mysql://txlab@127.0.0.1:3307/txlab_lab04');
    expect(lab04DatabaseUrl('mysql://root:pw@127.0.0.1:3307/txlab_t_lab04_3f9a1c2e')).toBe(
      'mysql://root:pw@127.0.0.1:3307/txlab_t_lab04_3f9a1c2e_lab04',
    );
  });

  test('stays within 64 characters, keeping the suffix', () => {
    const url = lab04DatabaseUrl(`mysql://root@127.0.0.1:3307/${'x'.repeat(64)}`);
    expect(url).toBe(`mysql://root@127.0.0.1:3307/${'x'.repeat(58)}_lab04`);
  });
});
