// Exercise 06-1: the hopping-window assigner. Write the part marked TODO; check it with
//   bun run exercise check 06-1-hopping-windows
import { todo } from '../../lib/exercises/missing.ts';

/** A window over event time, epoch ms: `start` inclusive, `end` exclusive. */
export type Window = { start: number; end: number };

/**
 * Every hopping window that holds an event at `t`: windows of `sizeMs` that start at every multiple of
 * `advanceMs` (counted from the epoch, so every process agrees), earliest start first. `sizeMs` is a
 * multiple of `advanceMs`, so each event is in exactly sizeMs / advanceMs windows.
 */
export function hoppingWindows(t: number, sizeMs: number, advanceMs: number): Window[] {
  // TODO: return the windows [start, start + sizeMs) with start a multiple of advanceMs and start <= t < start + sizeMs
  return todo('hoppingWindows in exercises/06-1-hopping-windows/exercise.ts');
}
