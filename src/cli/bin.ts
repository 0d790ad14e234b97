#!/usr/bin/env node
// The executable: the only file that touches process.exitCode, process signals and the real stdout stream.
import { keepYoungGenerationSmall } from '../io/node/heap.js';
import { removeAllTemps } from '../io/node/temp.js';
import { EXIT } from './io.js';
import { run } from './main.js';

// Bounded memory: young generations keep their starting size (src/io/node/heap.ts).
keepYoungGenerationSmall();

// SIGINT / SIGTERM / SIGHUP: remove the run's temp files (outputs before their rename, the stdin spool), then exit
// with 128 + the signal number. Nothing is left under a final name: outputs appear only when a run commits.
const SIGNALS: [NodeJS.Signals, number][] = [
  ['SIGINT', EXIT.SIGINT],
  ['SIGTERM', EXIT.SIGTERM],
  ['SIGHUP', EXIT.SIGHUP],
];
for (const [sig, code] of SIGNALS) {
  process.on(sig, () => {
    removeAllTemps();
    process.stderr.write(`\npairsmith: interrupted by ${sig}; no output was written\n`);
    process.exit(code);
  });
}

// A write to stdout resolves once the stream has taken the bytes (backpressure); a closed pipe rejects with EPIPE,
// which ends the run as a write error (exit 4) instead of a silent exit.
let stdoutError: NodeJS.ErrnoException | undefined;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  stdoutError ??= e;
});
function stdoutBytes(b: Uint8Array): Promise<void> {
  if (stdoutError) return Promise.reject(stdoutError);
  return new Promise((resolve, reject) => {
    process.stdout.write(Buffer.from(b), (e) => {
      if (e) reject(e);
      else resolve();
    });
  });
}

run(process.argv.slice(2), {
  stdout: (s) => void process.stdout.write(s),
  stdoutBytes,
  stderr: (s) => void process.stderr.write(s),
  stdin: process.stdin,
  stderrIsTTY: process.stderr.isTTY === true,
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    removeAllTemps();
    process.stderr.write(`pairsmith: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = EXIT.FAILURE;
  },
);
