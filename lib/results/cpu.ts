// CPU as the result files record it (lib/scale/cpu.ts measures it): each watched process's CPU seconds
// over a measured stretch, and the whole machine's. Lab 09's sweeps and the sink benchmark write it.
import { z } from 'zod';
import type { CpuUse as CpuUseShape, MachineUse as MachineUseShape } from '../scale/cpu.ts';

export const CPU_KINDS = ['consumer', 'broker', 'producer', 'lab', 'database'] as const;

export const CpuUse = z.object({
  /** consumer-1…, broker-1…, producer (the lab producing), lab (the lab reading the lag), a database server */
  process: z.string(),
  kind: z.enum(CPU_KINDS),
  pid: z.number().int().positive(),
  cpu_s: z.number().nonnegative(),
  per_1000_events: z.number().nonnegative(),
}) satisfies z.ZodType<CpuUseShape>;
export type CpuUse = z.infer<typeof CpuUse>;

export const MachineUse = z.object({
  cores: z.number().int().positive(),
  wall_s: z.number().nonnegative(),
  busy_s: z.number().nonnegative(),
  /** busy ÷ total core time over the stretch: 1 = every core busy */
  busy_share: z.number().min(0).max(1),
  /** busy core-seconds the watched processes do not explain: the machine was not quiet */
  other_s: z.number().nonnegative(),
}) satisfies z.ZodType<MachineUseShape>;
export type MachineUse = z.infer<typeof MachineUse>;

/**
 * CPU over one measured stretch: each watched process and the whole machine. An engine the stack did not
 * start (an external one) is not watched.
 */
export const CpuOver = z.object({ cpu: z.array(CpuUse), machine: MachineUse });
export type CpuOver = z.infer<typeof CpuOver>;
