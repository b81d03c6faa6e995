#!/usr/bin/env bun
// The end of `npm test`, from bun's junit report: each failed test with its place and what it said (capped
// in size), then one closing line, "tests: N passed, N failed, N skipped". scripts/test.sh runs it after
// the suite, so both are at the end of the log.
//   bun scripts/test-report.ts <report.xml>
import { readFileSync } from 'node:fs';
import { counts, countsLine, failures, formatFailures } from './test-report/junit.ts';

const path = process.argv[2];
if (!path) {
  console.error('usage: bun scripts/test-report.ts <junit report>');
  process.exit(2);
}
const report = readFileSync(path, 'utf8');
const block = formatFailures(failures(report));
if (block) console.log(`\n${block}\n`);
const c = counts(report);
console.log(c ? countsLine(c) : `tests: the report ${path} has no totals`);
