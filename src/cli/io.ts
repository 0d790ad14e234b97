// What a command may touch of the outside world. bin.ts passes the real process; tests pass fakes.
import type { Readable } from 'node:stream';

export interface CliIo {
  /** Data: results, JSON. */
  stdout(text: string): void;
  /**
   * Data as bytes (rows of `-o -`); awaited, so a slow reader applies backpressure, and a closed pipe rejects with
   * an EPIPE error. Defaults to stdout(decoded text).
   */
  stdoutBytes?: (bytes: Uint8Array) => void | Promise<void>;
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
  /** Bad input: a bad record with --on-error fail, or an input that cannot be read (missing, corrupt gzip). */
  BAD_INPUT: 3,
  /** An output could not be written (no space, closed pipe, read-only, permission): nothing was committed. */
  OUTPUT: 4,
  /** Interrupted by SIGHUP, SIGINT, SIGTERM (128 + the signal number); temp files are removed first. */
  SIGHUP: 129,
  SIGINT: 130,
  SIGTERM: 143,
} as const;

/**
 * Text from data (keys, paths, reject details) made safe for a terminal: control characters (escape sequences,
 * bells, carriage returns) are shown escaped, as JSON would write them, instead of being sent to the terminal.
 */
export function safeText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
