// Lab 04's million rows, loaded in bulk without Kafka but through the sink's own writer (the same
// idempotent upsert, the same aggregates), so the aggregate tables stay equal to the rows. A load is
// recorded in bulk_loads with its seed and time window: a finished load is reused, an interrupted
// one is redone from the start with the same events, whose already-stored rows are skipped.
import type { RowDataPacket } from 'mysql2/promise';
import type { Db } from '../../lib/db/connect.ts';
import { type GeneratorOptions, TransactionGenerator } from '../../lib/generator/index.ts';
import { sqlDatetime } from '../../lib/db/literals.ts';
import { writeRows } from '../../lib/sink/writer.ts';
import { fmt, progress } from '../../lib/terminal.ts';

export type LoadRecord = {
  name: string;
  seed: number;
  target_rows: number;
  from_ms: number;
  to_ms: number;
  completed: boolean;
};
export type LoadReport = {
  mode: 'reused' | 'loaded' | 'resumed';
  record: LoadRecord;
  inserted: number;
  skipped: number;
  seconds: number;
};

/** Events are generated in chunks of this size; the same chunking makes a longer load extend a shorter one. */
export const LOAD_CHUNK = 50_000;
const WRITE_ROWS = 2000;
const DAY_MS = 86_400_000;

const parseUtc = (s: string) => Date.parse(`${s.replace(' ', 'T')}Z`);

export async function readLoad(db: Db, name: string): Promise<LoadRecord | undefined> {
  const [rows] = await db.pool.query<RowDataPacket[]>(
    'SELECT name, seed, target_rows, from_time, to_time, completed_at FROM bulk_loads WHERE name = ?',
    [name],
  );
  const r = rows[0];
  return (
    r && {
      name,
      seed: Number(r.seed),
      target_rows: Number(r.target_rows),
      from_ms: parseUtc(String(r.from_time)),
      to_ms: parseUtc(String(r.to_time)),
      completed: r.completed_at !== null,
    }
  );
}

export type LoadOptions = {
  name: string;
  rows: number;
  generator: Omit<GeneratorOptions, 'seed'>;
  seed: number;
  /** concurrent writes */
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
};

export async function ensureLoaded(db: Db, o: LoadOptions): Promise<LoadReport> {
  const t0 = performance.now();
  const existing = await readLoad(db, o.name);
  if (existing?.completed && existing.target_rows >= o.rows && existing.seed === o.seed)
    return { mode: 'reused', record: existing, inserted: 0, skipped: 0, seconds: 0 };

  // same seed and window as before, so the events are the same ones (a larger --rows extends them)
  const now = Date.now();
  const record: LoadRecord =
    existing && existing.seed === o.seed
      ? { ...existing, target_rows: o.rows, completed: false }
      : { name: o.name, seed: o.seed, target_rows: o.rows, from_ms: now - 7 * DAY_MS, to_ms: now, completed: false };
  await db.pool.query(
    `INSERT INTO bulk_loads (name, seed, target_rows, from_time, to_time, started_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, NULL)
     ON DUPLICATE KEY UPDATE seed = VALUES(seed), target_rows = VALUES(target_rows), from_time = VALUES(from_time), to_time = VALUES(to_time), started_at = VALUES(started_at), completed_at = NULL`,
    [o.name, o.seed, o.rows, sqlDatetime(record.from_ms), sqlDatetime(record.to_ms), sqlDatetime(now)],
  );

  const gen = new TransactionGenerator({ ...o.generator, seed: o.seed });
  let inserted = 0;
  let skipped = 0;
  for (let done = 0; done < o.rows && !o.signal?.aborted; done += LOAD_CHUNK) {
    const rows = gen
      .backfill(Math.min(LOAD_CHUNK, o.rows - done), record.from_ms, record.to_ms)
      .map((s) => ({ tx: s.event, origin: null }));
    let next = 0;
    const worker = async () => {
      while (next < rows.length && !o.signal?.aborted) {
        const slice = rows.slice(next, (next += WRITE_ROWS));
        const w = await writeRows(db.pool, slice);
        inserted += w.inserted;
        skipped += w.duplicates;
        o.onProgress?.(done + Math.min(next, rows.length), o.rows);
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, worker));
  }
  if (o.signal?.aborted)
    return {
      mode: existing ? 'resumed' : 'loaded',
      record,
      inserted,
      skipped,
      seconds: (performance.now() - t0) / 1000,
    };
  await db.pool.query('UPDATE bulk_loads SET completed_at = ? WHERE name = ?', [sqlDatetime(Date.now()), o.name]);
  return {
    mode: existing ? 'resumed' : 'loaded',
    record: { ...record, completed: true },
    inserted,
    skipped,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** ensureLoaded with a progress line while it loads, and one line saying what it did. */
export async function loadWithProgress(
  db: Db,
  o: Omit<LoadOptions, 'onProgress'>,
  say: (line: string) => void,
): Promise<LoadReport> {
  const bar = progress('load');
  const started = performance.now();
  const load = await ensureLoaded(db, {
    ...o,
    onProgress: (done, total) =>
      bar.update(
        `${fmt(done)}/${fmt(total)} rows (${fmt(Math.round(done / ((performance.now() - started) / 1000)))}/s)`,
      ),
  });
  const { record } = load;
  const window = `${new Date(record.from_ms).toISOString().slice(0, 16)} → ${new Date(record.to_ms).toISOString().slice(0, 16)} UTC`;
  if (load.mode === 'reused')
    say(`reusing the ${fmt(record.target_rows)} rows loaded earlier (seed ${record.seed}, ${window})`);
  else
    bar.done(
      `${load.mode} ${fmt(record.target_rows)} rows (${window}): ${fmt(load.inserted)} inserted, ${fmt(load.skipped)} already there, in ${load.seconds.toFixed(1)} s (${fmt(Math.round((load.inserted + load.skipped) / load.seconds))} rows/s)`,
    );
  return load;
}
