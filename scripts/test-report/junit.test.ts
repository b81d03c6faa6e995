import { describe, expect, test } from 'bun:test';
import { counts, countsLine, failures, formatFailures, unescapeXml } from './junit.ts';

// the shape bun 1.4 writes (one passed, one failed, one skipped)
const REPORT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="bun test" tests="3" assertions="2" failures="1" skipped="1" time="0.7">
  <testsuite name="a.test.ts" file="a.test.ts" tests="3" assertions="2" failures="1" skipped="1" time="0.1" hostname="vm">
    <testcase name="x &amp; y" classname="" time="0.04" file="a.test.ts" line="2" assertions="1">
      <failure type="AssertionError" message="short">AssertionError: expect(received).toBe(expected)&#10;&#10;Expected: 0&#10;Received: 3&#10;      at a.test.ts:2:68&#10;</failure>
    </testcase>
    <testcase name="y" classname="" time="0.000092" file="a.test.ts" line="3" assertions="1" />
    <testcase name="z" classname="" time="0" file="a.test.ts" line="4" assertions="0">
      <skipped />
    </testcase>
  </testsuite>
</testsuites>`;

describe('test failures from a junit report', () => {
  test('finds only the failed test, with its place and its message unescaped', () => {
    expect(failures(REPORT)).toEqual([
      {
        file: 'a.test.ts',
        line: 2,
        name: 'x & y',
        text: 'AssertionError: expect(received).toBe(expected)\n\nExpected: 0\nReceived: 3\n      at a.test.ts:2:68',
      },
    ]);
  });

  test('a report with no failure gives nothing to print', () => {
    expect(failures(REPORT.replace(/<failure[\s\S]*?<\/failure>/, ''))).toEqual([]);
    expect(formatFailures([])).toBe('');
  });

  test('takes the message attribute when the failure has no text', () => {
    const r = REPORT.replace(
      /<failure[\s\S]*?<\/failure>/,
      '<failure type="Error" message="timed out after 5000ms" />',
    );
    expect(failures(r).map((f) => f.text)).toEqual(['timed out after 5000ms']);
  });

  test('numeric and named entities', () => {
    expect(unescapeXml('&lt;a&gt; &#10;&#x41;&quot;&apos;&amp;amp;')).toBe(`<a> \nA"'&amp;`);
  });

  test('the block stays under its cap and keeps the end of a long message', () => {
    const long = { file: 'f.test.ts', line: 9, name: 'big', text: `${'x'.repeat(20_000)}THE END` };
    const block = formatFailures([long, { ...long, name: 'big 2' }], 3000);
    expect(block.length).toBeLessThanOrEqual(3000 + 40);
    expect(block).toStartWith('2 failed');
    expect(block).toContain('✗ f.test.ts:9  big\n');
    expect(block).toContain('THE END');
  });

  test('the totals: passed is what neither failed nor was skipped', () => {
    const c = counts(REPORT)!;
    expect(c).toEqual({ passed: 1, failed: 1, skipped: 1 });
    expect(countsLine(c)).toBe('tests: 1 passed, 1 failed, 1 skipped');
    expect(counts('<testsuites name="bun test">')).toBeNull();
    expect(counts('')).toBeNull();
  });
});
