// V8's young generation, kept small for bounded memory. Over a long run V8 grows a heap's young generation to
// 3 x 16 MiB once enough objects have survived its collections; rows built as objects (augment, SFT rows) then cost
// 50-100 MB of RSS per thread, for no measured speed. Node-only (a V8 flag).
import { setFlagsFromString } from 'node:v8';

const FLAG = '--semi-space-growth-factor=1';
let kept = false;

/**
 * From now on, young generations keep their starting size, in this thread and in the worker threads started after
 * (WorkerPool sets the flag again once its workers run: starting a worker resets it). A user's own
 * `--semi-space-growth-factor` on the command line wins.
 */
export function keepYoungGenerationSmall(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((a) => a.startsWith('--semi-space-growth-factor'))) return;
  kept = true;
  setFlagsFromString(FLAG);
}

/** Sets the flag again if keepYoungGenerationSmall asked for it (after a worker started). */
export function keepHeapFlags(): void {
  if (kept) setFlagsFromString(FLAG);
}
