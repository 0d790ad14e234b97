// What a command may touch of the outside world. bin.ts passes the real process; tests pass fakes.
import type { Readable } from 'node:stream';

export interface CliIo {
  /** Data: results, JSON. */
  stdout(text: string): void;
  /** Diagnostics, progress, summaries for people. */
  stderr(text: string): void;
  /** Standard input, for `-` as an input path. */
  stdin?: Readable;
  /** Whether stderr is a terminal (progress lines are shown only then). */
  stderrIsTTY?: boolean;
  /** Base for relative paths (default process.cwd()). */
  cwd?: string;
  /** A clock for manifests (tests may fix it). */
  now?: () => Date;
}

/** An error meant for the user: printed without a stack trace, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.USAGE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit codes, one meaning each. */
export const EXIT = {
  OK: 0,
  /** An unexpected failure (a bug, or an environment problem). */
  FAILURE: 1,
  /** Bad command line: unknown option, bad value, missing argument. */
  USAGE: 2,
  /** Bad input data with --on-error fail. */
  BAD_INPUT: 3,
} as const;
