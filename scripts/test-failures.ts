#!/usr/bin/env bun
// Prints the failed tests of a `bun test --reporter=junit` report: place, name and message, capped in
// size. scripts/test.sh runs it after the suite, so the failures are at the end of the log.
//   bun scripts/test-failures.ts <report.xml>
import { readFileSync } from 'node:fs';
import { failures, formatFailures } from './test-failures/junit.ts';

const path = process.argv[2];
if (!path) {
  console.error('usage: bun scripts/test-failures.ts <junit report>');
  process.exit(2);
}
const block = formatFailures(failures(readFileSync(path, 'utf8')));
if (block) console.log(`\n${block}\n`);
