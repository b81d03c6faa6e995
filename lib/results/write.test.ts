import { afterEach, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../config.ts';
import { writeResult } from './write.ts';

const Result = z.object({ lab: z.string(), run_id: z.string(), rate: z.number() });
const result = (runId: string, rate = 100) => ({ lab: '99-test', run_id: runId, rate });

let dataDir = '';
const cfg = () => {
  dataDir = mkdtempSync(join(tmpdir(), 'txlab-write-test-'));
  return { ...loadConfig({}), dataDir };
};
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const history = () => readdirSync(join(dataDir, '99-test')).sort();
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('writeResult', () => {
  test('writes the latest run and keeps it in the history under its run id', () => {
    const c = cfg();
    const path = writeResult(Result, result('99-a', 1), c);
    writeResult(Result, result('99-b', 2), c);
    expect(path).toBe(join(dataDir, '99-test.json'));
    expect(read(path)).toEqual(result('99-b', 2));
    expect(history()).toEqual(['99-a.json', '99-b.json']);
    expect(read(join(dataDir, '99-test', '99-a.json'))).toEqual(result('99-a', 1));
  });

  describe('when the latest run was written before there was a history', () => {
    test('keeps it in the history too, so the next run has one to compare with', () => {
      const c = cfg();
      writeFileSync(join(dataDir, '99-test.json'), JSON.stringify(result('99-old', 5)));
      writeResult(Result, result('99-new', 6), c);
      expect(history()).toEqual(['99-new.json', '99-old.json']);
      expect(read(join(dataDir, '99-test', '99-old.json'))).toEqual(result('99-old', 5));
    });
  });

  describe('when the history is full', () => {
    test('removes the oldest runs, by the time they were written', () => {
      const c = cfg();
      // written out of name order: "99-z" is the oldest
      for (const [i, id] of ['99-z', '99-c', '99-b', '99-a'].entries()) {
        writeResult(Result, result(id), c, 3);
        const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i));
        utimesSync(join(dataDir, '99-test', `${id}.json`), at, at);
      }
      writeResult(Result, result('99-new'), c, 3);
      expect(history()).toEqual(['99-a.json', '99-b.json', '99-new.json']);
    });
  });

  describe('when the results do not match the schema', () => {
    test('writes nothing and says which field is wrong', () => {
      const c = cfg();
      expect(() => writeResult(Result, { ...result('99-a'), rate: 'fast' } as never, c)).toThrow(/rate/);
      expect(existsSync(join(dataDir, '99-test.json'))).toBe(false);
      expect(existsSync(join(dataDir, '99-test'))).toBe(false);
    });
  });

  test('refuses a run id that is not a file name', () => {
    expect(() => writeResult(Result, result('../escape'), cfg())).toThrow(/run_id "..\/escape" is not a file name/);
  });
});
