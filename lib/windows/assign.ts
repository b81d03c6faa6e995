// Which event-time windows an event belongs to. A window is [start, end): an event exactly at `end`
// belongs to the next one. Windows are aligned to the epoch (a 10 s tumbling window starts at a
// multiple of 10 s), as Flink and Kafka Streams align them, so every process agrees without talking.
// Pure: plain numbers in, plain numbers out.

/** A window over event time, in epoch milliseconds: `start` inclusive, `end` exclusive. */
export type Window = { start: number; end: number };

export type WindowSpec =
  /** back-to-back windows of `sizeMs`: every event is in exactly one */
  | { kind: 'tumbling'; sizeMs: number }
  /** windows of `sizeMs` starting every `advanceMs`: every event is in sizeMs / advanceMs of them */
  | { kind: 'hopping'; sizeMs: number; advanceMs: number };

export function checkSpec(spec: WindowSpec): WindowSpec {
  const positive = (name: string, v: number) => {
    if (!(Number.isSafeInteger(v) && v > 0))
      throw new Error(`windows: ${name} must be a whole number of ms > 0, got ${v}`);
  };
  positive('sizeMs', spec.sizeMs);
  if (spec.kind === 'hopping') {
    positive('advanceMs', spec.advanceMs);
    if (spec.advanceMs > spec.sizeMs)
      throw new Error(`windows: a hop of ${spec.advanceMs} ms over ${spec.sizeMs} ms windows would leave gaps`);
    if (spec.sizeMs % spec.advanceMs !== 0)
      throw new Error(`windows: the size (${spec.sizeMs} ms) must be a multiple of the hop (${spec.advanceMs} ms)`);
  }
  return spec;
}

/** floor(t / step) × step, also for times before the epoch */
const alignDown = (t: number, step: number) => t - (((t % step) + step) % step);

/** The windows that hold an event at `t` (ms), earliest start first. */
export function windowsFor(spec: WindowSpec, t: number): Window[] {
  if (spec.kind === 'tumbling') {
    const start = alignDown(t, spec.sizeMs);
    return [{ start, end: start + spec.sizeMs }];
  }
  const out: Window[] = [];
  const last = alignDown(t, spec.advanceMs);
  for (let start = last - spec.sizeMs + spec.advanceMs; start <= last; start += spec.advanceMs) {
    out.push({ start, end: start + spec.sizeMs });
  }
  return out;
}

/** A readable name for a spec: "tumbling 10 s", "hopping 20 s every 5 s". */
export function describeSpec(spec: WindowSpec): string {
  const s = (ms: number) => `${ms / 1000} s`;
  return spec.kind === 'tumbling'
    ? `tumbling ${s(spec.sizeMs)}`
    : `hopping ${s(spec.sizeMs)} every ${s(spec.advanceMs)}`;
}
