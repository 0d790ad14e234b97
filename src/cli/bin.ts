#!/usr/bin/env node
// The executable: the only file that touches process.exitCode.
import { run } from './main.js';

// A closed pipe (`pairsmith ... | head`) is the reader's choice, not an error: stop writing quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

run(process.argv.slice(2), {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  stdin: process.stdin,
  stderrIsTTY: process.stderr.isTTY === true,
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`pairsmith: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
