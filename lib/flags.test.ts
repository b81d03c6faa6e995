import { describe, expect, test } from 'bun:test';
import { z } from 'zod';
import { UsageError, parseFlags, seconds } from './flags.ts';

const spec = {
  name: 'lab 99',
  summary: 'a test lab',
  shape: { duration: seconds(30), rate: z.coerce.number().positive().optional(), dryRun: z.boolean().default(false) },
  help: { duration: 'how long', rate: 'events per second', dryRun: 'do nothing' },
};

describe('parseFlags', () => {
  test('applies defaults and coerces values', () => {
    expect(parseFlags(spec, [])).toEqual({ duration: 30, rate: undefined, dryRun: false });
    expect(parseFlags(spec, ['--duration', '5', '--rate=200', '--dry-run'])).toEqual({
      duration: 5,
      rate: 200,
      dryRun: true,
    });
  });

  test('rejects a bad value naming the flag and what it got', () => {
    expect(() => parseFlags(spec, ['--rate', 'fast'])).toThrow(/--rate: .*\(got "fast"\)/);
    expect(() => parseFlags(spec, ['--duration', '-1'])).toThrow(UsageError);
  });

  test('rejects an unknown flag with the usage', () => {
    expect(() => parseFlags(spec, ['--speed', '3'])).toThrow(/Unknown option '--speed'[\s\S]*usage: lab 99/);
  });

  test('a number out of range names the range, not "expected a number"', () => {
    expect(() => parseFlags(spec, ['--duration', '100000'])).toThrow(
      '--duration: Too big: expected number to be <=86400 (got "100000")',
    );
    expect(() => parseFlags(spec, ['--duration', 'soon'])).toThrow(
      '--duration: expected a number of seconds (got "soon")',
    );
  });
});
