// Command-line flags for labs and tools: declared once as a zod object, parsed from argv, and
// rejected with one line per problem (`--rate: expected a number > 0, got "fast"`) plus the usage.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError } from './errors.ts';

export { UsageError };

export type FlagSpec<S extends z.ZodRawShape> = {
  name: string;
  summary: string;
  shape: S;
  help: Record<keyof S, string>;
};

/** Parses `--name value` / `--name=value` / `--flag` into the schema's types; `--help` prints usage. */
export function parseFlags<S extends z.ZodRawShape>(
  spec: FlagSpec<S>,
  argv: string[] = Bun.argv.slice(2),
): z.infer<z.ZodObject<S>> {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [key, schema] of Object.entries(spec.shape)) {
    options[kebab(key)] = { type: unwrap(schema as z.ZodType) instanceof z.ZodBoolean ? 'boolean' : 'string' };
  }
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${usage(spec)}`);
  }
  if (values.help) {
    console.log(usage(spec));
    process.exit(0);
  }
  const input = Object.fromEntries(Object.keys(spec.shape).map((k) => [k, values[kebab(k)]]));
  const parsed = z.object(spec.shape).safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const flag = `--${kebab(String(i.path[0]))}`;
      return `  ${flag}: ${i.message} (got ${JSON.stringify(input[String(i.path[0])])})`;
    });
    throw new UsageError(`invalid flags\n${lines.join('\n')}\n\n${usage(spec)}`);
  }
  return parsed.data as z.infer<z.ZodObject<S>>;
}

export function usage<S extends z.ZodRawShape>(spec: FlagSpec<S>): string {
  const width = Math.max(14, ...Object.keys(spec.shape).map((k) => kebab(k).length));
  const rows = Object.keys(spec.shape).map((k) => {
    const def = defaultOf(spec.shape[k] as z.ZodType);
    const shown = typeof def === 'number' && !Number.isInteger(def) ? def.toFixed(2) : def;
    return `  --${kebab(k).padEnd(width)}   ${spec.help[k as keyof S]}${def === undefined ? '' : ` (default ${shown})`}`;
  });
  return `usage: ${spec.name} [flags]\n${spec.summary}\n\n${rows.join('\n')}\n  --${'help'.padEnd(width)}   this text`;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function unwrap(s: z.ZodType): z.ZodType {
  const inner = (s as unknown as { def?: { innerType?: z.ZodType; in?: z.ZodType } }).def;
  if (inner?.innerType) return unwrap(inner.innerType);
  if (inner?.in) return unwrap(inner.in);
  return s;
}

function defaultOf(s: z.ZodType): unknown {
  const r = s.safeParse(undefined);
  return r.success ? r.data : undefined;
}

// the custom text is for a value that is not a number at all; a range error keeps zod's own (`Too big: ...`)
const notANumber = (text: string) => (iss: { code: string }) => (iss.code === 'invalid_type' ? text : undefined);

/** A number flag whose errors read well: `--rate: expected a number (got "fast")`. */
export const number = () =>
  z.coerce.number({ error: notANumber('expected a number') }).refine(Number.isFinite, 'expected a finite number');
export const count = () =>
  z.coerce.number({ error: notANumber('expected a whole number') }).int('expected a whole number');

/** A generator seed, e.g. `--seed 42` (optional: a lab draws a new one when it is not given). */
export const seedFlag = () =>
  count()
    .pipe(
      z
        .number()
        .min(0)
        .max(2 ** 31 - 1),
    )
    .optional();

/** Positive seconds, e.g. `--duration 30`. */
export const seconds = (def: number) =>
  z.coerce
    .number({ error: notANumber('expected a number of seconds') })
    .positive('expected a number of seconds > 0')
    .max(86_400)
    .default(def);
