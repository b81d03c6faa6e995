// One error hierarchy for the whole project, dispatched with `instanceof`, never by name strings.
//   expected   the user can fix it (a bad variable, a bad flag, an engine not started): one line, exit 2
//   retriable  a passing fault (an engine restarting, a network blip): worth trying again
// A TxlabError that is neither says what failed, where and why in its message: one line, exit 1.
// Anything else is a bug and is printed with its stack.

export type ErrorKind = { expected?: boolean; retriable?: boolean; cause?: unknown };

export class TxlabError extends Error {
  readonly expected: boolean;
  readonly retriable: boolean;
  constructor(message: string, kind: ErrorKind = {}) {
    super(message, kind.cause === undefined ? undefined : { cause: kind.cause });
    this.name = new.target.name;
    this.expected = kind.expected ?? false;
    this.retriable = kind.retriable ?? false;
  }
}

/** An invalid environment (see lib/config.ts). */
export class ConfigError extends TxlabError {
  constructor(message: string) {
    super(message, { expected: true });
  }
}

/** Bad command-line flags or arguments. */
export class UsageError extends TxlabError {
  constructor(message: string) {
    super(message, { expected: true });
  }
}

/** An engine that is missing, not startable, or not reachable: the message says what to do. */
export class StackError extends TxlabError {
  constructor(message: string, cause?: unknown) {
    super(message, { expected: true, cause });
  }
}

/** How an entry point ends on `e`: the line to print and the exit code. */
export function describeFailure(who: string, e: unknown): { text: string; code: number; stack: boolean } {
  if (e instanceof TxlabError && e.expected) return { text: `${who}: ${e.message}`, code: 2, stack: false };
  if (e instanceof TxlabError) return { text: `${who} failed: ${e.message}`, code: 1, stack: false };
  return { text: `${who} failed:`, code: 1, stack: true };
}
