// A fake CliIo that records stdout and stderr.
import { Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

export interface FakeIo extends CliIo {
  out(): string;
  err(): string;
}

export function fakeIo(opts: { stdin?: string | Buffer; cwd?: string } = {}): FakeIo {
  let out = '';
  let err = '';
  return {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    stdin: opts.stdin !== undefined ? Readable.from([Buffer.from(opts.stdin)]) : undefined,
    stderrIsTTY: false,
    cwd: opts.cwd,
    out: () => out,
    err: () => err,
  };
}
